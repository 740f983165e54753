import { createHmac, randomBytes } from 'node:crypto';
import type { Principal } from './principal.js';

/**
 * The principal each recently accepted `Authorization` header authenticated
 * as, so a read can start with it while the header is verified again
 * (taxii/server/verified-read.ts). Never trusted on its own: an answer goes out
 * only when the fresh verification of the same request yields this very
 * principal, so revoking a token, disabling a user or changing a role takes
 * effect on the next request exactly as without it.
 *
 * Keyed by an HMAC of the header under a key that lives only in this process,
 * so nothing in memory reveals a password or a token.
 */
export class RecentPrincipals {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, Principal>();

  constructor(private readonly maxEntries: number = 1_000) {}

  recall(authorization: string): Principal | undefined {
    return this.entries.get(this.entry(authorization));
  }

  remember(authorization: string, principal: Principal): void {
    const entry = this.entry(authorization);
    this.entries.delete(entry);
    if (this.entries.size >= this.maxEntries) {
      // Map iteration order is insertion order: drop the least recently accepted.
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(entry, principal);
  }

  forget(authorization: string): void {
    this.entries.delete(this.entry(authorization));
  }

  private entry(authorization: string): string {
    return createHmac('sha256', this.key).update(authorization).digest('base64');
  }
}

/** The same principal in every field the access policy reads. */
export function samePrincipal(a: Principal, b: Principal): boolean {
  return (
    a.userId === b.userId &&
    a.username === b.username &&
    a.orgId === b.orgId &&
    a.role === b.role &&
    a.scope === b.scope &&
    a.representsPartner === b.representsPartner &&
    a.via === b.via
  );
}
