import { describe, expect, it } from 'vitest';
import { parseDateOption } from './date-option.js';

describe('parseDateOption', () => {
  it('reads a date as midnight UTC and a date-time in its own zone, in microseconds', () => {
    expect(parseDateOption('2026-11-01')).toBe(Date.UTC(2026, 10, 1) * 1000);
    expect(parseDateOption('2026-11-01T12:00:00Z')).toBe(Date.UTC(2026, 10, 1, 12) * 1000);
    expect(parseDateOption('2026-11-01T12:00+02:00')).toBe(Date.UTC(2026, 10, 1, 10) * 1000);
    expect(parseDateOption('2026-11-01T12:00:00.250Z')).toBe((Date.UTC(2026, 10, 1, 12) + 250) * 1000);
  });

  it('refuses days that do not exist, zoneless date-times and other text, naming the value', () => {
    for (const value of ['2026-02-30', '2026-13-01', '2026-11-01T25:00:00Z', '2026-11-01 12:00', '2026-11-01T12:00:00', 'tomorrow', '', '1793491200']) {
      expect(() => parseDateOption(value), value).toThrow(`"${value}" is not a date`);
    }
  });
});
