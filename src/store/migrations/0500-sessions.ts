import type { Kysely, Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/**
 * REST API sign-in sessions (access/sessions.ts). The cookie's secret is never
 * stored: `id` is its SHA-256, `csrf_hash` the SHA-256 of the session's CSRF
 * token. A session dies with its user (cascade) and at `expires_at`.
 *
 * Column types are those of access/sessions.ts `SessionTables`.
 */
export function sessionsMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('sessions')
        .addColumn('id', dialect.keyText, (c) => c.primaryKey())
        .addColumn('user_id', dialect.keyText, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('csrf_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('address', 'text')
        .execute();
      // Signing a user out everywhere (password change, disabling) and purging expired sessions.
      await db.schema.createIndex('sessions_user_idx').on('sessions').columns(['user_id']).execute();
      await db.schema.createIndex('sessions_expires_idx').on('sessions').columns(['expires_at']).execute();
    },
  };
}
