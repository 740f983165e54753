import { Kysely } from 'kysely';
import type { DialectName } from './dialect-sql.js';
import { KyselyObjectStore } from './kysely-object-store.js';
import type { ObjectStore } from './object-store.js';
import { createPostgres } from './postgres-dialect.js';
import type { DatabaseSchema } from './schema.js';
import { createSqlite } from './sqlite-dialect.js';

export interface OpenedStore {
  readonly store: ObjectStore;
  /** The same connection, for the other tables (organisations, users, tokens, grants). */
  readonly db: Kysely<DatabaseSchema>;
  readonly dialect: DialectName;
}

export interface OpenStoreOptions {
  /** PostgreSQL only: work in this schema (created if missing), e.g. to keep test runs apart. */
  readonly schema?: string;
  /** A bulk import will write through this store (SQLite: larger page cache, rarer checkpoints). */
  readonly bulkWrite?: boolean;
}

/** Whether `url` selects PostgreSQL rather than a SQLite file. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Opens the store at `url`: a `postgres://` or `postgresql://` URL selects
 * PostgreSQL; anything else is a SQLite file path (created with its folder on
 * first use) or `:memory:`. Call `store.migrate()` before use.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<OpenedStore> {
  const { dialect, sql } = isPostgresUrl(url) ? await createPostgres(url, options.schema) : createSqlite(url, { bulkWrite: options.bulkWrite === true });
  const db = new Kysely<DatabaseSchema>({ dialect });
  return { store: new KyselyObjectStore(db, sql), db, dialect: sql.name };
}
