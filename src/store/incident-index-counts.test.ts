import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INCIDENT_EXTENSION_ID, PROVENANCE_EXTENSION_ID } from '../stix/extensions.js';
import type { StixObject } from '../stix/stix-object.js';
import { IncidentIndex } from './incident-index.js';
import { CELL_DEGREES, CELL_ZOOM } from './incident-index-aggregates.js';
import { countable, IncidentQueries, type ClusterRow, type IncidentFilter, type Viewer } from './incident-index-queries.js';
import { withIncidentIndex } from './incident-index-schema.js';
import type { TlpLevel } from './schema.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from './test-backends.js';

/**
 * The filtered counts (migration 1400): a map or timeline filtered by one
 * value answers from counts exactly as from the matching incidents, for every
 * viewer, and never counts an incident the viewer may not see.
 */

const uuid = (n: number) => `6b0c1d6e-3f0a-4d4e-9a55-${n.toString(16).padStart(12, '0')}`;
const PLACES = [
  { country: 'IQ', region: 'Nineveh', lat: 36.34, lon: 43.13 },
  { country: 'IQ', region: 'Baghdad', lat: 33.31, lon: 44.36 },
  { country: 'SY', region: 'Aleppo', lat: 36.2, lon: 37.15 },
  { country: 'AF', region: 'Kabul', lat: 34.53, lon: 69.17 },
  { country: 'AF', region: 'Kandahar', lat: 31.61, lon: 65.71 },
  { country: 'CL', region: 'Santiago', lat: -33.45, lon: -70.66 },
];
const GROUPS = [{ id: `intrusion-set--${uuid(900)}`, name: 'Group One' }, { id: `intrusion-set--${uuid(901)}`, name: 'Group Two' }];
/** Levels by incident number: n % 6. */
const LEVELS: readonly TlpLevel[] = ['green', 'clear', 'amber', 'amber+strict', 'red', 'green'];
const INCIDENTS = 72;
const placeId = (p: number) => `location--${uuid(800 + p)}`;
const incidentId = (n: number) => `incident--${uuid(n)}`;

interface Model {
  n: number;
  level: TlpLevel;
  partner: string | null;
  place: number | undefined;
  attacks: string[];
}

function incident(n: number, modified: string, attacks: readonly string[], day: string): StixObject {
  return {
    type: 'incident', spec_version: '2.1', id: incidentId(n), created: '2026-01-01T00:00:00.000Z', modified, name: `Incident ${n}`,
    extensions: {
      [INCIDENT_EXTENSION_ID]: {
        extension_type: 'property-extension', event_date: day, date_precision: 'day', news_status: 'news', attack_types: attacks,
        target_types: [n % 2 === 0 ? 'Police' : 'Military'], victims_killed: { low: n, high: n, qualifier: 'exact', text: String(n) },
      },
      [PROVENANCE_EXTENSION_ID]: { extension_type: 'property-extension', report_ref: `report--${uuid(700)}`, evidence: [], source_names: [n % 4 === 0 ? 'Deutsche Welle' : 'Reuters'] },
    },
  };
}

