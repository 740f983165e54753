import type { Kysely, Migration } from 'kysely';

/**
 * A partner's lease became the named lease `partner:<id>` in the `leases`
 * table (federation/lease.ts), the one rule for every lease: the columns that
 * held it on the partner row go. A lease held while upgrading is simply
 * taken afresh.
 */
export const partnerLeasesMigration: Migration = {
  // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('partners').dropColumn('lease_owner').execute();
    await db.schema.alterTable('partners').dropColumn('lease_until').execute();
  },
};
