import { describe, expect, it } from 'vitest';
import { VerifiedPasswordCache } from './verified-password-cache.js';

describe('VerifiedPasswordCache', () => {
  it('remembers a verified password until it expires', () => {
    const cache = new VerifiedPasswordCache(1_000);
    cache.remember('$hash1', 'pw', 0);
    expect(cache.has('$hash1', 'pw', 999)).toBe(true);
    expect(cache.has('$hash1', 'pw', 1_000)).toBe(false);
  });

  it('does not match another password or a changed hash', () => {
    const cache = new VerifiedPasswordCache();
    cache.remember('$hash1', 'pw', 0);
    expect(cache.has('$hash1', 'pw2', 0)).toBe(false);
    expect(cache.has('$hash2', 'pw', 0)).toBe(false);
  });

  it('drops the oldest entry when full', () => {
    const cache = new VerifiedPasswordCache(60_000, 2);
    cache.remember('h', 'a', 0);
    cache.remember('h', 'b', 0);
    cache.remember('h', 'c', 0);
    expect(cache.has('h', 'a', 1)).toBe(false);
    expect(cache.has('h', 'b', 1)).toBe(true);
    expect(cache.has('h', 'c', 1)).toBe(true);
  });
});
