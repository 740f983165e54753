/**
 * Lock-out after repeated authentication failures (issue 4 "Abuse"), per
 * account (the user name an HTTP Basic attempt claims, whether or not it
 * exists, so the lock-out reveals nothing) and per client address.
 *
 * - `accountFailures` failures for one user name within `windowMs` lock that
 *   name out of HTTP Basic for `lockMs`; API tokens of the account keep working
 *   (a stranger cannot cut a service off by guessing at its owner's password).
 * - `addressFailures` failures from one address within `windowMs` lock every
 *   request from it for `lockMs`.
 * - While locked, requests are refused with 429 before any credential is checked.
 *
 * Kept in each server's memory: with several servers behind a load balancer
 * the limits apply per server.
 */
export interface AuthLimits {
  readonly accountFailures: number;
  readonly addressFailures: number;
  readonly windowMs: number;
  readonly lockMs: number;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = Object.freeze({
  accountFailures: 10,
  addressFailures: 50,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
});

interface Counter {
  failures: number[];
  lockedUntil: number;
}

/** The most keys remembered; the oldest are forgotten first, so memory stays bounded under a flood. */
const MAX_KEYS = 100_000;

export class AuthFailureLimiter {
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly limits: AuthLimits = DEFAULT_AUTH_LIMITS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Milliseconds until the address, or the account when given, may try again; 0 when not locked. */
  lockedFor(address: string, username?: string): number {
    const now = this.clock();
    const keys = [`address ${address}`, ...(username === undefined ? [] : [`account ${username}`])];
    return Math.max(0, ...keys.map((key) => (this.counters.get(key)?.lockedUntil ?? 0) - now));
  }

  recordFailure(address: string, username?: string): void {
    this.count(`address ${address}`, this.limits.addressFailures);
    if (username !== undefined) this.count(`account ${username}`, this.limits.accountFailures);
  }

  private count(key: string, threshold: number): void {
    const now = this.clock();
    const counter = this.counters.get(key) ?? { failures: [], lockedUntil: 0 };
    counter.failures = counter.failures.filter((at) => at > now - this.limits.windowMs);
    counter.failures.push(now);
    if (counter.failures.length >= threshold) {
      counter.lockedUntil = now + this.limits.lockMs;
      counter.failures = [];
    }
    // Re-inserted so that Map order is least recently failed first.
    this.counters.delete(key);
    this.counters.set(key, counter);
    if (this.counters.size > MAX_KEYS) {
      const oldest = this.counters.keys().next().value;
      if (oldest !== undefined) this.counters.delete(oldest);
    }
  }
}
