import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EntenteError } from '../errors.js';
import { meta, newId, sdo } from './contract-fixtures.js';
import type { ManifestRecord, ObjectQuery, ObjectStore, Page, VersionSelector } from './object-store.js';
import { pagingProperties } from './paging-properties.js';
import type { TestStore } from './test-backends.js';


const all = { kind: 'all' } as const;
const T1 = '2021-01-01T00:00:00.000Z';
const T2 = '2021-02-01T00:00:00.000Z';
const T3 = '2021-03-01T00:00:00.000Z';

async function rejection(promise: Promise<unknown>): Promise<EntenteError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EntenteError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}

/** Walks every page of a manifest query and returns all rows. */
async function walk(
  store: ObjectStore,
  collectionId: string,
  query: Omit<ObjectQuery, 'limit'>,
  limit: number,
): Promise<ManifestRecord[]> {
  const rows: ManifestRecord[] = [];
  let next: string | undefined;
  for (;;) {
    const page: Page<ManifestRecord> = await store.queryManifest(collectionId, { ...query, limit, ...(next ? { next } : {}) }, all);
    rows.push(...page.items);
    if (!page.more) return rows;
    next = page.next;
  }
}

/**
 * The one behaviour every ObjectStore backend must have (TAXII 2.1 §3.4, §5).
 * `open` gives a fresh, empty store; the suite migrates it itself.
 */
