import { EntenteError } from '../errors.js';

/**
 * STIX 2.1 §3.2 timestamps: RFC 3339 in UTC with an upper-case `T` and `Z`, any
 * number of fractional-second digits (millisecond precision is what STIX
 * recommends for `created`/`modified`). TAXII 2.1 §3.2 timestamps (`date_added`,
 * `added_after`) are the same format, written by servers with microseconds.
 */

const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MICROS_PER_MS = 1000;

export interface TimestampParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Fractional digits as written ('' when none). */
  readonly fraction: string;
}

/**
 * The calendar parts of a STIX timestamp, or a sentence saying what is wrong.
 * Leap seconds (:60) are refused: STIX tools (stix2, the OASIS validator) cannot
 * represent them.
 */
export function parseTimestamp(text: string): TimestampParts | string {
  const m = TIMESTAMP_RE.exec(text);
  if (m === null) {
    return `"${text}" is not a STIX timestamp (expected YYYY-MM-DDTHH:MM:SS[.s+]Z in UTC, STIX 2.1 §3.2)`;
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12) return `"${text}" has month ${m[2]}, outside 01–12`;
  const maxDay = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day < 1 || day > maxDay) return `"${text}" has day ${m[3]}, outside 01–${maxDay} for that month`;
  if (hour > 23) return `"${text}" has hour ${m[4]}, outside 00–23`;
  if (minute > 59) return `"${text}" has minute ${m[5]}, outside 00–59`;
  if (second > 59) return `"${text}" has second ${m[6]}, outside 00–59`;
  return { year, month, day, hour, minute, second, fraction: m[7] ?? '' };
}

/** True when `text` is a valid STIX 2.1 timestamp (§3.2). */
export function isValidTimestamp(text: string): boolean {
  return typeof parseTimestamp(text) !== 'string';
}

/** Number of fractional-second digits written, e.g. 3 for `…:00.123Z`; -1 when invalid. */
export function timestampPrecision(text: string): number {
  const parts = parseTimestamp(text);
  return typeof parts === 'string' ? -1 : parts.fraction.length;
}

/** Now, with millisecond precision, as STIX 2.1 §3.2 recommends for `created`/`modified`. */
export function nowTimestamp(): string {
  return new Date().toISOString();
}

/**
 * Fixed-width `YYYY-MM-DDTHH:MM:SS.ffffffZ` text for a timestamp: padded or
 * truncated to microseconds, so that normalised timestamps compare correctly as
 * strings (the store orders object versions by it). Digits beyond microseconds
 * are dropped.
 *
 * @throws EntenteError('invalid_stix') when `text` is not a STIX timestamp.
 */
export function normaliseTimestamp(text: string): string {
  const parts = requireTimestamp(text);
  const fraction = parts.fraction.length >= 6 ? parts.fraction.slice(0, 6) : parts.fraction.padEnd(6, '0');
  return `${text.slice(0, 19)}.${fraction}Z`;
}

/** Timestamps that are exact as integer microseconds in a double: ±285 years around 1970. */
const MIN_SAFE_YEAR = 1686;
const MAX_SAFE_YEAR = 2254;

/**
 * Microseconds since 1970-01-01T00:00:00Z (digits beyond microseconds dropped).
 *
 * @throws EntenteError('invalid_input') for an invalid timestamp or one outside
 * the years 1686–2254, beyond which microseconds are not exact in a JS number.
 */
export function timestampToMicros(text: string): number {
  const parts = parseTimestamp(text);
  if (typeof parts === 'string') throw new EntenteError('invalid_input', parts, { timestamp: text });
  if (parts.year < MIN_SAFE_YEAR || parts.year > MAX_SAFE_YEAR) {
    throw new EntenteError(
      'invalid_input',
      `"${text}" is outside ${MIN_SAFE_YEAR}–${MAX_SAFE_YEAR}, where microsecond times are exact`,
      { timestamp: text },
    );
  }
  const ms = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  const micros = Number(parts.fraction.slice(0, 6).padEnd(6, '0'));
  return ms * MICROS_PER_MS + micros;
}

/**
 * A TAXII 2.1 §3.2 timestamp with microsecond precision for `micros` since the
 * epoch (as servers write `date_added`).
 *
 * @throws EntenteError('invalid_input') when `micros` is not a safe integer.
 */
export function microsToTimestamp(micros: number): string {
  if (!Number.isSafeInteger(micros)) {
    throw new EntenteError('invalid_input', `${micros} is not a whole number of microseconds`, { micros });
  }
  const rest = ((micros % MICROS_PER_MS) + MICROS_PER_MS) % MICROS_PER_MS;
  const ms = (micros - rest) / MICROS_PER_MS;
  const iso = new Date(ms).toISOString();
  if (iso.length !== 24) {
    throw new EntenteError('invalid_input', `${micros} µs is outside the years 0000–9999`, { micros });
  }
  return `${iso.slice(0, 23)}${String(rest).padStart(3, '0')}Z`;
}

/** Compares two STIX timestamps by instant (microsecond resolution): negative, 0 or positive. */
export function compareTimestamps(a: string, b: string): number {
  const na = normaliseTimestamp(a);
  const nb = normaliseTimestamp(b);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function requireTimestamp(text: string): TimestampParts {
  const parts = parseTimestamp(text);
  if (typeof parts === 'string') throw new EntenteError('invalid_stix', parts, { timestamp: text });
  return parts;
}
