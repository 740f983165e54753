import { InsertQueryNode, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INCIDENT_EXTENSION_ID } from '../stix/extensions.js';
import type { StixObject } from '../stix/stix-object.js';
import { IncidentIndex } from './incident-index.js';
import { CELL_DEGREES, CELL_ZOOM } from './incident-index-aggregates.js';
import { IncidentQueries, type Viewer } from './incident-index-queries.js';
import { withIncidentIndex } from './incident-index-schema.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from './test-backends.js';

const ID = 'incident--6b0c1d6e-3f0a-4d4e-9a55-0b6a1d1e0001';

function version(modified: string, killed: number, day: string): StixObject {
  return {
    type: 'incident', spec_version: '2.1', id: ID, created: '2026-01-01T00:00:00.000Z', modified, name: 'Bombing in Kabul',
    extensions: {
      [INCIDENT_EXTENSION_ID]: {
        extension_type: 'property-extension', event_date: day, date_precision: 'day', news_status: 'news',
        attack_types: ['Bombing/Explosion'], target_types: ['Police'], weapon_types: ['Explosives'],
        victims_killed: { low: killed, high: killed, qualifier: 'exact', text: `${killed} people` },
      },
    },
  };
}

/** Whether a statement moves a projector's cursor (saveCursor in incident-index.ts: an upsert of intel_cursors). */
function isCursorMove(node: RootOperationNode): boolean {
  return InsertQueryNode.is(node) && node.into?.table.identifier.name === 'intel_cursors' && node.onConflict?.updates !== undefined;
}

