import { describe, expect, it } from 'vitest';
import { isRetryableStatus, parseRetryAfter, retryDelayMs } from './retry-policy.js';

const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('retry policy', () => {
  it('retries 429 and 5xx only', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 401, 403, 404, 406, 413, 415, 422].some(isRetryableStatus)).toBe(false);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('grows the backoff ceiling exponentially up to the cap', () => {
    const atCeiling = () => 0.999_999;
    expect(retryDelayMs(policy, 1, undefined, atCeiling)).toBe(99);
    expect(retryDelayMs(policy, 3, undefined, atCeiling)).toBe(399);
    expect(retryDelayMs(policy, 10, undefined, atCeiling)).toBe(999);
    expect(retryDelayMs(policy, 3, undefined, () => 0)).toBe(0);
  });

  it('honours Retry-After but never beyond the cap', () => {
    expect(retryDelayMs(policy, 1, 500)).toBe(500);
    expect(retryDelayMs(policy, 1, 3_600_000)).toBe(1_000);
  });
});
