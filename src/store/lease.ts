import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from './schema.js';

/**
 * Leases: which one process, of several sharing a database (app servers on
 * one PostgreSQL, or a server and a CLI command on one SQLite file), may do a
 * piece of work now. Taking one is one conditional UPDATE, atomic on both
 * backends; it expires by itself if its holder dies, and a holder on this host
 * whose process no longer exists (killed with -9) is taken over at once.
 *
 * Named leases live in the `leases` table (migration 1000-leases): the
 * correlation follower's, and one per partner (federation/lease.ts).
 */
export type LeaseTables = {
  leases: { name: string; lease_owner: string | null; lease_until: number | null };
};

/** A holder name: host, process id and a random part (two holders in one process differ). */
export function newLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

let processOwner: string | undefined;

/** One holder name for this whole process: what it holds, any of its parts may use. */
export function processLeaseOwner(): string {
  processOwner ??= newLeaseOwner();
  return processOwner;
}

/** Whether `holder` names a process of this host that no longer exists. */
export function deadOnThisHost(holder: string): boolean {
  const [host, pid] = holder.split(':');
  if (host !== hostname() || pid === undefined || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Takes (or extends, for its holder) lease `name` until `now + ttlMicros`
 * (microseconds since the epoch); false when another live holder has it.
 */
export async function acquireNamedLease(db: Kysely<DatabaseSchema>, name: string, owner: string, ttlMicros: number, now: number): Promise<boolean> {
  const ldb = db.withTables<LeaseTables>();
  await ldb.insertInto('leases').values({ name, lease_owner: null, lease_until: null }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const taken = await ldb
    .updateTable('leases')
    .set({ lease_owner: owner, lease_until: now + ttlMicros })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_until', '<', now), eb('lease_owner', '=', owner)]))
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) === 1) return true;
  const holder = await namedLeaseHolder(db, name);
  if (holder === undefined || !deadOnThisHost(holder)) return false;
  const stolen = await ldb
    .updateTable('leases')
    .set({ lease_owner: owner, lease_until: now + ttlMicros })
    .where('name', '=', name)
    .where('lease_owner', '=', holder)
    .executeTakeFirst();
  return Number(stolen.numUpdatedRows) === 1;
}

/** Gives lease `name` up, if `owner` holds it, so that another process takes it at once. */
export async function releaseNamedLease(db: Kysely<DatabaseSchema>, name: string, owner: string): Promise<void> {
  await db.withTables<LeaseTables>()
    .updateTable('leases')
    .set({ lease_owner: null, lease_until: null })
    .where('name', '=', name)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Who holds lease `name` now, if anyone (for messages). */
export async function namedLeaseHolder(db: Kysely<DatabaseSchema>, name: string): Promise<string | undefined> {
  const row = await db.withTables<LeaseTables>().selectFrom('leases').select('lease_owner').where('name', '=', name).executeTakeFirst();
  return row?.lease_owner ?? undefined;
}
