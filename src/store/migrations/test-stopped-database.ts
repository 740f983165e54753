import { randomBytes } from 'node:crypto';
import { Kysely, Migrator, type Dialect, type MigrationProvider } from 'kysely';
import { afterEach, describe } from 'vitest';
import type { DialectSql } from '../dialect-sql.js';
import { createPostgres, dropPostgresSchema } from '../postgres-dialect.js';
import type { DatabaseSchema } from '../schema.js';
import { createSqlite } from '../sqlite-dialect.js';
import { describeIfPostgres, postgresProblem, TEST_POSTGRES_URL } from '../test-backends.js';
import { storeMigrations } from './index.js';

/**
 * Test support for a migration's own test: a database stopped at the
 * migration before it, so the test can write rows in the old shape, migrate,
 * and look at what the migration made of them — on both backends.
 */
export interface StoppedDatabase {
  readonly db: Kysely<DatabaseSchema>;
  readonly sql: DialectSql;
  /** The PostgreSQL schema the database lives in; undefined on SQLite. */
  readonly schema: string | undefined;
}

/** Opens a fresh database with the store's migrations up to, not including, the one under test. */
export type OpenStoppedDatabase = () => Promise<StoppedDatabase>;

type OpenBackend = () => Promise<{ dialect: Dialect; sql: DialectSql; schema?: string }>;

/**
 * Registers `suite` as "migration `migration` (SQLite)", on databases in
 * memory, and as "migration `migration` (PostgreSQL)", each database in a fresh
 * schema of the test PostgreSQL (see describeIfPostgres when it is unreachable).
 * `migration` is the number its name starts with, e.g. '1300'. Every database
 * a test opens is closed, and its schema dropped, after that test.
 */
export async function describeMigration(migration: string, suite: (databaseBefore: OpenStoppedDatabase) => void): Promise<void> {
  const problem = await postgresProblem();
  describe(`migration ${migration} (SQLite)`, () => {
    suiteOn(migration, async () => createSqlite(':memory:'), suite);
  });
  describeIfPostgres(`migration ${migration} (PostgreSQL)`, problem, () => {
    suiteOn(
      migration,
      async () => {
        const schema = `test_m${migration}_${randomBytes(6).toString('hex')}`;
        return { ...(await createPostgres(TEST_POSTGRES_URL, schema)), schema };
      },
      suite,
    );
  });
}

function suiteOn(migration: string, open: OpenBackend, suite: (databaseBefore: OpenStoppedDatabase) => void): void {
  const disposers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const dispose of disposers.splice(0)) await dispose();
  });
  suite(async () => {
    const backend = await open();
    const db = new Kysely<DatabaseSchema>({ dialect: backend.dialect });
    // Registered before migrating, so a migration that fails still leaves nothing behind.
    disposers.push(async () => {
      await db.destroy();
      if (backend.schema !== undefined) await dropPostgresSchema(TEST_POSTGRES_URL, backend.schema);
    });
    const migrator = new Migrator({
      db,
      provider: migrationsBefore(backend.sql, migration),
      ...(backend.schema === undefined ? {} : { migrationTableSchema: backend.schema }),
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
    return { db, sql: backend.sql, schema: backend.schema };
  });
}

/** The store's migrations up to, not including, `name`. */
function migrationsBefore(dialect: DialectSql, name: string): MigrationProvider {
  return {
    async getMigrations() {
      const all = await storeMigrations(dialect).getMigrations();
      // A number no migration has would stop nowhere in particular and the test would pass on whatever it got.
      if (!Object.keys(all).some((key) => key.startsWith(`${name}-`))) throw new Error(`no store migration is numbered ${name}`);
      return Object.fromEntries(Object.entries(all).filter(([key]) => key < name));
    },
  };
}
