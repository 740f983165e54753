import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, it } from 'vitest';
import { openStore, type OpenedStore } from './open-store.js';
import { dropPostgresSchema } from './postgres-dialect.js';

/**
 * Test support for every suite that runs on both backends (store, TAXII
 * server, access): a fresh SQLite in memory, or a fresh schema on the test
 * PostgreSQL (127.0.0.1:5432, database `test`) that is dropped afterwards.
 */
export const TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore {
  readonly opened: OpenedStore;
  readonly dispose: () => Promise<void>;
}

export async function openSqliteForTest(): Promise<TestStore> {
  const opened = await openStore(':memory:');
  return { opened, dispose: () => opened.store.close() };
}

/** A SQLite file in a fresh temporary folder, removed by dispose; `url` opens it again (a second server). */
export async function openSqliteFileForTest(): Promise<TestStore & { readonly url: string }> {
  const folder = mkdtempSync(join(tmpdir(), 'entente-store-'));
  const url = join(folder, 'entente.db');
  const opened = await openStore(url);
  return {
    opened,
    url,
    dispose: async () => {
      await opened.store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A fresh schema on the test PostgreSQL, dropped by dispose; `schema` opens it again (a second server). */
export async function openPostgresForTest(): Promise<TestStore & { readonly schema: string }> {
  const schema = `test_${randomBytes(8).toString('hex')}`;
  const opened = await openStore(TEST_POSTGRES_URL, { schema });
  return {
    opened,
    schema,
    dispose: async () => {
      await opened.store.close();
      await dropPostgresSchema(TEST_POSTGRES_URL, schema);
    },
  };
}

/** Why the test PostgreSQL cannot be used, or undefined when it can. */
export async function postgresProblem(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Registers `suite` when PostgreSQL is reachable. When it is not, under
 * CI=true a failing test takes its place (CI must not pass without it);
 * elsewhere the suite is skipped with a loud warning.
 *
 * It reads process.env.CI itself, although only config and cli may read the
 * environment: this is test support, never part of the built server, and CI is
 * set by the runner around vitest, not an entente setting.
 */
export function describeIfPostgres(name: string, problem: string | undefined, suite: () => void): void {
  if (problem === undefined) {
    describe(name, suite);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs PostgreSQL at 127.0.0.1:5432 under CI', () => {
        throw new Error(`PostgreSQL at ${TEST_POSTGRES_URL} is unreachable under CI=true: ${problem}`);
      });
    });
  } else {
    console.warn(`\n*** ${name}: SKIPPED, PostgreSQL at ${TEST_POSTGRES_URL} is unreachable (${problem}). Under CI=true this fails. ***\n`);
    describe.skip(name, suite);
  }
}
