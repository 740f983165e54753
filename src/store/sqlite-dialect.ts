import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteAdapter, SqliteDialect, sql, type Dialect, type DialectAdapter, type Kysely, type SqliteDatabase, type Transaction } from 'kysely';
import type { DialectSql } from './dialect-sql.js';
import { OBJECT_COLUMNS, type InsertRow, type VersionKey } from './object-columns.js';
import type { DatabaseSchema } from './schema.js';

/**
 * Opens (creating on first start) the SQLite file at `path`, or an in-memory
 * database for `:memory:`. WAL lets readers proceed while one writer writes;
 * synchronous=NORMAL is durable across application crashes in WAL mode;
 * busy_timeout makes a second process wait for the write lock instead of failing.
 * The WAL is checkpointed into the database every 10,000 pages (≈ 40 MB) rather
 * than SQLite's default 1,000: a checkpoint (with its fsyncs) every few
 * thousand objects was a third of an import's time; durability is the same,
 * since every commit is in the WAL either way.
 */
export function createSqlite(path: string, options: SqliteOptions = {}): { dialect: Dialect; sql: DialectSql } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  if (path !== ':memory:') database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 10000');
  database.pragma('cache_size = -65536');
  database.pragma('temp_store = MEMORY');
  database.pragma('wal_autocheckpoint = 10000');
  if (options.bulkWrite === true) {
    // Every imported object adds a random key to two indexes (the (id, collection, version) key and
    // object_publishers), so a batch dirties pages all over them: kept in memory they are read once, not re-read
    // from disk per batch, and a checkpoint every 250,000 pages (≈ 1 GB of WAL) copies each page rewritten by
    // several batches once. The last checkpoint runs when the connection closes.
    database.pragma(`cache_size = -${BULK_CACHE_KIB}`);
    database.pragma('wal_autocheckpoint = 250000');
  }
  return { dialect: new TransactionalDdlSqliteDialect({ database: withStatementCache(database) }), sql: sqliteSql(database) };
}

/**
 * SQLite changes its schema inside transactions, but Kysely's adapter says it
 * does not, so Kysely's migrator would run migrations bare: a process stopped
 * in the middle of one (a table rebuilt, a back-fill half done) would leave
 * the database half-migrated and unrecorded. Declared, the pending migrations
 * run in one transaction with their records, as on PostgreSQL.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalDdlSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

export interface SqliteOptions {
  /** A bulk import: a larger page cache and rarer checkpoints (memory and WAL size for fewer page writes). */
  readonly bulkWrite?: boolean;
}

/** Page cache of a bulk import, at most (SQLite allocates it as pages are used): the indexes of ~2 million objects. */
const BULK_CACHE_KIB = 1 << 20;

/** How many distinct statements stay prepared: every query shape the server runs, with room to spare. */
const CACHED_STATEMENTS = 256;

/**
 * The database as Kysely's SQLite driver sees it, keeping prepared statements
 * by their SQL text. The driver prepares every query it runs afresh; for a
 * page or a GET by id, whose SQL carries the visibility and version
 * conditions, preparing cost more CPU than running the query. A statement is
 * never run twice at once: the driver holds its one connection for the
 * length of each query or stream.
 */
function withStatementCache(database: Database.Database): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      const cached = statements.get(text);
      if (cached !== undefined) {
        // Most recently used last, so the first key is the one to evict.
        statements.delete(text);
        statements.set(text, cached);
        return cached;
      }
      const statement = database.prepare(text);
      statements.set(text, statement);
      if (statements.size > CACHED_STATEMENTS) statements.delete(statements.keys().next().value as string);
      return statement;
    },
  };
}

function sqliteSql(database: Database.Database): DialectSql {
  let insert: { statement: Database.Statement; order: (keyof InsertRow)[] } | undefined;
  return {
    name: 'sqlite',
    greatest: (a, b) => sql<number>`max(${a}, ${b})`,
    keyText: 'text',
    seqType: 'integer',
    seqColumn: (column) => column.primaryKey().autoIncrement(),
    async insertObjects(trx: Transaction<DatabaseSchema>, rows: readonly InsertRow[]): Promise<VersionKey[]> {
      // The Kysely transaction holds the one connection; statements on the same
      // better-sqlite3 handle run inside it. The SQL itself is Kysely's.
      insert ??= prepareInsert(trx, database);
      const { statement, order } = insert;
      const inserted: VersionKey[] = [];
      // One array of values for every row: better-sqlite3 binds them before run returns.
      const values: unknown[] = new Array(order.length);
      for (const row of rows) {
        for (let i = 0; i < order.length; i += 1) values[i] = row[order[i] as keyof InsertRow];
        if (statement.run(values).changes === 1) inserted.push(row);
      }
      return inserted;
    },
    // SQLite's planner picks the same index walks without statistics (query-plans.test.ts).
    afterInsert: async () => undefined,
  };
}

function prepareInsert(db: Kysely<DatabaseSchema>, database: Database.Database) {
  // Compile one row whose values are the column names, then read the bind order back.
  const placeholder = Object.fromEntries(OBJECT_COLUMNS.map((column) => [column, column])) as unknown as InsertRow;
  const compiled = db
    .insertInto('objects')
    .values(placeholder)
    .onConflict((oc) => oc.columns(['id', 'collection_id', 'version']).doNothing())
    .compile();
  return { statement: database.prepare(compiled.sql), order: compiled.parameters as (keyof InsertRow)[] };
}
