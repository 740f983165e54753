import { EntenteError } from '../errors.js';
import { normaliseTimestamp as normaliseStixTimestamp, parseTimestamp } from '../stix/timestamp.js';

/**
 * STIX 2.1 §3.2 timestamps (`YYYY-MM-DDTHH:MM:SS[.s+]Z`, always UTC) as the
 * store keys them, and the server's own microsecond clock. What is a timestamp
 * is decided once, in stix/timestamp.ts; here errors name the field they came
 * from. Versions are stored normalised to six fractional digits so that text
 * order is time order and two spellings of the same instant (`…:00Z`,
 * `…:00.000Z`) are one version.
 */
export { microsToTimestamp } from '../stix/timestamp.js';

function invalid(value: string, what: string): EntenteError {
  return new EntenteError('invalid_input', `${what} "${value}" is not a timestamp of the form YYYY-MM-DDTHH:MM:SS[.sss]Z`, {
    value,
  });
}

/**
 * The fixed-width form `YYYY-MM-DDTHH:MM:SS.ffffffZ` (sub-microsecond digits
 * are dropped). Throws `invalid_input` for anything else.
 */
export function normaliseTimestamp(value: string, what = 'timestamp'): string {
  if (typeof parseTimestamp(value) === 'string') throw invalid(value, what);
  return normaliseStixTimestamp(value);
}

/**
 * Microseconds since the Unix epoch; e.g. for TAXII `added_after` (TAXII 2.1 §3.4.2).
 * Unlike stix's timestampToMicros it accepts any year, as a filter bound may lie far out.
 */
export function timestampToMicros(value: string, what = 'timestamp'): number {
  const parts = parseTimestamp(value);
  if (typeof parts === 'string') throw invalid(value, what);
  const date = new Date(Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second));
  // Date.UTC reads years 0–99 as 1900–1999.
  if (parts.year < 100) date.setUTCFullYear(parts.year);
  return date.getTime() * 1000 + Number(parts.fraction.slice(0, 6).padEnd(6, '0'));
}

/** The current time in microseconds (millisecond clock, scaled). */
export function nowMicros(): number {
  return Date.now() * 1000;
}
