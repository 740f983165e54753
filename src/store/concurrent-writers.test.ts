import { expect, it } from 'vitest';
import { meta, newId, sdo } from './contract-fixtures.js';
import type { ObjectStore } from './object-store.js';
import { openStore } from './open-store.js';
import { TEST_POSTGRES_URL, describeIfPostgres, openPostgresForTest, postgresProblem } from './test-backends.js';
import { encodeCursor } from './cursor.js';

/**
 * Two application servers (two connection pools) write to one collection on
 * one PostgreSQL while a reader pages through it. date_added is handed out
 * under the collection row lock and so in commit order: the reader, walking
 * behind the writers from its last position, sees every object exactly once.
 * (SQLite serves one process; its writers are serialised by its write lock.)
 */
async function writersAndReader(first: ObjectStore, second: ObjectStore): Promise<void> {
  const collectionId = (await first.createCollection({ title: 'shared' })).id;
  const writer = async (store: ObjectStore) => {
    const ids: string[] = [];
    for (let round = 0; round < 60; round++) {
      const batch = Array.from({ length: 10 }, () => sdo(newId(), '2021-01-01T00:00:00.000Z'));
      await store.addObjects(collectionId, batch, meta);
      ids.push(...batch.map((b) => b.object.id));
    }
    return ids;
  };
  const seen: string[] = [];
  let position: number | undefined;
  let writing = true;
  const reader = (async () => {
    for (;;) {
      const stillWriting = writing;
      const query = { limit: 37, ...(position === undefined ? {} : { next: encodeCursor(position) }) };
      const page = await second.queryManifest(collectionId, query, { kind: 'all' });
      seen.push(...page.items.map((r) => r.id));
      position = page.lastAdded ?? position;
      if (!page.more && !stillWriting) return;
    }
  })();
  const written = (await Promise.all([writer(first), writer(second)])).flat();
  writing = false;
  await reader;
  expect(seen).toHaveLength(written.length);
  expect(new Set(seen)).toEqual(new Set(written));
  const dates = (await first.queryManifest(collectionId, { limit: 5000 }, { kind: 'all' })).items.map((r) => r.dateAdded);
  expect(new Set(dates).size).toBe(written.length);
}

describeIfPostgres('two servers on one PostgreSQL', await postgresProblem(), () => {
  it('hand out unique date_added in commit order; a concurrent reader sees each object once', async () => {
    const handle = await openPostgresForTest();
    const other = await openStore(TEST_POSTGRES_URL, { schema: handle.schema });
    try {
      await handle.opened.store.migrate();
      await other.store.migrate();
      await writersAndReader(handle.opened.store, other.store);
    } finally {
      await other.store.close();
      await handle.dispose();
    }
  });
});
