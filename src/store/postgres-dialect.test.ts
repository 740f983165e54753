import { randomBytes } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connectionSettings, createPostgres, dropPostgresSchema, ensurePostgresSchema } from './postgres-dialect.js';
import type { DatabaseSchema } from './schema.js';
import { TEST_POSTGRES_URL, describeIfPostgres, postgresProblem } from './test-backends.js';

describe('connectionSettings', () => {
  it("keeps entente's server settings beside a URL's own options, the URL's after them", () => {
    const settings = connectionSettings('postgres://u@h:5432/db?options=-c%20search_path%3Dmine&application_name=app');
    expect(settings.options).toBe('-c max_parallel_workers_per_gather=0 -c jit=off -c search_path=mine');
    expect(settings.connectionString).toBe('postgres://u@h:5432/db?application_name=app');
  });

  it('reads options written with raw spaces as node-pg does', () => {
    const settings = connectionSettings('postgres://u@h/db?options=-c search_path=raw');
    expect(settings.options).toBe('-c max_parallel_workers_per_gather=0 -c jit=off -c search_path=raw');
    expect(settings.connectionString).toBe('postgres://u@h/db');
  });

  it('puts the schema last, so it wins over a search path in the URL', () => {
    const settings = connectionSettings('postgres://u@h/db?options=-c%20search_path%3Durl', 'chosen');
    expect(settings.options).toBe('-c max_parallel_workers_per_gather=0 -c jit=off -c search_path=url -c search_path="chosen"');
  });

  it('leaves a URL without options and a host-less URL as they are, apart from the options', () => {
    expect(connectionSettings('postgres://u:p%40ss@h/db')).toEqual({
      connectionString: 'postgres://u:p%40ss@h/db',
      options: '-c max_parallel_workers_per_gather=0 -c jit=off',
    });
    const hostless = connectionSettings('postgres://u@/db?host=%2Fvar%2Frun%2Fpostgresql&options=-c%20jit%3Don');
    expect(hostless.connectionString).toBe('postgres://u@/db?host=%2Fvar%2Frun%2Fpostgresql');
    expect(hostless.options).toBe('-c max_parallel_workers_per_gather=0 -c jit=off -c jit=on');
  });
});

describeIfPostgres('createPostgres with options in the URL', await postgresProblem(), () => {
  it('a search_path in the URL no longer drops jit=off and max_parallel_workers_per_gather=0', async () => {
    const schema = `test_opts_${randomBytes(6).toString('hex')}`;
    await ensurePostgresSchema(TEST_POSTGRES_URL, schema);
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const db = new Kysely<DatabaseSchema>({ dialect: (await createPostgres(url.toString())).dialect });
    try {
      const { rows } = await sql<{ schema: string; jit: string; workers: string }>`
        select current_schema() as schema, current_setting('jit') as jit,
          current_setting('max_parallel_workers_per_gather') as workers`.execute(db);
      expect(rows[0]).toEqual({ schema, jit: 'off', workers: '0' });
    } finally {
      await db.destroy();
      await dropPostgresSchema(TEST_POSTGRES_URL, schema);
    }
  });
});
