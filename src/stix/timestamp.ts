import { EntenteError } from '../errors.js';

/**
 * STIX 2.1 §3.2 timestamps: RFC 3339 in UTC with an upper-case `T` and `Z`, any
 * number of fractional-second digits (millisecond precision is what STIX
 * recommends for `created`/`modified`). TAXII 2.1 §3.2 timestamps (`date_added`,
 * `added_after`) are the same format, written by servers with microseconds.
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MICROS_PER_MS = 1000;
// The fixed-width part "YYYY-MM-DDTHH:MM:SS": a digit wherever the template has 'd'.
const TEMPLATE = 'dddd-dd-ddTdd:dd:dd';

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

function isDigitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function twoDigits(text: string, i: number): number {
  return (text.charCodeAt(i) - 48) * 10 + text.charCodeAt(i + 1) - 48;
}

/**
 * Why `text` is not a STIX timestamp, or undefined when it is one. Written
 * without regular expressions or allocation because every object carries
 * several timestamps. Leap seconds (:60) are refused: STIX tools (stix2, the
 * OASIS validator) cannot represent them.
 */
export function timestampProblem(text: string): string | undefined {
  const n = text.length;
  let shapeOk = n >= 20 && text.charCodeAt(n - 1) === 90;
  for (let i = 0; shapeOk && i < 19; i++) {
    const expected = TEMPLATE.charCodeAt(i);
    shapeOk = expected === 100 ? isDigitAt(text, i) : text.charCodeAt(i) === expected;
  }
  if (shapeOk && n > 20) {
    shapeOk = text.charCodeAt(19) === 46 && n > 21;
    for (let i = 20; shapeOk && i < n - 1; i++) shapeOk = isDigitAt(text, i);
  }
  if (!shapeOk) return `"${text}" is not a STIX timestamp (expected YYYY-MM-DDTHH:MM:SS[.s+]Z in UTC, STIX 2.1 §3.2)`;
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  if (month < 1 || month > 12) return `"${text}" has month ${text.slice(5, 7)}, outside 01–12`;
  const maxDay = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day < 1 || day > maxDay) return `"${text}" has day ${text.slice(8, 10)}, outside 01–${maxDay} for that month`;
  if (twoDigits(text, 11) > 23) return `"${text}" has hour ${text.slice(11, 13)}, outside 00–23`;
  if (twoDigits(text, 14) > 59) return `"${text}" has minute ${text.slice(14, 16)}, outside 00–59`;
  if (twoDigits(text, 17) > 59) return `"${text}" has second ${text.slice(17, 19)}, outside 00–59`;
  return undefined;
}

/** The calendar parts of a STIX timestamp, or a sentence saying what is wrong. */
export function parseTimestamp(text: string): TimestampParts | string {
  const problem = timestampProblem(text);
  if (problem !== undefined) return problem;
  return {
    year: Number(text.slice(0, 4)),
    month: twoDigits(text, 5),
    day: twoDigits(text, 8),
    hour: twoDigits(text, 11),
    minute: twoDigits(text, 14),
    second: twoDigits(text, 17),
    fraction: text.length > 20 ? text.slice(20, -1) : '',
  };
}

/** True when `text` is a valid STIX 2.1 timestamp (§3.2). */
export function isValidTimestamp(text: string): boolean {
  return timestampProblem(text) === undefined;
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
 * The `modified` of a new version of an object whose last version is
 * `previous` (STIX 2.1 §3.6: each version's is later): now, or one
 * millisecond after `previous` when the clock is not past it. Now when there
 * is no earlier timestamp, or it cannot be read.
 */
export function nextVersionTimestamp(previous: string | undefined, now: number = Date.now()): string {
  const last = previous === undefined ? Number.NaN : Date.parse(previous);
  return new Date(Number.isNaN(last) ? now : Math.max(now, last + 1)).toISOString();
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

/**
 * Compares two STIX timestamps by instant at microsecond resolution (digits
 * beyond are ignored, as in {@link normaliseTimestamp}): negative, 0 or positive.
 *
 * @throws EntenteError('invalid_stix') when either is not a STIX timestamp.
 */
export function compareTimestamps(a: string, b: string): number {
  requireTimestamp(a);
  requireTimestamp(b);
  return compareValidTimestamps(a, b);
}

/** {@link compareTimestamps} for timestamps already known to be valid; allocates nothing. */
export function compareValidTimestamps(a: string, b: string): number {
  for (let i = 0; i < 19; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return Math.sign(d);
  }
  const fractionA = Math.min(a.length - 21, 6);
  const fractionB = Math.min(b.length - 21, 6);
  for (let k = 0; k < fractionA || k < fractionB; k++) {
    const d = (k < fractionA ? a.charCodeAt(20 + k) : 48) - (k < fractionB ? b.charCodeAt(20 + k) : 48);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function requireTimestamp(text: string): TimestampParts {
  const parts = parseTimestamp(text);
  if (typeof parts === 'string') throw new EntenteError('invalid_stix', parts, { timestamp: text });
  return parts;
}
