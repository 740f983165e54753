import { EntenteError } from '../errors.js';

/**
 * STIX 2.1 §3.2 timestamps (`YYYY-MM-DDTHH:MM:SS[.s+]Z`, always UTC) and the
 * server's own microsecond clock. Versions are stored normalised to six
 * fractional digits so that text order is time order and two spellings of the
 * same instant (`…:00Z`, `…:00.000Z`) are one version.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;

interface Parts {
  readonly date: Date;
  readonly fraction: string;
}

function parse(value: string): Parts | undefined {
  const m = TIMESTAMP.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac] = m;
  const year = Number(y);
  const date = new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  if (year < 100) date.setUTCFullYear(year);
  // Reject impossible dates (2021-02-30, 24:00:00) that Date would silently roll over.
  const iso = date.toISOString();
  if (iso.length !== 24 || iso.slice(0, 19) !== value.slice(0, 19)) return undefined;
  return { date, fraction: (frac ?? '').padEnd(6, '0').slice(0, 6) };
}

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
  const parts = parse(value);
  if (!parts) throw invalid(value, what);
  return `${value.slice(0, 19)}.${parts.fraction}Z`;
}

/** Microseconds since the Unix epoch; e.g. for TAXII `added_after` (TAXII 2.1 §3.4.2). */
export function timestampToMicros(value: string, what = 'timestamp'): number {
  const parts = parse(value);
  if (!parts) throw invalid(value, what);
  return parts.date.getTime() * 1000 + Number(parts.fraction);
}

/** The fixed-width timestamp of a microsecond instant, as served in `date_added`. */
export function microsToTimestamp(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const rest = micros - millis * 1000;
  const iso = new Date(millis).toISOString();
  return `${iso.slice(0, 23)}${String(rest).padStart(3, '0')}Z`;
}

/** The current time in microseconds (millisecond clock, scaled). */
export function nowMicros(): number {
  return Date.now() * 1000;
}
