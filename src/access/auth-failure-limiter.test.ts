import { describe, expect, it } from 'vitest';
import { AuthFailureLimiter } from './auth-failure-limiter.js';

const LIMITS = { accountFailures: 3, addressFailures: 5, windowMs: 1000, lockMs: 10_000 };

function limiter() {
  let now = 0;
  const l = new AuthFailureLimiter(LIMITS, () => now);
  return { l, advance: (ms: number) => (now += ms) };
}

describe('AuthFailureLimiter', () => {
  it('locks an account name after its threshold within the window, from any address, then releases it', () => {
    const { l, advance } = limiter();
    l.recordFailure('10.0.0.1', 'alice');
    l.recordFailure('10.0.0.2', 'alice');
    expect(l.lockedFor('10.0.0.3', 'alice')).toBe(0);
    l.recordFailure('10.0.0.3', 'alice');
    expect(l.lockedFor('10.0.0.9', 'alice')).toBe(10_000);
    expect(l.lockedFor('10.0.0.9', 'bob')).toBe(0);
    expect(l.lockedFor('10.0.0.9')).toBe(0);
    advance(10_000);
    expect(l.lockedFor('10.0.0.9', 'alice')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const { l, advance } = limiter();
    l.recordFailure('a', 'alice');
    l.recordFailure('a', 'alice');
    advance(1001);
    l.recordFailure('b', 'alice');
    expect(l.lockedFor('c', 'alice')).toBe(0);
  });

  it('locks an address after its threshold whatever names it tries, and locks names that do not exist alike', () => {
    const { l } = limiter();
    for (let i = 0; i < 4; i++) l.recordFailure('10.0.0.1', `user${i}`);
    expect(l.lockedFor('10.0.0.1')).toBe(0);
    l.recordFailure('10.0.0.1');
    expect(l.lockedFor('10.0.0.1')).toBe(10_000);
    expect(l.lockedFor('10.0.0.2')).toBe(0);
  });
});