function countsSuite(open: () => Promise<TestStore>): void {
  let test: TestStore;
  let collectionId: string;
  let queries: IncidentQueries;
  let model: Model[];

  const write = (objects: readonly StixObject[], tlp: TlpLevel, meta: { sharingGroup?: string; partner?: string } = {}) =>
    test.opened.store.addObjects(collectionId, objects.map((object) => ({ object, json: JSON.stringify(object), tlp })), { authorOrg: 'org-a', authorUser: null, ...meta });

  beforeEach(async () => {
    test = await open();
    await test.opened.store.migrate();
    collectionId = (await test.opened.store.createCollection({ title: 'c' })).id;
    const db = test.opened.db;
    for (const org of ['org-a', 'org-b', 'org-c']) await sql`insert into organizations (id, name, identity_id, created_at) values (${org}, ${org}, ${`identity--${org}`}, 0)`.execute(db);
    await sql`insert into sharing_groups (id, name, owner_org, created_at) values ('g1', 'g1', 'org-a', 0)`.execute(db);
    for (const org of ['org-a', 'org-b']) await sql`insert into sharing_group_members (group_id, org_id, can_extend) values ('g1', ${org}, 0)`.execute(db);

    const context: StixObject[] = [
      ...PLACES.map((p, i): StixObject => ({
        type: 'location', spec_version: '2.1', id: placeId(i), name: `${p.region} town`, country: p.country, administrative_area: p.region, latitude: p.lat, longitude: p.lon,
      })),
      ...GROUPS.map((g): StixObject => ({ type: 'intrusion-set', spec_version: '2.1', id: g.id, name: g.name, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z' })),
    ];
    await write(context, 'green');
    model = [];
    for (let n = 0; n < INCIDENTS; n += 1) {
      const attacks = [['Bombing/Explosion'], ['Armed Assault'], ['Bombing/Explosion', 'Armed Assault']][n % 3] as string[];
      const level = LEVELS[n % 6] as TlpLevel;
      const partner = n % 6 === 5 ? 'partner-1' : null;
      // Places cycle apart from levels, so each country holds every level; every seventh incident has none.
      const place = n % 7 === 6 ? undefined : (n + Math.floor(n / 6)) % PLACES.length;
      const objects: StixObject[] = [incident(n, '2026-01-02T00:00:00.000Z', attacks, `2025-01-${String(1 + (n % 20)).padStart(2, '0')}`)];
      if (place !== undefined) {
        objects.push({ type: 'relationship', spec_version: '2.1', id: `relationship--${uuid(1000 + n)}`, relationship_type: 'located-at', source_ref: incidentId(n), target_ref: placeId(place) });
      }
      if (n % 5 < 2) {
        objects.push({ type: 'relationship', spec_version: '2.1', id: `relationship--${uuid(2000 + n)}`, relationship_type: 'attributed-to', source_ref: incidentId(n), target_ref: (GROUPS[n % 5] as { id: string }).id });
      }
      await write(objects, level, { ...(level === 'amber' ? { sharingGroup: 'g1' } : {}), ...(partner !== null ? { partner } : {}) });
      model.push({ n, level, partner, place, attacks });
    }
    // Half the RED incidents name org-b as a recipient.
    const red = await db.selectFrom('objects').select(['date_added', 'id']).where('collection_id', '=', collectionId).where('tlp', '=', 'red').where('type', '=', 'incident').execute();
    for (const row of red.filter((r) => Number.parseInt(r.id.slice(-12), 16) % 12 === 4)) {
      await sql`insert into object_recipients (collection_id, date_added, recipient_kind, recipient_id) values (${collectionId}, ${row.date_added}, 'org', 'org-b')`.execute(db);
    }
    await new IncidentIndex(db).catchUp();
    queries = new IncidentQueries(db, test.opened.dialect);
  });
  afterEach(async () => test.dispose());

  const viewers = (): [string, Viewer][] => [
    ['all', { scope: { kind: 'all' }, collections: [collectionId] }],
    ['author org-a', { scope: { kind: 'viewer', userId: 'u', orgId: 'org-a', community: true }, collections: [collectionId] }],
    ['group member org-b', { scope: { kind: 'viewer', userId: 'u', orgId: 'org-b', community: true }, collections: [collectionId] }],
    ['other org-c', { scope: { kind: 'viewer', userId: 'u', orgId: 'org-c', community: true }, collections: [collectionId] }],
    ['outside the community', { scope: { kind: 'viewer', userId: 'u', orgId: 'org-x', community: false }, collections: [collectionId] }],
    ['a partner', { scope: { kind: 'partner', orgIds: ['org-b'] }, collections: [collectionId] }],
  ];
  const filters: IncidentFilter[] = [
    {},
    { countries: ['IQ'] },
    { countries: ['IQ', 'AF'] },
    { regions: ['nineveh'] },
    { partners: ['partner-1'] },
    { attackTypes: ['bombing/explosion'] },
    { targetTypes: ['Police'] },
    { groups: [(GROUPS[0] as { id: string }).id] },
    { groups: ['group two'] },
    { sources: ['Deutsche Welle'] },
    { markings: ['green', 'red'] },
    { countries: ['IQ'], markings: ['amber'] },
    { attackTypes: ['Armed Assault'], markings: ['red'] },
  ];
  const sorted = (rows: ClusterRow[]) =>
    // Three decimals: PostgreSQL keeps the index's lat and lon as float4.
    rows.map((c) => [c.count, c.killed, c.lat.toFixed(3), c.lon.toFixed(3)].join(' ')).sort();

  async function expectCountsEqualScans(): Promise<void> {
    for (const [who, viewer] of viewers()) {
      for (const base of filters) {
        const label = `${who} ${JSON.stringify(base)}`;
        const days = { ...base, fromDay: Date.UTC(2025, 0, 3) / 86_400_000, toDay: Date.UTC(2025, 0, 15) / 86_400_000 };
        expect(countable(base, 'days') && countable(days, 'days'), label).toBe(true);
        expect(await queries.countedDays(viewer, base), label).toEqual(await queries.incidentDays(viewer, base));
        expect(await queries.countedDays(viewer, days), label).toEqual(await queries.incidentDays(viewer, days));
        // A box of whole cells (the counts take whole cells): the northern hemisphere.
        const boxed: IncidentFilter = { ...base, bbox: [-180, 0, 180, 90] };
        for (const filter of [base, boxed]) {
          expect(countable(filter, 'cells'), label).toBe(true);
          expect(sorted(await queries.countedClusters(viewer, CELL_ZOOM, filter, 1000)), label).toEqual(sorted(await queries.clusters(viewer, filter, CELL_DEGREES, 1000)));
          expect(sorted(await queries.countedClusters(viewer, 2, filter, 1000)), label).toEqual(sorted(await queries.clusters(viewer, filter, 360 / 2 ** 5, 1000)));
        }
      }
    }
  }

  it('answers a map and a timeline filtered by one value from counts, as a scan of the matches would, for every viewer', async () => {
    await expectCountsEqualScans();
  });

  it('counts for a viewer only the incidents it may see', async () => {
    const located = (m: Model) => m.place !== undefined && PLACES[m.place]?.country === 'IQ';
    const mayRedB = (m: Model) => m.level === 'red' && m.n % 12 === 4;
    const seen: [string, (m: Model) => boolean][] = [
      ['org-a', () => true],
      ['org-b', (m) => ['clear', 'green', 'amber'].includes(m.level) || mayRedB(m)],
      ['org-c', (m) => ['clear', 'green'].includes(m.level)],
      ['org-x', (m) => m.level === 'clear'],
    ];
    const totals: number[] = [];
    for (const [orgId, sees] of seen) {
      const viewer: Viewer = { scope: { kind: 'viewer', userId: 'u', orgId, community: orgId !== 'org-x' }, collections: [collectionId] };
      const expected = model.filter((m) => located(m) && sees(m));
      const cells = await queries.countedClusters(viewer, 0, { countries: ['IQ'] }, 1000);
      expect(cells.reduce((sum, c) => sum + c.count, 0), orgId).toBe(expected.length);
      expect(cells.reduce((sum, c) => sum + c.killed, 0), orgId).toBe(expected.reduce((sum, m) => sum + m.n, 0));
      const days = await queries.countedDays(viewer, { countries: ['IQ'] });
      expect(days.reduce((sum, d) => sum + d.incidents, 0), orgId).toBe(expected.length);
      const bombings = model.filter((m) => m.attacks.includes('Bombing/Explosion') && sees(m));
      expect((await queries.countedDays(viewer, { attackTypes: ['Bombing/Explosion'] })).reduce((sum, d) => sum + d.incidents, 0), orgId).toBe(bombings.length);
      totals.push(expected.length);
    }
    // Each narrower audience sees fewer: the hidden ones are really left out, not merely equal to a scan.
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    expect(new Set(totals).size).toBe(totals.length);
  });

  it('moves the counts when a new version changes an incident\'s values or level, and the back-fills of migrations 1400 and 1401 give the same counts', async () => {
    // New versions: another attack type and day; one GREEN incident becomes RED, one RED becomes CLEAR.
    const changed: StixObject[] = [];
    for (let n = 0; n < INCIDENTS; n += 4) changed.push(incident(n, '2026-01-05T00:00:00.000Z', ['Hijacking'], '2025-02-01'));
    await write(changed.filter((_, i) => i % 2 === 0), 'green');
    await write(changed.filter((_, i) => i % 2 === 1), 'red');
    await write([incident(4, '2026-01-06T00:00:00.000Z', ['Arson'], '2025-03-01')], 'clear');
    await new IncidentIndex(test.opened.db).catchUp();
    await expectCountsEqualScans();
    const hijackings = await queries.countedDays({ scope: { kind: 'all' }, collections: [collectionId] }, { attackTypes: ['Hijacking'] });
    // Incident 4's Hijacking version was overtaken by its Arson one.
    const hijacked = Array.from({ length: INCIDENTS / 4 }, (_, i) => i * 4).filter((n) => n !== 4);
    expect(hijackings).toEqual([{ day: Date.UTC(2025, 1, 1) / 86_400_000, incidents: hijacked.length, killed: hijacked.reduce((sum, n) => sum + n, 0) }]);

    const db = withIncidentIndex(test.opened.db);
    const snapshot = async () => ({
      unfilteredDays: (await db.selectFrom('intel_day_counts').selectAll().where('incidents', '<>', 0).execute())
        .map((r) => [r.collection_id, r.event_day, r.tlp, r.author_org, r.sharing_group, Number(r.incidents), Number(r.killed)].join('|')).sort(),
      unfilteredCells: (await db.selectFrom('intel_cell_counts').selectAll().where('incidents', '<>', 0).execute())
        .map((r) => [r.collection_id, r.cy, r.cx, r.tlp, r.author_org, r.sharing_group, Number(r.incidents), Number(r.killed), Number(r.lat_sum).toFixed(3)].join('|')).sort(),
      days: (await db.selectFrom('intel_filter_day_counts').selectAll().where('incidents', '<>', 0).execute())
        .map((r) => [r.kind, r.value, r.collection_id, r.event_day, r.tlp, r.author_org, r.sharing_group, Number(r.incidents), Number(r.killed)].join('|')).sort(),
      cells: (await db.selectFrom('intel_filter_cell_counts').selectAll().where('incidents', '<>', 0).execute())
        .map((r) => [r.kind, r.value, r.collection_id, r.cy, r.cx, r.tlp, r.author_org, r.sharing_group, Number(r.incidents), Number(r.killed), Number(r.lat_sum).toFixed(3), Number(r.lon_sum).toFixed(3)].join('|')).sort(),
    });
    const projected = await snapshot();
    expect(projected.days.length).toBeGreaterThan(50);
    expect(projected.cells.some((row) => row.startsWith('partner|partner-1|'))).toBe(true);
    // The database as it was before migration 1400, indexed: migrating it again back-fills the same counts.
    await db.schema.dropTable('intel_filter_day_counts').execute();
    await db.schema.dropTable('intel_filter_cell_counts').execute();
    await sql`delete from kysely_migration where name = '1400-filter-counts'`.execute(db);
    await test.opened.store.migrate();
    expect(await snapshot()).toEqual(projected);
    // Before migration 1401 the unfiltered counts held no RED row; a back-fill by 1400 may have counted them already.
    expect(projected.unfilteredDays.some((row) => row.includes('|red|'))).toBe(true);
    await db.deleteFrom('intel_day_counts').where('tlp', '=', 'red').execute();
    await db.deleteFrom('intel_cell_counts').where('tlp', '=', 'red').execute();
    await db.schema.dropIndex('object_recipients_recipient_idx').execute();
    await sql`delete from kysely_migration where name = '1401-red-counts'`.execute(db);
    await test.opened.store.migrate();
    expect(await snapshot()).toEqual(projected);
  });

  it('leaves to a scan what the counts cannot answer', async () => {
    const viewer: Viewer = { scope: { kind: 'viewer', userId: 'u', orgId: 'org-c', community: true }, collections: [collectionId] };
    const twoKinds: IncidentFilter = { countries: ['IQ'], attackTypes: ['Armed Assault'] };
    expect(await queries.countedDays(viewer, twoKinds)).toEqual(await queries.incidentDays(viewer, twoKinds));
    expect(sorted(await queries.countedClusters(viewer, 2, twoKinds, 1000))).toEqual(sorted(await queries.clusters(viewer, twoKinds, 360 / 2 ** 5, 1000)));
    expect(countable({ attackTypes: ['Bombing/Explosion', 'Armed Assault'] }, 'cells')).toBe(false);
    expect(countable({ attackTypes: ['Bombing/Explosion', 'bombing/explosion'] }, 'cells')).toBe(true);
    expect(countable({ countries: ['IQ'], attackTypes: ['Arson'] }, 'days')).toBe(false);
    expect(countable({ minKilled: 3 }, 'days')).toBe(false);
    expect(countable({ words: ['embassy'] }, 'cells')).toBe(false);
    expect(countable({ fromDay: 1 }, 'cells')).toBe(false);
    expect(countable({ bbox: [0, 0, 1, 1] }, 'days')).toBe(false);
    expect(countable({ countries: [], fromDay: 1 }, 'days')).toBe(true);
  });
}

describe('filtered incident counts on SQLite', () => countsSuite(openSqliteForTest));
describeIfPostgres('filtered incident counts on PostgreSQL', await postgresProblem(), () => countsSuite(openPostgresForTest));
