import { createHmac, randomBytes } from 'node:crypto';

/**
 * Remembers, for a short while, that a password matched a stored hash, so
 * HTTP Basic clients paging through a collection do not pay one argon2id
 * verification (~20 ms) per request. Entries are keyed by an HMAC, under a
 * key that lives only in this process, of the stored hash and the password:
 * a changed password changes the key, so the old one stops working at once,
 * and nothing in memory reveals a password.
 */
export class VerifiedPasswordCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number = 5 * 60_000,
    private readonly maxEntries: number = 10_000,
  ) {}

  has(passwordHash: string, password: string, now: number = Date.now()): boolean {
    const entry = this.entry(passwordHash, password);
    const expires = this.entries.get(entry);
    if (expires === undefined) return false;
    if (expires <= now) {
      this.entries.delete(entry);
      return false;
    }
    return true;
  }

  remember(passwordHash: string, password: string, now: number = Date.now()): void {
    if (this.entries.size >= this.maxEntries) {
      // Map iteration order is insertion order: drop the oldest.
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(this.entry(passwordHash, password), now + this.ttlMs);
  }

  private entry(passwordHash: string, password: string): string {
    return createHmac('sha256', this.key).update(passwordHash).update('\0').update(password).digest('base64');
  }
}
