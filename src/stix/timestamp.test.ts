import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEntenteError } from '../errors.js';
import {
  compareTimestamps,
  nextVersionTimestamp,
  isValidTimestamp,
  microsToTimestamp,
  normaliseTimestamp,
  nowTimestamp,
  parseTimestamp,
  timestampPrecision,
  timestampToMicros,
} from './timestamp.js';

describe('parseTimestamp', () => {
  it('accepts RFC 3339 UTC timestamps with any fractional precision', () => {
    for (const ts of ['2018-08-20T12:00:00Z', '2018-08-20T12:00:00.1Z', '2018-08-20T12:00:00.123Z',
      '2018-08-20T12:00:00.123456Z', '2018-08-20T12:00:00.123456789Z', '2016-02-29T23:59:59.999Z']) {
      expect(isValidTimestamp(ts), ts).toBe(true);
    }
  });

  it('rejects other forms and impossible dates, saying what is wrong', () => {
    const cases: Array<[string, RegExp]> = [
      ['2018-08-20T12:00:00+00:00', /not a STIX timestamp/],
      ['2018-08-20t12:00:00z', /not a STIX timestamp/],
      ['2018-08-20 12:00:00Z', /not a STIX timestamp/],
      ['2018-08-20T12:00:00.Z', /not a STIX timestamp/],
      ['2018-08-20', /not a STIX timestamp/],
      ['2018-13-01T00:00:00Z', /month 13/],
      ['2018-02-29T00:00:00Z', /day 29, outside 01–28/],
      ['1900-02-29T00:00:00Z', /day 29/],
      ['2018-04-31T00:00:00Z', /day 31, outside 01–30/],
      ['2018-01-01T24:00:00Z', /hour 24/],
      ['2018-01-01T00:60:00Z', /minute 60/],
      ['2016-12-31T23:59:60Z', /second 60/],
    ];
    for (const [ts, why] of cases) {
      const result = parseTimestamp(ts);
      expect(typeof result, ts).toBe('string');
      expect(result).toMatch(why);
    }
  });

  it('reports the written precision', () => {
    expect(timestampPrecision('2018-08-20T12:00:00Z')).toBe(0);
    expect(timestampPrecision('2018-08-20T12:00:00.120Z')).toBe(3);
    expect(timestampPrecision('nope')).toBe(-1);
  });
});

describe('nowTimestamp', () => {
  it('has millisecond precision', () => {
    expect(nowTimestamp()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});

describe('normaliseTimestamp', () => {
  it('pads or truncates to microseconds', () => {
    expect(normaliseTimestamp('2018-08-20T12:00:00Z')).toBe('2018-08-20T12:00:00.000000Z');
    expect(normaliseTimestamp('2018-08-20T12:00:00.1Z')).toBe('2018-08-20T12:00:00.100000Z');
    expect(normaliseTimestamp('2018-08-20T12:00:00.123456789Z')).toBe('2018-08-20T12:00:00.123456Z');
  });

  it('compares at microsecond resolution', () => {
    expect(compareTimestamps('2018-08-20T12:00:00.1234569Z', '2018-08-20T12:00:00.123456Z')).toBe(0);
    expect(compareTimestamps('2018-08-20T12:00:00.1Z', '2018-08-20T12:00:00.100Z')).toBe(0);
    expect(compareTimestamps('2018-08-20T12:00:00Z', '2018-08-20T12:00:00.000001Z')).toBe(-1);
    expect(compareTimestamps('2018-08-21T00:00:00Z', '2018-08-20T23:59:59.999Z')).toBe(1);
    expect(() => compareTimestamps('now', '2018-08-20T12:00:00Z')).toThrowError(/not a STIX timestamp/);
  });

  it('throws invalid_stix for a non-timestamp', () => {
    expect(() => normaliseTimestamp('yesterday')).toThrowError(/not a STIX timestamp/);
    try {
      normaliseTimestamp('yesterday');
    } catch (error) {
      expect(isEntenteError(error) && error.code).toBe('invalid_stix');
    }
  });

  const micros = fc.integer({ min: -8_000_000_000_000_000, max: 8_000_000_000_000_000 });
  const precision = fc.integer({ min: 0, max: 9 });
  const written = fc.tuple(micros, precision).map(([us, digits]) => {
    const full = microsToTimestamp(us);
    const fraction = full.slice(20, 26);
    return digits === 0 ? `${full.slice(0, 19)}Z` : `${full.slice(0, 19)}.${(fraction + '000').slice(0, digits)}Z`;
  });

  it('sorts lexicographically in the same order as the instants (property)', () => {
    fc.assert(fc.property(written, written, (a, b) => {
      const na = normaliseTimestamp(a);
      const nb = normaliseTimestamp(b);
      const lexical = na < nb ? -1 : na > nb ? 1 : 0;
      expect(lexical).toBe(Math.sign(timestampToMicros(a) - timestampToMicros(b)));
      expect(compareTimestamps(a, b)).toBe(lexical);
    }));
  });
});

describe('microseconds', () => {
  it('converts known instants', () => {
    expect(timestampToMicros('1970-01-01T00:00:00Z')).toBe(0);
    expect(timestampToMicros('1970-01-01T00:00:00.000001Z')).toBe(1);
    expect(timestampToMicros('1969-12-31T23:59:59.999999Z')).toBe(-1);
    expect(microsToTimestamp(1_534_766_400_123_456)).toBe('2018-08-20T12:00:00.123456Z');
    expect(microsToTimestamp(-1)).toBe('1969-12-31T23:59:59.999999Z');
  });

  it('round-trips every microsecond in range (property)', () => {
    fc.assert(fc.property(fc.integer({ min: -8_000_000_000_000_000, max: 8_000_000_000_000_000 }), (us) => {
      const text = microsToTimestamp(us);
      expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
      expect(timestampToMicros(text)).toBe(us);
      expect(normaliseTimestamp(text)).toBe(text);
    }));
  });

  it('refuses instants where microseconds are not exact, and non-integers', () => {
    expect(() => timestampToMicros('9999-12-31T23:59:59Z')).toThrowError(/outside 1686–2254/);
    expect(() => timestampToMicros('not a time')).toThrowError(/not a STIX timestamp/);
    expect(() => microsToTimestamp(1.5)).toThrowError(/whole number/);
  });
});

describe('nextVersionTimestamp', () => {
  const now = Date.parse('2026-11-26T12:00:00.000Z');
  it('is now when the last version is older, or there is none to read', () => {
    expect(nextVersionTimestamp('2026-11-26T11:59:59.999Z', now)).toBe('2026-11-26T12:00:00.000Z');
    expect(nextVersionTimestamp(undefined, now)).toBe('2026-11-26T12:00:00.000Z');
    expect(nextVersionTimestamp('', now)).toBe('2026-11-26T12:00:00.000Z');
  });
  it('is one millisecond after the last version when the clock is not past it', () => {
    expect(nextVersionTimestamp('2026-11-26T12:00:00.000Z', now)).toBe('2026-11-26T12:00:00.001Z');
    expect(nextVersionTimestamp('2027-01-01T00:00:00.000Z', now)).toBe('2027-01-01T00:00:00.001Z');
  });
});