export function storeContract(name: string, open: () => Promise<TestStore>): void {
  describe(`ObjectStore contract on ${name}`, () => {
    let handle: TestStore;
    let store: ObjectStore;
    let collection: string;

    beforeAll(async () => {
      handle = await open();
      store = handle.opened.store;
      await store.migrate();
    });
    afterAll(async () => {
      await handle?.dispose();
    });
    beforeEach(async () => {
      collection = (await store.createCollection({ title: 'test' })).id;
    });

    const ids = (rows: readonly { id: string }[]): string[] => rows.map((r) => r.id);
    const versionsOf = (rows: readonly { version: string }[]): string[] => rows.map((r) => r.version);
    const manifest = (query: Omit<ObjectQuery, 'limit'> = {}, limit = 1000) =>
      store.queryManifest(collection, { limit, ...query }, all);

    describe('migrations and collections', () => {
      it('migrates again without error or change', async () => {
        await store.migrate();
        await store.migrate();
        expect(await store.getCollection(collection)).toMatchObject({ id: collection, title: 'test' });
      });

      it('creates, gets and lists collections; refuses a second one with the same alias', async () => {
        const alias = `alias-${collection}`;
        const made = await store.createCollection({ title: 'Named', description: 'd', alias });
        expect(made).toMatchObject({ title: 'Named', description: 'd', alias });
        expect(await store.getCollection(made.id)).toEqual(made);
        expect(ids(await store.listCollections())).toContain(made.id);
        expect(await store.getCollection('no-such-collection')).toBeUndefined();
        expect((await rejection(store.createCollection({ title: 'again', alias }))).code).toBe('conflict');
        expect((await rejection(store.createCollection({ id: made.id, title: 'again' }))).code).toBe('conflict');
      });
    });

    describe('adding objects', () => {
      it('keeps the JSON exactly as given and reports each object', async () => {
        const id = newId();
        const incoming = sdo(id, T1);
        const spaced = { ...incoming, json: `{ "type" : "indicator",\n  "id": "${id}" , "modified": "${T1}", "spec_version": "2.1", "created": "2020-01-01T00:00:00.000Z" }` };
        const [result] = await store.addObjects(collection, [spaced], meta);
        expect(result).toMatchObject({ id, version: T1, status: 'added' });
        const page = await store.queryObjects(collection, { limit: 10 }, all);
        expect(page.items.map((i) => i.json)).toEqual([spaced.json]);
        expect(page.items[0]).toMatchObject({ id, type: 'indicator', version: T1, specVersion: '2.1', mediaType: 'application/stix+json;version=2.1' });
      });

      it('reports a version it already holds as duplicate, with its first date, and stores it once', async () => {
        const id = newId();
        const [first] = await store.addObjects(collection, [sdo(id, T1)], meta);
        const again = await store.addObjects(collection, [sdo(id, T1), sdo(id, T2), sdo(id, '2021-01-01T00:00:00Z')], meta);
        expect(again.map((r) => r.status)).toEqual(['duplicate', 'added', 'duplicate']);
        expect(again[0]?.dateAdded).toBe(first?.dateAdded);
        expect(again[2]?.dateAdded).toBe(first?.dateAdded);
        expect(await store.countObjects(collection)).toBe(2);
      });

      it('reports the second of two equal versions in one batch as duplicate', async () => {
        const id = newId();
        const results = await store.addObjects(collection, [sdo(id, T1), sdo(id, T1)], meta);
        expect(results.map((r) => r.status)).toEqual(['added', 'duplicate']);
        expect(results[0]?.dateAdded).toBe(results[1]?.dateAdded);
        expect(await store.countObjects(collection)).toBe(1);
      });

      it('takes modified, else created, else date_added as the version (TAXII 2.1 §3.4.1)', async () => {
        const withCreated = newId();
        const sco = `ipv4-addr--${newId().split('--')[1]}`;
        const scoObject = { type: 'ipv4-addr', id: sco, value: '198.51.100.1' };
        const results = await store.addObjects(
          collection,
          [sdo(withCreated, undefined), { object: scoObject, json: JSON.stringify(scoObject) }],
          meta,
        );
        expect(results[0]?.version).toBe('2020-01-01T00:00:00.000Z');
        const scoResult = results[1];
        expect(scoResult?.version).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
        const page = await manifest({ ids: [sco] });
        expect(page.items).toEqual([expect.objectContaining({ id: sco, specVersion: '2.1', version: scoResult?.version, dateAdded: scoResult?.dateAdded })]);
      });

      it('knows first and last of versions added in one batch, across batches, and of objects without a version', async () => {
        const x = newId();
        const y = newId();
        await store.addObjects(collection, [sdo(x, T2), sdo(x, T1), sdo(y, T1)], meta);
        await store.addObjects(collection, [sdo(y, T3)], meta);
        const sco = { type: 'ipv4-addr', id: `ipv4-addr--${newId().split('--')[1]}`, value: '198.51.100.7' };
        const [early] = await store.addObjects(collection, [{ object: sco, json: JSON.stringify(sco) }], meta);
        const [late] = await store.addObjects(collection, [{ object: sco, json: JSON.stringify(sco) }], meta);
        const pick = async (id: string, kind: 'first' | 'last') =>
          versionsOf((await manifest({ ids: [id], versions: [{ kind }] })).items);
        expect([await pick(x, 'first'), await pick(x, 'last')]).toEqual([[T1], [T2]]);
        expect([await pick(y, 'first'), await pick(y, 'last')]).toEqual([[T1], [T3]]);
        expect([await pick(sco.id, 'first'), await pick(sco.id, 'last')]).toEqual([[early?.version], [late?.version]]);
        expect(early?.status).toBe('added');
        expect(late?.status).toBe('added');
      });

      it('fails for a collection that does not exist', async () => {
        expect((await rejection(store.addObjects('no-such-collection', [sdo(newId(), T1)], meta))).code).toBe('not_found');
      });

      it('gives thousands of objects added at once unique, increasing date_added, also across concurrent batches', async () => {
        const batches = Array.from({ length: 8 }, () => Array.from({ length: 1000 }, () => sdo(newId(), T1)));
        const results = (await Promise.all(batches.map((b) => store.addObjects(collection, b, meta)))).flat();
        const dates = results.map((r) => r.dateAdded);
        expect(new Set(dates).size).toBe(8000);
        const rows = await walk(store, collection, {}, 1000);
        expect(rows).toHaveLength(8000);
        for (let i = 1; i < rows.length; i++) expect((rows[i] as ManifestRecord).dateAdded).toBeGreaterThan((rows[i - 1] as ManifestRecord).dateAdded);
        const later = await store.addObjects(collection, [sdo(newId(), T1)], meta);
        expect(later[0]?.dateAdded).toBeGreaterThan(Math.max(...dates));
      });
    });

    describe('filters (TAXII 2.1 §3.4.2)', () => {
      // a: three versions; b: two versions (the later in spec 2.1, the earlier 2.0); c: a malware.
      let a: string;
      let b: string;
      let c: string;
      let addedA1: number;
      beforeEach(async () => {
        a = newId();
        b = newId();
        c = newId('malware');
        const first = await store.addObjects(collection, [sdo(a, T1), sdo(b, T1, { spec_version: undefined })], meta);
        addedA1 = first[0]?.dateAdded ?? 0;
        await store.addObjects(collection, [sdo(a, T2), sdo(c, T1, { is_family: false })], meta);
        await store.addObjects(collection, [sdo(a, T3), sdo(b, T2)], meta);
      });

      it('returns only the last version of each object by default', async () => {
        const page = await manifest();
        expect(page.items.map((r) => [r.id, r.version])).toEqual([
          [c, T1],
          [a, T3],
          [b, T2],
        ]);
      });

      it('selects first, all, exact versions and comma lists of them', async () => {
        const pick = async (versions: VersionSelector[]) => (await manifest({ ids: [a], versions })).items.map((r) => r.version);
        expect(await pick([{ kind: 'first' }])).toEqual([T1]);
        expect(await pick([{ kind: 'last' }])).toEqual([T3]);
        expect(await pick([{ kind: 'all' }])).toEqual([T1, T2, T3]);
        expect(await pick([{ kind: 'at', version: '2021-02-01T00:00:00Z' }])).toEqual([T2]);
        expect(await pick([{ kind: 'first' }, { kind: 'last' }])).toEqual([T1, T3]);
        expect(await pick([{ kind: 'first' }, { kind: 'at', version: T2 }])).toEqual([T1, T2]);
        expect(await pick([{ kind: 'at', version: '2030-01-01T00:00:00.000Z' }])).toEqual([]);
        expect((await rejection(pick([{ kind: 'at', version: 'yesterday' }]))).code).toBe('invalid_input');
      });

      it('filters by id and by type, each a comma list (OR), combined with AND', async () => {
        expect(ids((await manifest({ ids: [a, c] })).items)).toEqual([c, a]);
        expect(ids((await manifest({ types: ['malware'] })).items)).toEqual([c]);
        expect(ids((await manifest({ types: ['malware', 'indicator'] })).items)).toEqual([c, a, b]);
        expect(ids((await manifest({ ids: [a, c], types: ['indicator'] })).items)).toEqual([a]);
        expect((await manifest({ types: ['tool'] })).items).toEqual([]);
      });

      it('serves only the latest spec_version by default and exactly the ones asked for otherwise', async () => {
        // b's T1 version is STIX 2.0 (no spec_version, has created): by default only its 2.1 version counts.
        expect(versionsOf((await manifest({ ids: [b], versions: [all] })).items)).toEqual([T2]);
        expect(versionsOf((await manifest({ ids: [b], versions: [all], specVersions: ['2.0'] })).items)).toEqual([T1]);
        expect(versionsOf((await manifest({ ids: [b], versions: [all], specVersions: ['2.0', '2.1'] })).items)).toEqual([T1, T2]);
        expect(versionsOf((await manifest({ ids: [b], specVersions: ['2.0'] })).items)).toEqual([T1]);
        expect((await manifest({ ids: [b], specVersions: ['2.0'] })).items[0]?.mediaType).toBe('application/stix+json;version=2.0');
      });

      it('returns only rows added after added_after, the last version among them', async () => {
        const after = await manifest({ addedAfter: addedA1, versions: [all] });
        expect(after.items.every((r) => r.dateAdded > addedA1)).toBe(true);
        expect(after.items).toHaveLength(4);
        const firstAfter = await manifest({ addedAfter: addedA1, ids: [a], versions: [{ kind: 'first' }] });
        expect(versionsOf(firstAfter.items)).toEqual([T2]);
        const allLater = await manifest({ addedAfter: Number.MAX_SAFE_INTEGER });
        expect(allLater).toEqual({ items: [], more: false });
      });

      it('serves objects with the same filters as manifests', async () => {
        const objects = await store.queryObjects(collection, { limit: 10, types: ['indicator'], versions: [all] }, all);
        expect(objects.items.map((o) => JSON.parse(o.json).modified)).toEqual([T1, T2, T3, T2]);
      });

      it('serves object texts as the same pages as objects, with only the JSON and date_added', async () => {
        const queries: ObjectQuery[] = [
          { limit: 2, versions: [all] },
          { limit: 10, types: ['indicator', 'malware'] },
          { limit: 10, ids: [a], versions: [{ kind: 'first' }, { kind: 'last' }] },
          { limit: 3, addedAfter: addedA1 },
        ];
        for (const query of queries) {
          const objects = await store.queryObjects(collection, query, all);
          const texts = await store.queryObjectTexts(collection, query, all);
          const expected = objects.items.map(({ json, dateAdded, auditLabel }) => ({ json, dateAdded, auditLabel }));
          expect(texts).toEqual({ ...objects, items: expected });
          if (objects.next !== undefined) {
            const following = { ...query, next: objects.next };
            expect((await store.queryObjectTexts(collection, following, all)).items.map((o) => o.json)).toEqual(
              (await store.queryObjects(collection, following, all)).items.map((o) => o.json),
            );
          }
        }
      });

      it('serves joined texts as the same pages as object texts: texts, count, cursor, dates and the labels of the marked', async () => {
        const levels = ['green', 'amber', 'red', 'none'] as const;
        await store.addObjects(collection, levels.map((tlp) => ({ ...sdo(newId('campaign'), T1, { name: `Kampagne «${tlp}», ü 漢字 😀` }), tlp })), meta);
        const queries: ObjectQuery[] = [
          { limit: 2, versions: [all] },
          { limit: 1 },
          { limit: 100 },
          { limit: 3, types: ['indicator', 'malware', 'campaign'] },
          { limit: 10, ids: [a], versions: [{ kind: 'first' }, { kind: 'last' }] },
          { limit: 3, addedAfter: addedA1 },
          { limit: 5, types: ['campaign'] },
          { limit: 5, types: ['tool'] },
        ];
        for (const query of queries) {
          let next: string | undefined;
          do {
            const paged: ObjectQuery = next === undefined ? query : { ...query, next };
            const { items, ...head } = await store.queryObjectTexts(collection, paged, all);
            const joined = await store.queryJoinedTexts(collection, paged, all);
            expect(joined.texts.join(',')).toBe(items.map((item) => item.json).join(','));
            expect(joined).toEqual({
              ...head,
              count: items.length,
              texts: joined.texts,
              auditLabels: items.flatMap((item) => (item.auditLabel === null ? [] : [item.auditLabel])),
            });
            next = head.next;
          } while (next !== undefined);
        }
      });

      it('labels the rows whose reads are audited (AMBER, AMBER+STRICT, RED, unknown) on every page kind, and only those', async () => {
        const levels = ['clear', 'green', 'amber', 'amber+strict', 'red', 'unknown', 'none'] as const;
        const marked = levels.map((tlp) => ({ ...sdo(newId('campaign'), T1), tlp }));
        await store.addObjects(collection, marked, meta);
        const expected = levels.map((tlp, i) =>
          ['amber', 'amber+strict', 'red', 'unknown'].includes(tlp) ? `${marked[i]?.object.id}@${T1} ${tlp}` : null,
        );
        const query = { limit: 10, types: ['campaign'] };
        expect((await store.queryObjectTexts(collection, query, all)).items.map((o) => o.auditLabel)).toEqual(expected);
        expect((await store.queryObjects(collection, query, all)).items.map((o) => o.auditLabel)).toEqual(expected);
        expect((await manifest(query)).items.map((o) => o.auditLabel)).toEqual(expected);
        const red = marked[4]?.object.id as string;
        expect((await store.queryVersions(collection, red, { limit: 1 }, all)).items.map((o) => o.auditLabel)).toEqual([`${red}@${T1} red`]);
      });

      it('lists the versions of one object in date_added order, paged', async () => {
        const first = await store.queryVersions(collection, a, { limit: 2 }, all);
        expect(versionsOf(first.items)).toEqual([T1, T2]);
        expect(first.more).toBe(true);
        const second = await store.queryVersions(collection, a, { limit: 2, next: first.next as string }, all);
        expect(versionsOf(second.items)).toEqual([T3]);
        expect(second.more).toBe(false);
        expect((await store.queryVersions(collection, newId(), { limit: 2 }, all)).items).toEqual([]);
      });

      it('deletes the selected versions; the previous one becomes the last', async () => {
        expect(await store.deleteObject(collection, a, [{ kind: 'last' }])).toBe(1);
        expect(versionsOf((await manifest({ ids: [a] })).items)).toEqual([T2]);
        expect(await store.deleteObject(collection, a, [{ kind: 'at', version: T1 }])).toBe(1);
        expect(versionsOf((await manifest({ ids: [a], versions: [all] })).items)).toEqual([T2]);
        expect(await store.deleteObject(collection, c, [all])).toBe(1);
        expect(await store.deleteObject(collection, c, [all])).toBe(0);
        expect(await store.countObjects(collection)).toBe(3);
      });

      it('deletes within the spec_versions asked for', async () => {
        // b: T1 in STIX 2.0, T2 in 2.1. By default only the latest spec_version is considered.
        expect(await store.deleteObject(collection, b, [all], ['2.0'])).toBe(1);
        expect(versionsOf((await manifest({ ids: [b], versions: [all], specVersions: ['2.0', '2.1'] })).items)).toEqual([T2]);
        expect(await store.deleteObject(collection, b, [{ kind: 'first' }])).toBe(1);
        expect(await store.countObjects(collection)).toBe(4);
      });
    });

    describe('paging (TAXII 2.1 §3.4.3)', () => {
      it('pages with limit and next, reporting more and the first and last date_added', async () => {
        const results = await store.addObjects(collection, Array.from({ length: 5 }, () => sdo(newId(), T1)), meta);
        const first = await manifest({}, 2);
        expect(first.items).toHaveLength(2);
        expect(first).toMatchObject({ more: true, firstAdded: results[0]?.dateAdded, lastAdded: results[1]?.dateAdded });
        const second = await manifest({ next: first.next as string }, 2);
        expect(second).toMatchObject({ more: true, firstAdded: results[2]?.dateAdded, lastAdded: results[3]?.dateAdded });
        const third = await manifest({ next: second.next as string }, 2);
        expect(third.items).toHaveLength(1);
        expect(third.more).toBe(false);
        expect(third.next).toBeUndefined();
        expect(ids([...first.items, ...second.items, ...third.items])).toEqual(results.map((r) => r.id));
      });

      it('rejects a cursor it did not issue and a limit below one', async () => {
        for (const next of ['not a cursor', 'eyJ2IjoyLCJkIjoxfQ', Buffer.from('{"v":1,"d":-5}').toString('base64url')]) {
          expect((await rejection(manifest({ next }))).code).toBe('invalid_input');
        }
        expect((await rejection(manifest({}, 0))).code).toBe('invalid_input');
      });

      pagingProperties(() => ({ store, collection: () => store.createCollection({ title: 'property' }) }));
    });

    describe('statuses (TAXII 2.1 §4.3)', () => {
      it('stores a status and reads it back', async () => {
        const made = await store.createStatus({
          collectionId: collection,
          requestTimestamp: 1_600_000_000_000_000,
          successes: [{ id: 'indicator--1', version: T1 }],
          failures: [{ id: 'indicator--2', version: T2, message: 'name: required' }],
          pendings: [],
        });
        expect(made.status).toBe('complete');
        expect(await store.getStatus(made.id)).toEqual(made);
        expect(await store.getStatus('no-such-status')).toBeUndefined();
        const pending = await store.createStatus({ collectionId: collection, requestTimestamp: 1, successes: [], failures: [], pendings: [{ id: 'x', version: T1 }] });
        expect(pending.status).toBe('pending');
      });
    });

    it('counts objects per collection and overall', async () => {
      const before = await store.countObjects();
      await store.addObjects(collection, [sdo(newId(), T1), sdo(newId(), T1)], meta);
      expect(await store.countObjects(collection)).toBe(2);
      expect(await store.countObjects()).toBe(before + 2);
    });
  });
}
