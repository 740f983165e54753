import { randomBytes } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connectionSettings, createPostgres, dropPostgresSchema, ensurePostgresSchema } from './postgres-dialect.js';
import type { DatabaseSchema } from './schema.js';
import { TEST_POSTGRES_URL, describeIfPostgres, postgresProblem } from './test-backends.js';

/** An EntenteError with `code` and a message matching `message`. */
const ententeError = (code: string, message: RegExp) => expect.objectContaining({ name: 'EntenteError', code, message: expect.stringMatching(message) });

const ENTENTE_OPTIONS = '-c max_parallel_workers_per_gather=0 -c jit=off';

describe('connectionSettings', () => {
  it("keeps entente's server settings beside a URL's own options, the URL's after them", () => {
    const settings = connectionSettings('postgres://u@h:5432/db?options=-c%20search_path%3Dmine&application_name=app');
    expect(settings).toMatchObject({ user: 'u', host: 'h', port: 5432, database: 'db', application_name: 'app' });
    expect(settings.options).toBe(`${ENTENTE_OPTIONS} -c search_path=mine`);
  });

  it('reads options written with raw spaces as node-pg does', () => {
    const settings = connectionSettings('postgres://u@h/db?options=-c search_path=raw');
    expect(settings.options).toBe(`${ENTENTE_OPTIONS} -c search_path=raw`);
    expect(settings).toMatchObject({ host: 'h', database: 'db' });
  });

  it('puts the schema last, so it wins over a search path in the URL', () => {
    const settings = connectionSettings('postgres://u@h/db?options=-c%20search_path%3Durl', 'chosen');
    expect(settings.options).toBe(`${ENTENTE_OPTIONS} -c search_path=url -c search_path="chosen"`);
  });

  it('takes the last of repeated options, as node-pg reads a URL', () => {
    expect(connectionSettings('postgres://u@h/db?options=-c%20jit%3Don&options=-c%20work_mem%3D64MB').options).toBe(`${ENTENTE_OPTIONS} -c work_mem=64MB`);
  });

  it('gives a URL without options entente\'s settings alone', () => {
    expect(connectionSettings('postgres://u@h/db').options).toBe(ENTENTE_OPTIONS);
  });

  it('decodes a percent-encoded user and password', () => {
    const settings = connectionSettings('postgres://us%40er:p%2Fss%3Aw%23rd%20%40x@h/db?options=-c%20jit%3Don');
    expect(settings).toMatchObject({ user: 'us@er', password: 'p/ss:w#rd @x', host: 'h', database: 'db' });
  });

  it('reads an IPv6 host and its port', () => {
    expect(connectionSettings('postgres://u@[::1]:5433/db?options=-c%20jit%3Don')).toMatchObject({ host: '::1', port: 5433, database: 'db' });
  });

  it('reads a socket folder from a host-less URL, given in the host parameter or as the host', () => {
    const hostless = connectionSettings('postgres://u@/db?host=%2Fvar%2Frun%2Fpostgresql&options=-c%20jit%3Don');
    expect(hostless).toMatchObject({ host: '/var/run/postgresql', user: 'u', database: 'db' });
    expect(hostless.options).toBe(`${ENTENTE_OPTIONS} -c jit=on`);
    expect(connectionSettings('postgres://u@/db?host=/var/run/postgresql')).toMatchObject({ host: '/var/run/postgresql', database: 'db' });
    expect(connectionSettings('postgres://u@%2Fvar%2Frun%2Fpostgresql/db')).toMatchObject({ host: '/var/run/postgresql', database: 'db' });
  });

  it('turns sslmode into TLS settings', () => {
    expect(connectionSettings('postgres://u@h/db?sslmode=disable').ssl).toBe(false);
    expect(connectionSettings('postgres://u@h/db?sslmode=no-verify&options=-c%20jit%3Don').ssl).toEqual({ rejectUnauthorized: false });
    expect(connectionSettings('postgres://u@h/db?sslmode=verify-full').ssl).toEqual({});
    expect(connectionSettings('postgres://u@h/db?ssl=true').ssl).toBe(true);
  });

  it('refuses an ssl value it would otherwise drop, rather than connect without TLS', () => {
    expect(() => connectionSettings('postgres://u@h/db?ssl=no-verify')).toThrow(ententeError('invalid_config', /ssl=no-verify.*sslmode=/));
  });

  it('refuses a URL that cannot be read, saying how to write it, without the password', () => {
    const read = () => connectionSettings('postgres://u:se/cret@h/db');
    expect(read).toThrow(ententeError('invalid_config', /Invalid URL.*percent-encoded/));
    expect(read).toThrow(expect.objectContaining({ message: expect.not.stringContaining('cret'), details: { reason: expect.not.stringContaining('cret') } }));
  });

  it('refuses a port that is not a number', () => {
    expect(() => connectionSettings('postgres://u@h/db?port=five')).toThrow(ententeError('invalid_config', /Invalid port: five/));
  });
});

describe('createPostgres and schema statements with a bad URL', () => {
  it('createPostgres refuses the URL before any connection', async () => {
    await expect(createPostgres('postgres://u:se/cret@h/db')).rejects.toThrow(ententeError('invalid_config', /Invalid URL/));
  });

  it('names an unreachable server by host, port and database, never by a password holding @', async () => {
    const ensure = ensurePostgresSchema('postgres://u:hunter2@secret@127.0.0.1:1/db', 'h3_unused');
    await expect(ensure).rejects.toThrow(ententeError('unavailable', /^PostgreSQL at 127\.0\.0\.1:1\/db cannot be used: (?!.*(hunter2|secret))/));
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
