import type { Kysely } from 'kysely';
import { acquireNamedLease, namedLeaseHolder, releaseNamedLease } from '../store/lease.js';
import type { DatabaseSchema } from '../store/schema.js';

/**
 * The lease on a partner: the one process (of several app servers on one
 * PostgreSQL, or a server and `entente sync` on one SQLite file) allowed to
 * pull and push that partner now. It is store/lease.ts's named lease
 * `partner:<id>`, with its rules: taken by one conditional UPDATE, expiring by
 * itself if its holder dies, taken over at once from a holder on this host
 * whose process no longer exists (killed with -9).
 */
export { newLeaseOwner } from '../store/lease.js';

/** The named lease of one partner (removePartner deletes it with the partner). */
export function partnerLeaseName(partnerId: string): string {
  return `partner:${partnerId}`;
}

/** Takes (or extends, for its holder) the lease until `now + ttlMicros`; false when another live holder has it. */
export function acquireLease(db: Kysely<DatabaseSchema>, partnerId: string, owner: string, ttlMicros: number, now: number): Promise<boolean> {
  return acquireNamedLease(db, partnerLeaseName(partnerId), owner, ttlMicros, now);
}

export function releaseLease(db: Kysely<DatabaseSchema>, partnerId: string, owner: string): Promise<void> {
  return releaseNamedLease(db, partnerLeaseName(partnerId), owner);
}

/** Who holds the lease now, if anyone (for messages). */
export function leaseHolder(db: Kysely<DatabaseSchema>, partnerId: string): Promise<string | undefined> {
  return namedLeaseHolder(db, partnerLeaseName(partnerId));
}
