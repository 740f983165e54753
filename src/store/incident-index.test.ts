import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INCIDENT_EXTENSION_ID } from '../stix/extensions.js';
import type { StixObject } from '../stix/stix-object.js';
import { IncidentIndex } from './incident-index.js';
import { IncidentQueries, type Viewer } from './incident-index-queries.js';
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
}

describe('incident index on SQLite', () => indexSuite(openSqliteForTest));
describeIfPostgres('incident index on PostgreSQL', await postgresProblem(), () => indexSuite(openPostgresForTest));
