import { describe, expect, it } from 'vitest';
import { microsToTimestamp, normaliseTimestamp, timestampToMicros } from './timestamps.js';

describe('timestamps', () => {
  it('normalises every precision to six fractional digits', () => {
    expect(normaliseTimestamp('2021-01-01T00:00:00Z')).toBe('2021-01-01T00:00:00.000000Z');
    expect(normaliseTimestamp('2021-01-01T00:00:00.1Z')).toBe('2021-01-01T00:00:00.100000Z');
    expect(normaliseTimestamp('2021-01-01T00:00:00.123456789Z')).toBe('2021-01-01T00:00:00.123456Z');
  });

  it('rejects what is not a UTC timestamp or not a real date', () => {
    for (const bad of ['2021-01-01', '2021-01-01T00:00:00+01:00', '2021-02-30T00:00:00Z', '2021-01-01T24:00:00Z', 'last']) {
      expect(() => normaliseTimestamp(bad)).toThrow(/not a timestamp/);
    }
  });

  it('converts to and from microseconds', () => {
    const micros = timestampToMicros('2021-06-10T12:34:56.789012Z');
    expect(micros).toBe(Date.UTC(2021, 5, 10, 12, 34, 56, 789) * 1000 + 12);
    expect(microsToTimestamp(micros)).toBe('2021-06-10T12:34:56.789012Z');
    expect(microsToTimestamp(0)).toBe('1970-01-01T00:00:00.000000Z');
  });
});
