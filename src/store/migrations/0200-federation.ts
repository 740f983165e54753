import type { Kysely, Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/**
 * Issue 5: federation.
 *
 * - `partners`: remote TAXII servers, their credentials (encrypted; never
 *   stored in clear), schedule, health, and the lease that keeps two
 *   processes from pulling one partner at once.
 * - `partner_organizations`: the local organisations a partner represents.
 * - `partner_rules`: what to pull from which remote collection into which
 *   local one (and, for push, the reverse), with filters as JSON lists.
 * - `watermarks`: a key → value the store writes in the same transaction as
 *   the objects it covers (pull resumes from it after any crash).
 *
 * Column types are those of federation/federation-schema.ts.
 */
export function federationMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('partners')
        .addColumn('id', dialect.keyText, (c) => c.primaryKey())
        .addColumn('name', dialect.keyText, (c) => c.notNull().unique())
        .addColumn('discovery_url', 'text', (c) => c.notNull())
        .addColumn('auth_kind', 'text', (c) => c.notNull())
        .addColumn('credentials', 'text', (c) => c.notNull())
        .addColumn('interval_seconds', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_run_at', 'bigint')
        .addColumn('last_success_at', 'bigint')
        .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('unhealthy_until', 'bigint')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint')
        .execute();
      await db.schema
        .createTable('partner_organizations')
        .addColumn('partner_id', dialect.keyText, (c) => c.notNull().references('partners.id').onDelete('cascade'))
        .addColumn('org_id', dialect.keyText, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('partner_organizations_pkey', ['partner_id', 'org_id'])
        .execute();
      await db.schema
        .createTable('partner_rules')
        .addColumn('id', dialect.keyText, (c) => c.primaryKey())
        .addColumn('partner_id', dialect.keyText, (c) => c.notNull().references('partners.id').onDelete('cascade'))
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('remote_collection', 'text', (c) => c.notNull())
        .addColumn('local_collection', 'text', (c) => c.notNull())
        .addColumn('types', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('markings', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('labels', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('partner_rules_partner_idx').on('partner_rules').columns(['partner_id', 'position']).execute();
      await db.schema
        .createTable('watermarks')
        .addColumn('key', dialect.keyText, (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
