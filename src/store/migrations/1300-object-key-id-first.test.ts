import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { meta, newId, sdo } from '../contract-fixtures.js';
import { KyselyObjectStore } from '../kysely-object-store.js';
import type { DatabaseSchema } from '../schema.js';
import { describeMigration, type OpenStoppedDatabase } from './test-stopped-database.js';

function objectRows(db: Kysely<DatabaseSchema>) {
  return db.selectFrom('objects').selectAll().orderBy('seq').execute();
}

function suite(databaseBefore1300: OpenStoppedDatabase): void {
  it('keeps every row, its seq and the seq high-water mark, and enforces the key on (id, collection, version)', async () => {
    const backend = await databaseBefore1300();
    const store = new KyselyObjectStore(backend.db, backend.sql);
    const first = await store.createCollection({ title: 'first' });
    const second = await store.createCollection({ title: 'second' });
    const shared = newId();
    await store.addObjects(first.id, [sdo(shared, '2021-01-01T00:00:00.000Z'), sdo(shared, '2021-02-01T00:00:00.000Z'), sdo(newId(), undefined)], meta);
    await store.addObjects(second.id, [sdo(shared, '2021-01-01T00:00:00.000Z')], meta);
    const last = newId();
    await store.addObjects(second.id, [sdo(last, '2022-01-01T00:00:00.000Z')], meta);
    // The highest seq is deleted before the migration: its number must not come back.
    const deleted = await backend.db.deleteFrom('objects').where('id', '=', last).returning('seq').executeTakeFirstOrThrow();
    const rowsBefore = await objectRows(backend.db);

    await store.migrate();

    expect(await objectRows(backend.db)).toEqual(rowsBefore);
    const [added] = await store.addObjects(first.id, [sdo(newId(), '2023-01-01T00:00:00.000Z')], meta);
    expect(added?.status).toBe('added');
    const newest = await backend.db.selectFrom('objects').select(sql<number>`max(seq)`.as('seq')).executeTakeFirstOrThrow();
    expect(Number(newest.seq)).toBeGreaterThan(Number(deleted.seq));

    // A held version is a duplicate, not a second row; the same version in another collection is its own row.
    const again = await store.addObjects(first.id, [sdo(shared, '2021-01-01T00:00:00.000Z')], meta);
    expect(again.map((r) => r.status)).toEqual(['duplicate']);
    const row = rowsBefore.find((r) => r.id === shared && r.collection_id === first.id && r.version.startsWith('2021-01'));
    if (row === undefined) throw new Error('fixture row missing');
    await expect(backend.db.insertInto('objects').values({ ...row, seq: undefined, date_added: row.date_added + 1_000_000 }).execute()).rejects.toThrow(/unique|UNIQUE/);
    expect(await backend.db.selectFrom('objects').select('collection_id').where('id', '=', shared).where('version', '=', row.version).execute()).toHaveLength(2);
  });

  it('leaves one index whose first column is id, and no separate id index', async () => {
    const backend = await databaseBefore1300();
    await new KyselyObjectStore(backend.db, backend.sql).migrate();
    const indexes = backend.sql.name === 'sqlite' ? await sqliteIndexes(backend.db) : await postgresIndexes(backend.db, backend.schema ?? '');
    expect(indexes.filter((i) => i.columns[0] === 'id')).toEqual([{ columns: ['id', 'collection_id', 'version'], unique: true }]);
  });
}

async function sqliteIndexes(db: Kysely<DatabaseSchema>): Promise<{ columns: string[]; unique: boolean }[]> {
  const list = await sql<{ name: string; unique: number }>`select name, "unique" from pragma_index_list('objects')`.execute(db);
  return Promise.all(
    list.rows.map(async (index) => {
      const info = await sql<{ name: string }>`select name from pragma_index_info(${index.name}) order by seqno`.execute(db);
      return { columns: info.rows.map((c) => c.name), unique: index.unique === 1 };
    }),
  );
}

async function postgresIndexes(db: Kysely<DatabaseSchema>, schema: string): Promise<{ columns: string[]; unique: boolean }[]> {
  const rows = await sql<{ columns: string[]; unique: boolean }>`
    select array(
             select a.attname from unnest(i.indkey) with ordinality k(attnum, n)
             join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum order by k.n
           )::text[] as columns,
           i.indisunique as unique
    from pg_index i join pg_class t on t.oid = i.indrelid join pg_namespace s on s.oid = t.relnamespace
    where t.relname = 'objects' and s.nspname = ${schema}
  `.execute(db);
  return rows.rows.map((r) => ({ columns: r.columns, unique: r.unique }));
}

await describeMigration('1300', suite);
