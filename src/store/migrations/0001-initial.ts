import type { Kysely, Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/**
 * The first schema: collections, objects (every version, JSON kept as given),
 * statuses, and the access tables (organisations, users, tokens, grants).
 * Integer times are microseconds; booleans are 0/1 integers on both dialects.
 *
 * `objects` has no foreign key to `collections`: the writer checks the
 * collection under its row lock, and a per-row trigger would slow bulk import.
 */
export function initialMigration(dialect: DialectSql): Migration {
  return {
    // Kysely passes Kysely<any>: a migration runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('collections')
        .addColumn('id', dialect.keyText, (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('alias', 'text', (c) => c.unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_added', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();

      await db.schema
        .createTable('objects')
        .addColumn('seq', dialect.seqType, (c) => dialect.seqColumn(c))
        .addColumn('collection_id', dialect.keyText, (c) => c.notNull())
        .addColumn('id', dialect.keyText, (c) => c.notNull())
        .addColumn('type', dialect.keyText, (c) => c.notNull())
        .addColumn('spec_version', dialect.keyText, (c) => c.notNull())
        .addColumn('version', dialect.keyText, (c) => c.notNull())
        .addColumn('version_raw', 'text', (c) => c.notNull())
        .addColumn('created', 'text')
        .addColumn('modified', 'text')
        .addColumn('date_added', 'bigint', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addColumn('author_org', 'text')
        .addColumn('author_user', 'text')
        .addColumn('partner', 'text')
        .addColumn('sharing_group', 'text')
        .addColumn('tlp', 'text', (c) => c.notNull().defaultTo('none'))
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addUniqueConstraint('objects_collection_id_version_key', ['collection_id', 'id', 'version'])
        .execute();
      // Keyset paging (TAXII added_after / next) walks this index.
      await db.schema
        .createIndex('objects_collection_date_added_idx')
        .unique()
        .on('objects')
        .columns(['collection_id', 'date_added'])
        .execute();
      // match[type] pages walk this one.
      await db.schema
        .createIndex('objects_collection_type_date_added_idx')
        .on('objects')
        .columns(['collection_id', 'type', 'date_added'])
        .execute();

      await db.schema
        .createTable('statuses')
        .addColumn('id', dialect.keyText, (c) => c.primaryKey())
        .addColumn('collection_id', 'text', (c) => c.notNull())
        .addColumn('request_timestamp', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('total_count', 'integer', (c) => c.notNull())
        .addColumn('success_count', 'integer', (c) => c.notNull())
        .addColumn('failure_count', 'integer', (c) => c.notNull())
        .addColumn('pending_count', 'integer', (c) => c.notNull())
        .addColumn('successes', 'text', (c) => c.notNull())
        .addColumn('failures', 'text', (c) => c.notNull())
        .addColumn('pendings', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('organizations')
        .addColumn('id', dialect.keyText, (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('identity_id', 'text', (c) => c.notNull())
        .addColumn('default_tlp', 'text', (c) => c.notNull().defaultTo('amber'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', dialect.keyText, (c) => c.primaryKey())
        .addColumn('org_id', dialect.keyText, (c) => c.notNull().references('organizations.id'))
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', dialect.keyText, (c) => c.primaryKey())
        .addColumn('user_id', dialect.keyText, (c) => c.notNull().references('users.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('label', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .addColumn('last_used_at', 'bigint')
        .execute();

      await db.schema
        .createTable('collection_grants')
        .addColumn('collection_id', dialect.keyText, (c) => c.notNull().references('collections.id').onDelete('cascade'))
        .addColumn('org_id', dialect.keyText, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('can_read', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('can_write', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('collection_grants_pkey', ['collection_id', 'org_id'])
        .execute();
    },
  };
}
