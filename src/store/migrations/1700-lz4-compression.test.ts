import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../test-backends.js';
import { LZ4_COLUMNS } from './1700-lz4-compression.js';

const problem = await postgresProblem();

let opened: TestStore | undefined;
afterEach(async () => {
  await opened?.dispose();
  opened = undefined;
});

describeIfPostgres('migration 1700 on PostgreSQL', problem, () => {
  it('sets LZ4 on the long text columns, and a long read-audit entry is stored with it', async () => {
    opened = await openPostgresForTest();
    await opened.opened.store.migrate();
    const { db } = opened.opened;
    for (const [table, column] of LZ4_COLUMNS) {
      const { rows } = await sql<{ compression: string }>`
        select attcompression as compression from pg_attribute
        where attrelid = ${table}::regclass and attname = ${column}
      `.execute(db);
      expect(rows, `${table}.${column}`).toEqual([{ compression: 'l' }]);
    }
    const labels = Array.from({ length: 700 }, (_, n) => `indicator--${String(n).padStart(8, '0')}-0000-4000-8000-000000000000@2026-11-27T00:00:00.000Z amber`);
    await sql`
      insert into audit_log (seq, at, actor_user, actor_org, action, target, address, path, details, prev_hash, hash)
      values (1, 1, null, null, 'objects.read-marked', null, null, null, ${JSON.stringify({ objects: labels })}, '', '')
    `.execute(db);
    const { rows } = await sql<{ method: string | null }>`select pg_column_compression(details) as method from audit_log where seq = 1`.execute(db);
    expect(rows).toEqual([{ method: 'lz4' }]);
  });
});

describe('migration 1700 on SQLite', () => {
  it('leaves the schema as it was: SQLite does not compress', async () => {
    opened = await openSqliteForTest();
    await opened.opened.store.migrate();
    const { rows } = await sql<{ name: string }>`select name from kysely_migration where name = '1700-lz4-compression'`.execute(opened.opened.db);
    expect(rows).toEqual([{ name: '1700-lz4-compression' }]);
  });
});
