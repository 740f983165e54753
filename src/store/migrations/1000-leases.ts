import type { Kysely, Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/**
 * Issue 6 "only one `entente serve` correlates per database": named leases
 * (store/lease.ts) for work that one process of several on one database may
 * do at a time, such as the correlation follower. Federation keeps its
 * per-partner lease on the `partners` row.
 */
export function leasesMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('leases')
        .addColumn('name', dialect.keyText, (c) => c.primaryKey())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint')
        .execute();
    },
  };
}
