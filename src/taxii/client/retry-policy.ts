/**
 * When and how long to wait before retrying a request to a remote TAXII
 * server. Transient failures are network errors, 429 Too Many Requests and
 * 5xx answers (TAXII 2.1 §3.7 lists 429 and 503 as ones a client may retry).
 * Waits grow exponentially with full jitter, and a server's `Retry-After`
 * (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) is honoured up to a cap so
 * one misbehaving partner cannot stall a caller for hours.
 */
export interface RetryPolicy {
  /** Attempts in total, the first included. 1 disables retries. */
  readonly maxAttempts: number;
  /** The first backoff ceiling; attempt n waits up to baseDelayMs·2^(n-1). */
  readonly baseDelayMs: number;
  /** No wait, computed or asked for by `Retry-After`, exceeds this. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
});

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/**
 * Parses a `Retry-After` header into milliseconds from `now`; undefined when
 * absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * How long to wait before attempt `attempt + 1` (attempt counts from 1).
 * `random` is injectable so tests can pin the jitter.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}
