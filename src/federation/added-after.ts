/**
 * Arithmetic on a partner's `date_added` timestamps as it writes them
 * (RFC 3339 in UTC, any number of fractional digits), exactly: a page's
 * `X-TAXII-Date-Added-Last` is re-asked as `added_after` one unit of its own
 * precision earlier, so that objects sharing that timestamp come again
 * (pull.ts). BigInt keeps nanosecond timestamps exact.
 */

interface Instant {
  /** Units of 10^-digits s since the epoch. */
  readonly units: bigint;
  readonly digits: number;
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/i;

function parse(value: string): Instant | undefined {
  const match = TIMESTAMP.exec(value);
  if (match === null) return undefined;
  const millis = Date.parse(`${match[1] ?? ''}Z`);
  if (Number.isNaN(millis)) return undefined;
  const fraction = match[2] ?? '';
  return { units: BigInt(millis / 1000) * 10n ** BigInt(fraction.length) + BigInt(fraction === '' ? '0' : fraction), digits: fraction.length };
}

/**
 * The timestamp one unit of `value`'s own precision before it, written with
 * the same digits (`…00.003Z` → `…00.002Z`, `…00Z` → `…59Z`); undefined when
 * `value` is not a UTC RFC 3339 timestamp. Asking `added_after` this returns
 * everything added at `value` or later.
 */
export function justBefore(value: string): string | undefined {
  const instant = parse(value);
  if (instant === undefined) return undefined;
  const scale = 10n ** BigInt(instant.digits);
  const units = instant.units - 1n;
  const seconds = units / scale;
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return instant.digits === 0 ? `${base}Z` : `${base}.${String(units % scale).padStart(instant.digits, '0')}Z`;
}

/** Whether timestamp `a` is later than `b`, whatever their precisions; unparseable ones compare as text. */
export function isLater(a: string, b: string): boolean {
  const x = parse(a);
  const y = parse(b);
  if (x === undefined || y === undefined) return a > b;
  const digits = Math.max(x.digits, y.digits);
  return x.units * 10n ** BigInt(digits - x.digits) > y.units * 10n ** BigInt(digits - y.digits);
}
