import { describe, expect, it } from 'vitest';
import { isLater, justBefore } from './added-after.js';

describe('justBefore', () => {
  it('steps back one unit of the timestamp own precision, keeping its digits', () => {
    expect(justBefore('2026-01-01T10:00:00.003Z')).toBe('2026-01-01T10:00:00.002Z');
    expect(justBefore('2026-01-01T10:00:00.000100Z')).toBe('2026-01-01T10:00:00.000099Z');
    expect(justBefore('2026-01-01T10:00:07Z')).toBe('2026-01-01T10:00:06Z');
    expect(justBefore('2026-01-01T00:00:00.000Z')).toBe('2025-12-31T23:59:59.999Z');
    expect(justBefore('2026-01-01T00:00:00.000000001Z')).toBe('2026-01-01T00:00:00.000000000Z');
  });

  it('gives nothing for what is not a UTC timestamp', () => {
    expect(justBefore('2026-01-01T10:00:00+02:00')).toBeUndefined();
    expect(justBefore('yesterday')).toBeUndefined();
  });
});

describe('isLater', () => {
  it('compares timestamps of different precisions by their instants', () => {
    expect(isLater('2026-01-01T10:00:00.0031Z', '2026-01-01T10:00:00.003Z')).toBe(true);
    expect(isLater('2026-01-01T10:00:00.003000Z', '2026-01-01T10:00:00.003Z')).toBe(false);
    expect(isLater('2026-01-01T10:00:00Z', '2026-01-01T09:59:59.999999Z')).toBe(true);
  });
});
