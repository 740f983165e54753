import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDialect, sql, type Dialect } from 'kysely';
import type { DialectSql } from './dialect-sql.js';

export const sqliteSql: DialectSql = {
  name: 'sqlite',
  greatest: (a, b) => sql<number>`max(${a}, ${b})`,
  keyText: 'text',
  seqType: 'integer',
  seqColumn: (column) => column.primaryKey().autoIncrement(),
  // SQLite's default SQLITE_MAX_VARIABLE_NUMBER since 3.32.
  maxParameters: 32_766,
};

/**
 * Opens (creating on first start) the SQLite file at `path`, or an in-memory
 * database for `:memory:`. WAL lets readers proceed while one writer writes;
 * synchronous=NORMAL is durable across application crashes in WAL mode;
 * busy_timeout makes a second process wait for the write lock instead of failing.
 */
export function createSqliteDialect(path: string): Dialect {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  if (path !== ':memory:') database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 10000');
  database.pragma('cache_size = -65536');
  database.pragma('temp_store = MEMORY');
  return new SqliteDialect({ database });
}