function indexSuite(open: () => Promise<TestStore>): void {
  let test: TestStore;
  let collectionId: string;
  let viewer: Viewer;
  beforeEach(async () => {
    test = await open();
    await test.opened.store.migrate();
    collectionId = (await test.opened.store.createCollection({ title: 'c' })).id;
    viewer = { scope: { kind: 'all' }, collections: [collectionId] };
  });
  afterEach(async () => test.dispose());
  const add = (object: StixObject) =>
    test.opened.store.addObjects(collectionId, [{ object, json: JSON.stringify(object), tlp: 'green' }], { authorOrg: null, authorUser: null });

  it('indexes every version, lists the latest, and counts it once whatever order versions arrive in', async () => {
    const index = new IncidentIndex(test.opened.db);
    const queries = new IncidentQueries(test.opened.db, test.opened.dialect);
    await add(version('2026-01-02T00:00:00.000Z', 5, '2025-06-01'));
    await index.catchUp();
    await add(version('2026-01-03T00:00:00.000Z', 9, '2025-06-02'));
    // An older version arriving last (a partner's backfill) does not become the latest.
    await add(version('2026-01-01T12:00:00.000Z', 1, '2025-05-01'));
    await index.catchUp();
    const feed = await queries.feed(viewer, {}, 10);
    expect(feed.map((r) => [r.id, r.killed, r.event_date])).toEqual([[ID, 9, '2025-06-02']]);
    expect(await queries.countedDays(viewer, {})).toEqual([{ day: feed[0]?.event_day, incidents: 1, killed: 9 }]);
    expect(await queries.incidentDays(viewer, {})).toEqual(await queries.countedDays(viewer, {}));
  });

  it('two projectors catching up at once (two servers) index and count each object once', async () => {
    for (let n = 0; n < 30; n += 1) {
      await add({ ...version('2026-01-02T00:00:00.000Z', n, '2025-06-01'), id: `incident--6b0c1d6e-3f0a-4d4e-9a55-0b6a1d1e${String(1000 + n).padStart(4, '0')}` });
    }
    const [a, b] = [new IncidentIndex(test.opened.db), new IncidentIndex(test.opened.db)];
    await Promise.all([a.catchUp(), b.catchUp(), a.catchUp()]);
    const queries = new IncidentQueries(test.opened.db, test.opened.dialect);
    expect(await queries.feed(viewer, {}, 100)).toHaveLength(30);
    expect(await queries.countedDays(viewer, {})).toEqual([{ day: expect.any(Number), incidents: 30, killed: (29 * 30) / 2 }]);
    expect(await a.catchUp()).toBe(0);
  });

  it('refreshes a batch of incidents together: places before or after their links, new versions, counts equal to a scan', async () => {
    const objects: StixObject[] = [];
    const place = (n: number): StixObject => ({
      type: 'location', spec_version: '2.1', id: `location--6b0c1d6e-3f0a-4d4e-9a55-0b6a1d1e${String(n).padStart(4, '0')}`, name: `Town ${n}`,
      country: 'AF', latitude: 30 + n / 10, longitude: 60 + n / 7,
    });
    for (let n = 0; n < 40; n += 1) {
      const id = `incident--6b0c1d6e-3f0a-4d4e-9a55-0b6a1d1e${String(2000 + n).padStart(4, '0')}`;
      // Every third place arrives after its link (the incident is completed when it comes), the others before.
      if (n % 3 !== 0) objects.push(place(n));
      objects.push({ ...version('2026-01-02T00:00:00.000Z', n, `2025-06-${String(1 + (n % 20)).padStart(2, '0')}`), id });
      objects.push({ type: 'relationship', spec_version: '2.1', id: `relationship--6b0c1d6e-3f0a-4d4e-9a55-0b6a1d1e${String(3000 + n).padStart(4, '0')}`, relationship_type: 'located-at', source_ref: id, target_ref: place(n).id });
      // Every fourth incident gets a newer version in the same batch: only that one counts.
      if (n % 4 === 0) objects.push({ ...version('2026-01-05T00:00:00.000Z', n + 100, '2025-07-01'), id });
    }
    for (let n = 0; n < 40; n += 3) objects.push(place(n));
    await test.opened.store.addObjects(collectionId, objects.map((object) => ({ object, json: JSON.stringify(object), tlp: 'green' as const })), { authorOrg: null, authorUser: null });
    await new IncidentIndex(test.opened.db).catchUp();
    const queries = new IncidentQueries(test.opened.db, test.opened.dialect);
    const feed = await queries.feed(viewer, {}, 100);
    expect(feed).toHaveLength(40);
    expect(feed.filter((r) => r.lat === null || r.place_name === null)).toEqual([]);
    const latestKilled = Array.from({ length: 40 }, (_, n) => (n % 4 === 0 ? n + 100 : n));
    expect(feed.map((r) => r.killed).sort((a, b) => Number(a) - Number(b))).toEqual(latestKilled.sort((a, b) => a - b));
    expect(await queries.countedDays(viewer, {})).toEqual(await queries.incidentDays(viewer, {}));
    const byCount = (rows: { count: number; killed: number; lat: number; lon: number }[]) =>
      // Three decimals: PostgreSQL keeps the index's lat and lon as float4.
      rows.map((c) => [c.count, c.killed, c.lat.toFixed(3), c.lon.toFixed(3)]).sort((a, b) => String(a).localeCompare(String(b)));
    expect(byCount(await queries.countedClusters(viewer, CELL_ZOOM, {}, 1000))).toEqual(byCount(await queries.clusters(viewer, {}, CELL_DEGREES, 1000)));
    expect((await queries.feed(viewer, { countries: ['AF'] }, 100)).length).toBe(40);
  });

  it('a feed filtered by one term walks its rows: pages in feed order, each match once, only what the viewer may see', async () => {
    const objects: StixObject[] = [];
    for (let n = 0; n < 30; n += 1) {
      const base = version('2026-01-02T00:00:00.000Z', n, `2025-0${1 + (n % 9)}-${String(1 + (n % 5)).padStart(2, '0')}`);
      const ext = (base.extensions as Record<string, Record<string, unknown>>)[INCIDENT_EXTENSION_ID];
      objects.push({
        ...base, id: `incident--6b0c1d6e-3f0a-4d4e-9a55-0b6a1d1e${String(4000 + n).padStart(4, '0')}`,
        extensions: { [INCIDENT_EXTENSION_ID]: { ...ext, attack_types: [n % 3 === 0 ? 'Bombing/Explosion' : 'Hijacking'] } },
      });
    }
    // Every fifth incident is RED: its author's organisation sees it, another does not.
    await test.opened.store.addObjects(
      collectionId,
      objects.map((object, n) => ({ object, json: JSON.stringify(object), tlp: n % 5 === 0 ? 'red' as const : 'green' as const })),
      { authorOrg: 'org-author', authorUser: null },
    );
    await new IncidentIndex(test.opened.db).catchUp();
    const queries = new IncidentQueries(test.opened.db, test.opened.dialect);
    const pagedIds = async (reader: Viewer, attackTypes: string[]) => {
      const paged: string[] = [];
      let after: { day: number; id: string; collection: string } | undefined;
      for (;;) {
        const page = await queries.feed(reader, { attackTypes }, 3, after);
        paged.push(...page.slice(0, 3).map((r) => r.id));
        const last = page[2];
        if (page.length <= 3 || last === undefined) return paged;
        after = { day: last.event_day, id: last.id, collection: last.collection_id };
      }
    };
    for (const orgId of ['org-author', 'org-other']) {
      const reader: Viewer = { scope: { kind: 'viewer', userId: 'u', orgId, community: true }, collections: [collectionId] };
      const all = await queries.feed(reader, {}, 100);
      const expected = all.filter((r) => r.attack_type === 'Hijacking').map((r) => r.id);
      expect(expected).toHaveLength(orgId === 'org-author' ? 20 : 16);
      expect(await pagedIds(reader, ['hijacking'])).toEqual(expected);
      // Two values: one walk each, merged in feed order, each incident once.
      expect(await pagedIds(reader, ['Hijacking', 'Bombing/Explosion', 'hijacking'])).toEqual(all.map((r) => r.id));
      // More values than a page (most held by nothing): each walk reads a chunk at a time, and the merge is the same.
      const many = ['Arson', 'Hijacking', 'Sabotage', 'Raid', 'Ambush', 'Siege', 'Bombing/Explosion', 'Unknown', 'Hoax', 'Riot', 'Looting', 'Piracy'];
      expect(await pagedIds(reader, many)).toEqual(all.map((r) => r.id));
      expect(await pagedIds(reader, many.filter((v) => v !== 'Bombing/Explosion'))).toEqual(expected);
    }
  });

  it('counts reports per publication day for the timeline: the latest version only, RED only for who may see it', async () => {
    const report = (n: number, modified: string, published: string): StixObject => ({
      type: 'report', spec_version: '2.1', id: `report--6b0c1d6e-3f0a-4d4e-9a55-0b6a1d1e${String(5000 + n).padStart(4, '0')}`, created: '2026-01-01T00:00:00.000Z',
      modified, name: `Bulletin ${n}`, published, report_types: ['threat-report'], object_refs: [ID], description: 'A bulletin.',
    });
    const write = (object: StixObject, tlp: 'green' | 'red') =>
      test.opened.store.addObjects(collectionId, [{ object, json: JSON.stringify(object), tlp }], { authorOrg: 'org-author', authorUser: null });
    await write(report(0, '2026-01-02T00:00:00.000Z', '2025-03-01T00:00:00Z'), 'green');
    await write(report(1, '2026-01-02T00:00:00.000Z', '2025-03-01T00:00:00Z'), 'green');
    await write(report(2, '2026-01-02T00:00:00.000Z', '2025-03-02T00:00:00Z'), 'red');
    const index = new IncidentIndex(test.opened.db);
    await index.catchUp();
    // A new version of report 1 moves it to another day; then an older one arrives, which changes nothing.
    await write(report(1, '2026-01-05T00:00:00.000Z', '2025-03-04T00:00:00Z'), 'green');
    await index.catchUp();
    await write(report(1, '2026-01-03T00:00:00.000Z', '2025-03-09T00:00:00Z'), 'green');
    await index.catchUp();
    const queries = new IncidentQueries(test.opened.db, test.opened.dialect);
    const day = (iso: string) => Date.parse(iso) / 86_400_000;
    const reader = (orgId: string): Viewer => ({ scope: { kind: 'viewer', userId: 'u', orgId, community: true }, collections: [collectionId] });
    expect(await queries.reportDays(reader('org-author'), {})).toEqual([
      { day: day('2025-03-01'), reports: 1 }, { day: day('2025-03-02'), reports: 1 }, { day: day('2025-03-04'), reports: 1 },
    ]);
    expect(await queries.reportDays(reader('org-other'), {})).toEqual([{ day: day('2025-03-01'), reports: 1 }, { day: day('2025-03-04'), reports: 1 }]);
    expect(await queries.reportDays(reader('org-other'), { fromDay: day('2025-03-02') })).toEqual([{ day: day('2025-03-04'), reports: 1 }]);
    // The full-text path scans and must agree.
    expect(await queries.reportDays(reader('org-other'), { words: ['bulletin'] })).toEqual(await queries.reportDays(reader('org-other'), {}));
  });

  it('stops between batches and resumes from its cursor to the end result of an uninterrupted catch-up', { timeout: 120_000 }, async () => {
    // Two collections with the same backlog, larger than one batch (500): one is interrupted, the other not.
    const other = (await test.opened.store.createCollection({ title: 'uninterrupted' })).id;
    const objects = Array.from({ length: 1_200 }, (_, n) => ({
      ...version('2026-01-02T00:00:00.000Z', n % 7, `2025-06-${String(1 + (n % 28)).padStart(2, '0')}`),
      id: `incident--6b0c1d6e-3f0a-4d4e-9a55-${String(n).padStart(12, '0')}`,
    }));
    for (const collection of [collectionId, other]) {
      for (let start = 0; start < objects.length; start += 400) {
        const rows = objects.slice(start, start + 400).map((object) => ({ object, json: JSON.stringify(object), tlp: 'green' as const }));
        await test.opened.store.addObjects(collection, rows, { authorOrg: null, authorUser: null });
      }
    }
    const errors: unknown[] = [];
    let stopped: Promise<void> | undefined;
    // Stopped while the first batch writes its cursor: that batch commits, and the catch-up returns before reading a second one.
    const stopOnFirstCursor: KyselyPlugin = {
      transformQuery: ({ node }) => {
        if (isCursorMove(node)) stopped ??= following.stop();
        return node;
      },
      transformResult: async ({ result }) => result,
    };
    const index = new IncidentIndex(test.opened.db.withPlugin(stopOnFirstCursor), test.opened.dialect);
    const following = index.follow(60_000, (error) => errors.push(error));
    const read = await index.catchUp();
    await stopped;
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThanOrEqual(500);
    const projected = async () => Number((await withIncidentIndex(test.opened.db).selectFrom('intel_incidents').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(await projected()).toBe(read);
    // Started again, then stopped with most of the backlog left: it stops at once instead of projecting it all.
    const again = index.follow(1, (error) => errors.push(error));
    while ((await projected()) === read) await new Promise((r) => setTimeout(r, 1));
    await again.stop();
    const stoppedAt = await projected();
    expect(stoppedAt).toBeLessThan(2 * objects.length);
    const last = index.follow(60_000, (error) => errors.push(error));
    expect(await index.catchUp()).toBe(2 * objects.length - stoppedAt);
    await last.stop();
    expect(errors).toEqual([]);
    const queries = new IncidentQueries(test.opened.db, test.opened.dialect);
    const view = async (collection: string) => {
      const v: Viewer = { scope: { kind: 'all' }, collections: [collection] };
      return {
        feed: (await queries.feed(v, {}, 2_000)).map((r) => [r.id, r.killed, r.event_date]),
        days: await queries.countedDays(v, {}),
      };
    };
    const interrupted = await view(collectionId);
    expect(interrupted.feed).toHaveLength(objects.length);
    expect(interrupted).toEqual(await view(other));
  });

  it('a catch-up asked for once the follower stopped reads nothing (a query while `entente serve` stops), and following again resumes', async () => {
    const index = new IncidentIndex(test.opened.db);
    const following = index.follow(60_000, () => undefined);
    await add(version('2026-01-02T00:00:00.000Z', 5, '2025-06-01'));
    await following.stop();
    expect(await index.catchUp()).toBe(0);
    const queries = new IncidentQueries(test.opened.db, test.opened.dialect);
    expect(await queries.feed(viewer, {}, 10)).toEqual([]);
    const again = index.follow(60_000, () => undefined);
    expect(await index.catchUp()).toBe(1);
    await again.stop();
    expect((await queries.feed(viewer, {}, 10)).map((r) => r.id)).toEqual([ID]);
  });

  it('refuses a second follower while one runs, and takes one again once it stopped', async () => {
    const index = new IncidentIndex(test.opened.db);
    const following = index.follow(60_000, () => undefined);
    expect(() => index.follow(60_000, () => undefined)).toThrow(expect.objectContaining({ code: 'conflict' }));
    await following.stop();
    await index.follow(60_000, () => undefined).stop();
  });
}

describe('incident index on SQLite', () => indexSuite(openSqliteForTest));
describeIfPostgres('incident index on PostgreSQL', await postgresProblem(), () => indexSuite(openPostgresForTest));
