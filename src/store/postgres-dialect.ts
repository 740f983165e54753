import pg from 'pg';
import { PostgresDialect, sql, type Dialect } from 'kysely';
import { EntenteError } from '../errors.js';
import type { DialectSql } from './dialect-sql.js';

export const postgresSql: DialectSql = {
  name: 'postgres',
  greatest: (a, b) => sql<number>`greatest(${a}, ${b})`,
  keyText: sql`text collate "C"`,
  seqType: 'bigint',
  seqColumn: (column) => column.primaryKey().generatedByDefaultAsIdentity(),
  maxParameters: 65_535,
};

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
export async function createPostgresDialect(url: string, schema?: string): Promise<Dialect> {
  let options: string | undefined;
  if (schema !== undefined) {
    if (!SCHEMA_NAME.test(schema)) {
      throw new EntenteError('invalid_config', `PostgreSQL schema name "${schema}" must be letters, digits and _`, { schema });
    }
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query(`create schema if not exists "${schema}"`);
    } catch (error) {
      throw unreachable(url, error);
    } finally {
      await client.end().catch(() => undefined);
    }
    options = `-c search_path="${schema}"`;
  }
  const pool = new pg.Pool({ connectionString: url, types, ...(options ? { options } : {}) });
  return new PostgresDialect({ pool });
}

function unreachable(url: string, error: unknown): EntenteError {
  const safeUrl = url.replace(/\/\/[^@/]*@/, '//');
  const reason = error instanceof Error ? error.message : String(error);
  return new EntenteError('unavailable', `PostgreSQL at ${safeUrl} cannot be used: ${reason}`, { reason });
}
