import pg from 'pg';
import { PostgresDialect, sql, type Dialect, type Kysely } from 'kysely';
import { parse, toClientConfig, type ConnectionOptions } from 'pg-connection-string';
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
  const settings = connectionSettings(url, schema);
  if (schema !== undefined) await ensurePostgresSchema(url, schema);
  const pool = new pg.Pool({ ...settings, types });
  return { dialect: new PostgresDialect({ pool: copyingPool(pool) }), sql: postgresSql() };
}

/*
 * Pages are short index walks; parallel workers only add start-up latency to them, and so does
 * JIT compilation, which the viewer-scoped pages' per-row visibility subplans push the estimated
 * cost over jit_above_cost for (measured: 140 ms of JIT per 1 ms page).
 */
const SERVER_SETTINGS = '-c max_parallel_workers_per_gather=0 -c jit=off';

/**
 * The pool's settings: `url` read by node-pg's own parser (pg-connection-string),
 * and server `options` made of entente's settings, then the URL's own `options`
 * (an operator's `-c search_path=…`, or a setting they chose to override), then
 * the schema's search path. Given the URL itself, node-pg would let its
 * `options` replace the `options` given beside it, so the pool gets the parsed
 * settings instead.
 */
export function connectionSettings(url: string, schema?: string): pg.ClientConfig {
  const { options: urlOptions, ...settings } = parsedUrl(url);
  const parts = [SERVER_SETTINGS, urlOptions, schema === undefined ? undefined : `-c search_path="${schema}"`];
  return { ...settings, options: parts.filter((part) => part !== undefined && part.trim() !== '').join(' ') };
}

const URL_FORM = 'postgres://user:password@host:port/database?parameters, with any / ? # @ : in the user or password percent-encoded';

function parsedUrl(url: string): pg.ClientConfig {
  let parsed: ConnectionOptions;
  try {
    parsed = parse(url);
  } catch (error) {
    throw unreadableUrl(error);
  }
  // toClientConfig drops an ssl value it cannot type, which would connect without TLS where the URL asked for it.
  if (typeof parsed.ssl === 'string') {
    throw new EntenteError(
      'invalid_config',
      `PostgreSQL URL has ssl=${parsed.ssl}, which is not understood: write ssl=true or ssl=0, or sslmode=disable, no-verify, require or verify-full`,
      { ssl: parsed.ssl },
    );
  }
  try {
    return toClientConfig(parsed);
  } catch (error) {
    throw unreadableUrl(error);
  }
}

// The parser leaves the URL out of its errors (it may hold a password), and so does this one.
function unreadableUrl(error: unknown): EntenteError {
  const reason = error instanceof Error ? error.message : String(error);
  const notUrl = error instanceof TypeError && 'code' in error && error.code === 'ERR_INVALID_URL';
  return new EntenteError('invalid_config', `PostgreSQL URL cannot be read (${reason})${notUrl ? `: write it as ${URL_FORM}` : ''}`, { reason });
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
  const settings = connectionSettings(url);
  const client = new pg.Client(settings);
  try {
    await client.connect();
    await client.query(statement);
  } catch (error) {
    throw unreachable(settings, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

// Names the server by its parsed parts, so no password can reach the message.
function unreachable(settings: pg.ClientConfig, error: unknown): EntenteError {
  const host = settings.host?.includes(':') === true ? `[${settings.host}]` : (settings.host ?? '');
  const server = `${host}${settings.port === undefined ? '' : `:${settings.port}`}/${settings.database ?? ''}`;
  const reason = error instanceof Error ? error.message : String(error);
  return new EntenteError('unavailable', `PostgreSQL at ${server} cannot be used: ${reason}`, { reason });
}
