import pg from 'pg';
import { PostgresDialect, sql, type Dialect, type Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import type { DialectSql } from './dialect-sql.js';
import { copyingPool } from './postgres-copy.js';
import { copyObjects } from './postgres-object-copy.js';
import type { DatabaseSchema } from './schema.js';

/**
 * Rows inserted before statistics are refreshed: at least this many, and at
 * least half the table as last measured, so a large import analyses a few
 * times (logarithmically), not once per batch.
 */
const ANALYZE_AFTER_ROWS = 10_000;

function postgresSql(): DialectSql {
  let sinceAnalyze = 0;
  let tableRows = 0;
  return {
    name: 'postgres',
    greatest: (a, b) => sql<number>`greatest(${a}, ${b})`,
    keyText: sql`text collate "C"`,
    seqType: 'bigint',
    seqColumn: (column) => column.primaryKey().generatedByDefaultAsIdentity(),
    insertObjects: copyObjects,
    /**
     * Without statistics (right after a bulk import, before autovacuum runs) the
     * planner guesses a collection is small and sorts all of it for each page
     * instead of walking (collection_id, date_added); refreshing them keeps
     * pages proportional to the page.
     */
    async afterInsert(db: Kysely<DatabaseSchema>, count: number): Promise<void> {
      sinceAnalyze += count;
      if (sinceAnalyze < Math.max(ANALYZE_AFTER_ROWS, tableRows / 2)) return;
      sinceAnalyze = 0;
      await sql`analyze objects`.execute(db);
      const { rows } = await sql<{ n: number }>`select reltuples::bigint as n from pg_class where oid = 'objects'::regclass`.execute(db);
      tableRows = Number(rows[0]?.n ?? 0);
    },
  };
}

const INT8_OID = 20;

/**
 * int8 columns (microsecond times, counts) come back as JS numbers: every
 * value the store writes stays below 2^53, and callers compute with them.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * A pool on `url`. With `schema`, every connection works in that schema (it is
 * created if missing), which keeps parallel test runs apart.
 */
export async function createPostgres(url: string, schema?: string): Promise<{ dialect: Dialect; sql: DialectSql }> {
  if (schema !== undefined) await ensurePostgresSchema(url, schema);
  const pool = new pg.Pool({ ...connectionSettings(url, schema), types });
  return { dialect: new PostgresDialect({ pool: copyingPool(pool) }), sql: postgresSql() };
}

/*
 * Pages are short index walks; parallel workers only add start-up latency to them, and so does
 * JIT compilation, which the viewer-scoped pages' per-row visibility subplans push the estimated
 * cost over jit_above_cost for (measured: 140 ms of JIT per 1 ms page).
 */
const SERVER_SETTINGS = '-c max_parallel_workers_per_gather=0 -c jit=off';

/**
 * The pool's connection string and server `options`: entente's settings, then
 * the URL's own `options` (an operator's `-c search_path=…`, or a setting they
 * chose to override), then the schema's search path. node-pg lets a URL's
 * `options` replace the `options` given beside it, so the URL's are taken out
 * of it and merged here instead.
 */
export function connectionSettings(url: string, schema?: string): { connectionString: string; options: string } {
  const { connectionString, urlOptions } = withoutUrlOptions(url);
  const parts = [SERVER_SETTINGS, urlOptions, schema === undefined ? undefined : `-c search_path="${schema}"`];
  return { connectionString, options: parts.filter((part) => part !== undefined && part.trim() !== '').join(' ') };
}

// The host node-pg's URL parser puts in for a URL without one (postgres://user@/db?host=/socket).
const NO_HOST = '___entente_no_host___';

/** `url` without its `options` parameter, read as node-pg reads it (pg-connection-string). */
function withoutUrlOptions(url: string): { connectionString: string; urlOptions: string | undefined } {
  // pg-connection-string parses with WHATWG URL after encoding spaces; a path such as /var/run/postgresql is no URL.
  if (url.startsWith('/') || !/[?&]options=/.test(url)) return { connectionString: url, urlOptions: undefined };
  const encoded = / |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(url) ? encodeURI(url).replace(/%25(\d\d)/g, '%$1') : url;
  let parsed: URL;
  let hostless = false;
  try {
    parsed = new URL(encoded);
  } catch {
    try {
      parsed = new URL(encoded.replace('@/', `@${NO_HOST}/`));
      hostless = true;
    } catch {
      // node-pg will refuse it with its own message.
      return { connectionString: url, urlOptions: undefined };
    }
  }
  const urlOptions = parsed.searchParams.get('options') ?? undefined;
  parsed.searchParams.delete('options');
  const rebuilt = parsed.toString();
  return { connectionString: hostless ? rebuilt.replace(`@${NO_HOST}/`, '@/') : rebuilt, urlOptions };
}

/** Creates `schema` on the server at `url` unless it exists. */
export async function ensurePostgresSchema(url: string, schema: string): Promise<void> {
  await runStatement(url, `create schema if not exists "${checkedSchemaName(schema)}"`);
}

/**
 * Drops `schema` and all it holds: how test runs and benchmarks that worked in
 * a schema of their own clean up.
 */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  await runStatement(url, `drop schema if exists "${checkedSchemaName(schema)}" cascade`);
}

// The name is spliced into DDL (identifiers cannot be bound), so only plain names pass.
function checkedSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new EntenteError('invalid_config', `PostgreSQL schema name "${schema}" must be letters, digits and _`, { schema });
  }
  return schema;
}

async function runStatement(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query(statement);
  } catch (error) {
    throw unreachable(url, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function unreachable(url: string, error: unknown): EntenteError {
  const safeUrl = url.replace(/\/\/[^@/]*@/, '//');
  const reason = error instanceof Error ? error.message : String(error);
  return new EntenteError('unavailable', `PostgreSQL at ${safeUrl} cannot be used: ${reason}`, { reason });
}
