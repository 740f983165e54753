import type { Kysely, Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/**
 * Issue 4: sharing groups, RED recipients and the audit log.
 *
 * - `sharing_groups` / `sharing_group_members`: named sets of organisations;
 *   the owner is a member. Readers resolve membership at query time, so adding
 *   or removing a member changes what it sees at once.
 * - `object_recipients`: who a RED version was addressed to, keyed by the
 *   row's (collection_id, date_added) — unique and never reused in a
 *   collection, so a recipient row can never attach to another object.
 * - `audit_log`: append-only, each entry's `hash` covering its content and the
 *   previous entry's hash (access/audit-log.ts).
 * - `objects_id_idx`: who already published an id, in any collection, is
 *   checked on every write (a new version may not widen an object's audience).
 *
 * Column types are the types the tables' TypeScript interfaces in
 * access/sharing-schema.ts state.
 */
export function sharingAndAuditMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('sharing_groups')
        .addColumn('id', dialect.keyText, (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('owner_org', dialect.keyText, (c) => c.notNull().references('organizations.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sharing_group_members')
        .addColumn('group_id', dialect.keyText, (c) => c.notNull().references('sharing_groups.id').onDelete('cascade'))
        .addColumn('org_id', dialect.keyText, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('can_extend', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('sharing_group_members_pkey', ['group_id', 'org_id'])
        .execute();
      // Readers look up "the groups of my organisation" on every query.
      await db.schema.createIndex('sharing_group_members_org_idx').on('sharing_group_members').columns(['org_id', 'group_id']).execute();

      await db.schema
        .createTable('object_recipients')
        .addColumn('collection_id', dialect.keyText, (c) => c.notNull())
        .addColumn('date_added', 'bigint', (c) => c.notNull())
        .addColumn('recipient_kind', dialect.keyText, (c) => c.notNull())
        .addColumn('recipient_id', dialect.keyText, (c) => c.notNull())
        .addPrimaryKeyConstraint('object_recipients_pkey', ['collection_id', 'date_added', 'recipient_kind', 'recipient_id'])
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor_user', 'text')
        .addColumn('actor_org', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('address', 'text')
        .addColumn('path', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['at']).execute();

      await db.schema.createIndex('objects_id_idx').on('objects').columns(['id']).execute();
    },
  };
}
