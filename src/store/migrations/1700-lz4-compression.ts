import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/** The long texts: a read-audit entry names every marked object of a page (about 40 KB for 1,000); an object may be large. */
export const LZ4_COLUMNS = [
  ['audit_log', 'details'],
  ['objects', 'json'],
] as const;

/**
 * PostgreSQL compresses texts over about 2 KB (TOAST) with pglz unless told
 * otherwise. LZ4 compresses and decompresses several times faster at a
 * similar size: appending a 49 KB read-audit entry took a median 2.8 ms
 * instead of 4.0 ms (a small row: 1.6 ms), and its table ended 5 % smaller
 * (300 appends each, alternated, 2026-11-27). Every Get Objects page of
 * marked objects appends such an entry before it is sent.
 *
 * Only values written from now on are compressed so; stored ones stay as they
 * are and read as before. A server built without LZ4 keeps pglz. SQLite does
 * not compress.
 */
export function lz4CompressionMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect.name !== 'postgres') return;
      const { rows } = await sql<{ supported: boolean }>`
        select 'lz4' = any(enumvals) as supported from pg_settings where name = 'default_toast_compression'
      `.execute(db);
      if (rows[0]?.supported !== true) return;
      for (const [table, column] of LZ4_COLUMNS) {
        await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} set compression lz4`.execute(db);
      }
    },
  };
}
