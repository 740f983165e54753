import { InvalidArgumentError } from 'commander';

/** `2026-11-01`, or a date-time with its zone: `2026-11-01T12:00:00Z`, `2026-11-01T12:00+02:00`, fractions allowed. */
const DATE_OPTION = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * The one parser of the command line's date options (`audit --since`,
 * `token create --expires`): an ISO 8601 date (midnight UTC) or date-time with
 * a zone, as microseconds since the epoch. A date-time without a zone is
 * refused rather than read in whatever zone the operator's shell is in, and so
 * is a day that does not exist (2026-02-30), which Date.parse would roll over.
 */
export function parseDateOption(value: string): number {
  const match = DATE_OPTION.exec(value);
  const millis = Date.parse(value);
  if (match === null || Number.isNaN(millis) || !isCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]))) {
    throw new InvalidArgumentError(`"${value}" is not a date such as 2026-11-01 or a date-time with its zone such as 2026-11-01T12:00:00Z`);
  }
  return millis * 1000;
}

function isCalendarDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
