import { afterEach, describe, expect, it } from 'vitest';
import { meta, newId, sdo } from './contract-fixtures.js';
import {
  describeIfPostgres,
  openPostgresForTest,
  openSqliteForTest,
  postgresProblem,
  type TestStore,
} from './test-backends.js';

/** addObjects with a watermark: the key moves with the objects, in one transaction, on both backends. */
function watermarkSuite(name: string, open: () => Promise<TestStore>): void {
  describe(`watermarks on ${name}`, () => {
    let current: TestStore | undefined;
    afterEach(async () => {
      await current?.dispose();
      current = undefined;
    });

    async function fresh() {
      current = await open();
      await current.opened.store.migrate();
      const collection = await current.opened.store.createCollection({ title: 'w' });
      return { store: current.opened.store, collection: collection.id };
    }

    it('is written with the objects and overwritten by the next write', async () => {
      const { store, collection } = await fresh();
      expect(await store.getWatermark('rule-1')).toBeUndefined();
      await store.addObjects(collection, [sdo(newId(), '2021-01-01T00:00:00.000Z')], meta, { watermark: { key: 'rule-1', value: 'a' } });
      expect(await store.getWatermark('rule-1')).toBe('a');
      await store.addObjects(collection, [], meta, { watermark: { key: 'rule-1', value: 'b' } });
      expect(await store.getWatermark('rule-1')).toBe('b');
      expect(await store.getWatermark('rule-2')).toBeUndefined();
    });

    it('does not move when the write fails', async () => {
      const { store, collection } = await fresh();
      await store.addObjects(collection, [], meta, { watermark: { key: 'k', value: 'before' } });
      const broken = { ...sdo(newId(), '2021-01-01T00:00:00.000Z'), json: undefined as unknown as string };
      await expect(store.addObjects(collection, [broken], meta, { watermark: { key: 'k', value: 'after' } })).rejects.toThrow();
      expect(await store.getWatermark('k')).toBe('before');
      expect(await store.countObjects(collection)).toBe(0);
      await expect(store.addObjects('no-such-collection', [], meta, { watermark: { key: 'k', value: 'x' } })).rejects.toMatchObject({
        code: 'not_found',
      });
      expect(await store.getWatermark('k')).toBe('before');
    });
  });
}

watermarkSuite('SQLite', openSqliteForTest);
describeIfPostgres('watermarks on PostgreSQL', await postgresProblem(), () => {
  watermarkSuite('PostgreSQL', openPostgresForTest);
});
