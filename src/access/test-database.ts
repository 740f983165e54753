import { afterEach, beforeEach, describe } from 'vitest';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../store/test-backends.js';

/**
 * Test support for the access suites, which run the same cases on SQLite and
 * on PostgreSQL, each case on a fresh, migrated database.
 */
export type OpenedForTest = TestStore['opened'];

/**
 * Opens and migrates a database before each test of the enclosing suite and
 * disposes of it after; the returned function gives the current one.
 */
export function freshDatabasePerTest(open: () => Promise<TestStore>): () => OpenedForTest {
  let current: TestStore | undefined;
  beforeEach(async () => {
    current = await open();
    await current.opened.store.migrate();
  });
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });
  return () => {
    if (current === undefined) throw new Error('The test database exists only while a test runs');
    return current.opened;
  };
}

/** Registers `suite` as "on SQLite" and "on PostgreSQL" (which fails rather than skips under CI=true). */
export async function describeOnBothBackends(suite: (open: () => Promise<TestStore>) => void): Promise<void> {
  describe('on SQLite', () => suite(openSqliteForTest));
  describeIfPostgres('on PostgreSQL', await postgresProblem(), () => suite(openPostgresForTest));
}
