import type { Kysely } from 'kysely';
import { deadOnThisHost } from '../store/lease.js';
import type { DatabaseSchema } from '../store/schema.js';
import { withFederation } from './federation-schema.js';

/**
 * A lease on a partner row: the one process (of several app servers on one
 * PostgreSQL, or a server and `entente sync` on one SQLite file) allowed to
 * pull that partner now. Taking it is one conditional UPDATE, atomic on both
 * backends; it expires by itself if its holder dies, and a holder on this host
 * whose process no longer exists (killed with -9) is taken over at once.
 * The rules and holder names are store/lease.ts's, whose named leases serve
 * work that is not per partner (the correlation follower).
 */
export { newLeaseOwner } from '../store/lease.js';

/** Takes (or extends, for its holder) the lease until `now + ttlMicros`; false when another live holder has it. */
export async function acquireLease(db: Kysely<DatabaseSchema>, partnerId: string, owner: string, ttlMicros: number, now: number): Promise<boolean> {
  const fdb = withFederation(db);
  const taken = await fdb
    .updateTable('partners')
    .set({ lease_owner: owner, lease_until: now + ttlMicros })
    .where('id', '=', partnerId)
    .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_until', '<', now), eb('lease_owner', '=', owner)]))
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) === 1) return true;
  const row = await fdb.selectFrom('partners').select('lease_owner').where('id', '=', partnerId).executeTakeFirst();
  const holder = row?.lease_owner;
  if (holder === null || holder === undefined || !deadOnThisHost(holder)) return false;
  const stolen = await fdb
    .updateTable('partners')
    .set({ lease_owner: owner, lease_until: now + ttlMicros })
    .where('id', '=', partnerId)
    .where('lease_owner', '=', holder)
    .executeTakeFirst();
  return Number(stolen.numUpdatedRows) === 1;
}

export async function releaseLease(db: Kysely<DatabaseSchema>, partnerId: string, owner: string): Promise<void> {
  await withFederation(db)
    .updateTable('partners')
    .set({ lease_owner: null, lease_until: null })
    .where('id', '=', partnerId)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Who holds the lease now, if anyone (for messages). */
export async function leaseHolder(db: Kysely<DatabaseSchema>, partnerId: string): Promise<string | undefined> {
  const row = await withFederation(db).selectFrom('partners').select('lease_owner').where('id', '=', partnerId).executeTakeFirst();
  return row?.lease_owner ?? undefined;
}
