import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INCIDENT_EXTENSION_ID, PROVENANCE_EXTENSION_ID } from '../stix/extensions.js';
import type { StixObject } from '../stix/stix-object.js';
import { IncidentIndex } from './incident-index.js';
import { CELL_DEGREES, CELL_ZOOM, cellOf } from './incident-index-aggregates.js';
import { termValue } from './incident-index-projection.js';
import { countable, IncidentQueries, monthsOf, type ClusterRow, type Driver, type FeedRow, type IncidentFilter, type Viewer } from './incident-index-queries.js';
import { withIncidentIndex } from './incident-index-schema.js';
import type { TlpLevel } from './schema.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from './test-backends.js';

/**
 * The filtered counts (migration 1400): a map or timeline filtered by one
 * value answers from counts exactly as from the matching incidents, for every
 * viewer, and never counts an incident the viewer may not see. The month
 * counts (migration 1500) answer a map narrowed to days alike; what no count
 * holds is walked from one test and probed for the rest, whichever test it
 * starts from, and gives what the viewer's feed holds.
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
const dayOf = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000;
/** Day ranges over the incidents' days (January 2025; new versions in February and March): whole months, partial ones, none, open ends. */
const RANGES: readonly Pick<IncidentFilter, 'fromDay' | 'toDay'>[] = [
  { fromDay: dayOf(2025, 1, 3), toDay: dayOf(2025, 1, 15) },
  { fromDay: dayOf(2025, 1, 1), toDay: dayOf(2025, 1, 31) },
  { fromDay: dayOf(2024, 12, 20), toDay: dayOf(2025, 2, 28) },
  { fromDay: dayOf(2025, 1, 10), toDay: dayOf(2025, 3, 1) },
  { fromDay: dayOf(2025, 1, 10) },
  { toDay: dayOf(2025, 1, 12) },
];
/** Filters no count holds: two values, thresholds, several terms, a value and a day range on the map. */
const SCANNED: readonly IncidentFilter[] = [
  { countries: ['IQ'], attackTypes: ['Armed Assault'] },
  { countries: ['IQ', 'AF'], targetTypes: ['police'], fromDay: dayOf(2025, 1, 4), toDay: dayOf(2025, 1, 18) },
  { attackTypes: ['Bombing/Explosion', 'Armed Assault'] },
  { attackTypes: ['Bombing/Explosion', 'Armed Assault'], sources: ['Reuters'], markings: ['green', 'red', 'amber'] },
  { minKilled: 30 },
  { minKilled: 10, countries: ['AF', 'SY'], fromDay: dayOf(2025, 1, 5) },
  { minCasualties: 20, attackTypes: ['Armed Assault'], regions: ['kabul', 'Nineveh', 'Santiago'] },
  { countries: ['IQ'], fromDay: dayOf(2025, 1, 3), toDay: dayOf(2025, 1, 15) },
  { groups: ['group one'], partners: ['partner-1'], minKilled: 0 },
  { attackTypes: ['armed assault'], fromDay: dayOf(2025, 1, 2), toDay: dayOf(2025, 3, 1), bbox: [-180, 0, 180, 90] },
];
/** Every test a walk can start from, forced in turn (a filter without it walks from the rarest). */
const WALKS: readonly Driver[] = [
  { test: 'days' }, { test: 'country' }, { test: 'killed' }, { test: 'casualties' },
  { test: 'term', kind: 'attack' }, { test: 'term', kind: 'target' }, { test: 'term', kind: 'source' }, { test: 'term', kind: 'group' },
];
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
          // Narrowed to days: whole months from the month counts (migration 1500), partial ones scanned; with a value, scanned.
          for (const range of RANGES) {
            const ranged = { ...filter, ...range };
            const what = `${label} ${JSON.stringify(ranged)}`;
            expect(countable(ranged, 'cells'), what).toBe(countable(base, 'cells') && Object.keys(base).every((k) => k === 'markings'));
            expect(sorted(await queries.countedClusters(viewer, CELL_ZOOM, ranged, 1000)), what).toEqual(sorted(await queries.clusters(viewer, ranged, CELL_DEGREES, 1000)));
            expect(sorted(await queries.countedClusters(viewer, 2, ranged, 1000)), what).toEqual(sorted(await queries.clusters(viewer, ranged, 360 / 2 ** 5, 1000)));
          }
        }
      }
    }
  }

  /** What a grouped scan of `filter` must give a viewer: its feed (another query shape), filtered here. */
  async function expectedFromFeed(viewer: Viewer, filter: IncidentFilter): Promise<FeedRow[]> {
    const rows = await queries.feed(viewer, {}, 10_000);
    const terms = (json: string) => (JSON.parse(json) as unknown[]).flatMap((v) => (typeof v === 'string' ? [termValue(v)] : typeof v === 'object' && v !== null ? [termValue((v as { id: string }).id), termValue((v as { name: string }).name)] : []));
    const holds = (held: string[], wanted: readonly string[] | undefined) => wanted === undefined || wanted.some((w) => held.includes(termValue(w)));
    return rows.filter((r) =>
      (filter.fromDay === undefined || r.event_day >= filter.fromDay) && (filter.toDay === undefined || r.event_day <= filter.toDay)
      && (filter.countries === undefined || (r.country !== null && filter.countries.includes(r.country)))
      && (filter.regions === undefined || (r.region !== null && filter.regions.map(termValue).includes(termValue(r.region))))
      && (filter.minKilled === undefined || (r.killed ?? -1) >= filter.minKilled)
      && (filter.minCasualties === undefined || r.casualties >= filter.minCasualties)
      && (filter.markings === undefined || filter.markings.includes(r.tlp))
      && (filter.partners === undefined || (r.partner !== null && filter.partners.includes(r.partner)))
      && holds(terms(r.attack_types), filter.attackTypes) && holds(terms(r.target_types), filter.targetTypes)
      && holds(terms(r.perpetrators), filter.groups) && holds(terms(r.sources), filter.sources)
      && (filter.bbox === undefined || (r.lat !== null && r.lon !== null && r.lat >= filter.bbox[1] && r.lat <= filter.bbox[3] && r.lon >= filter.bbox[0] && r.lon <= filter.bbox[2])));
  }

  function daysOf(rows: readonly FeedRow[]): { day: number; incidents: number; killed: number }[] {
    const days = new Map<number, { day: number; incidents: number; killed: number }>();
    for (const r of rows) {
      const entry = days.get(r.event_day) ?? { day: r.event_day, incidents: 0, killed: 0 };
      entry.incidents += 1;
      entry.killed += r.killed ?? 0;
      days.set(r.event_day, entry);
    }
    return [...days.values()].sort((a, b) => a.day - b.day);
  }

  function cellsOf(rows: readonly FeedRow[], shift: number): string[] {
    const cells = new Map<string, { count: number; killed: number; lat: number; lon: number }>();
    for (const r of rows) {
      if (r.lat === null || r.lon === null) continue;
      const { cy, cx } = cellOf(r.lat, r.lon);
      const key = `${Math.floor(cy / shift)}:${Math.floor(cx / shift)}`;
      const entry = cells.get(key) ?? { count: 0, killed: 0, lat: 0, lon: 0 };
      entry.count += 1;
      entry.killed += r.killed ?? 0;
      entry.lat += r.lat;
      entry.lon += r.lon;
      cells.set(key, entry);
    }
    return sorted([...cells.values()].map((c) => ({ count: c.count, killed: c.killed, lat: c.lat / c.count, lon: c.lon / c.count })));
  }

  async function expectWalksEqualFeed(walkFrom: Driver | undefined): Promise<void> {
    const walking = new IncidentQueries(test.opened.db, test.opened.dialect, undefined, walkFrom);
    for (const [who, viewer] of viewers()) {
      for (const filter of SCANNED) {
        const label = `${who} ${JSON.stringify(filter)} from ${JSON.stringify(walkFrom)}`;
        const expected = await expectedFromFeed(viewer, filter);
        expect(await walking.incidentDays(viewer, filter), label).toEqual(daysOf(expected));
        expect(await walking.countedDays(viewer, filter), label).toEqual(daysOf(expected));
        expect(sorted(await walking.clusters(viewer, filter, CELL_DEGREES, 1000)), label).toEqual(cellsOf(expected, 1));
        expect(sorted(await walking.countedClusters(viewer, 2, filter, 1000)), label).toEqual(cellsOf(expected, 8));
      }
    }
  }

  it('groups what no count holds from one test\'s matches, whichever test the walk starts from, as the viewer\'s feed holds them', async () => {
    expect((await expectedFromFeed(viewers()[0]?.[1] as Viewer, SCANNED[0] as IncidentFilter)).length).toBeGreaterThan(0);
    await expectWalksEqualFeed(undefined);
    for (const walkFrom of WALKS) await expectWalksEqualFeed(walkFrom);
  });

  it('picks the test with the fewest matches to walk from', async () => {
    const viewer = viewers()[0]?.[1] as Viewer;
    const day = (d: number) => Date.UTC(2025, 0, d) / 86_400_000;
    if (test.opened.dialect !== 'sqlite') {
      // PostgreSQL plans from its statistics: no walk is chosen for it.
      expect(await queries.rarestTest(viewer, { countries: ['CL'], attackTypes: ['Bombing/Explosion'] })).toBeUndefined();
      return;
    }
    expect(await queries.rarestTest(viewer, { countries: ['CL'], attackTypes: ['Bombing/Explosion'] })).toEqual({ test: 'country' });
    expect(await queries.rarestTest(viewer, { countries: ['IQ', 'AF', 'SY'], attackTypes: ['Armed Assault'], groups: ['Group Two'] })).toEqual({ test: 'term', kind: 'group' });
    // A value is counted within the range too; a threshold is not.
    expect(await queries.rarestTest(viewer, { minKilled: 0, fromDay: day(2), toDay: day(2) })).toEqual({ test: 'days' });
    expect(await queries.rarestTest(viewer, { countries: ['IQ'], minKilled: 70 })).toEqual({ test: 'killed' });
    expect(await queries.rarestTest(viewer, { minCasualties: 0 })).toBeUndefined();
  });

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
      months: (await db.selectFrom('intel_cell_month_counts').selectAll().where('incidents', '<>', 0).execute())
        .map((r) => [r.collection_id, r.month, r.cy, r.cx, r.tlp, r.author_org, r.sharing_group, Number(r.incidents), Number(r.killed), Number(r.lat_sum).toFixed(3), Number(r.lon_sum).toFixed(3)].join('|')).sort(),
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
    // Before migration 1500: no month counts nor threshold indexes; migrating back-fills the projector's month rows (three months, RED included).
    expect(new Set(projected.months.map((row) => row.split('|')[1])).size).toBe(3);
    expect(projected.months.some((row) => row.includes('|red|'))).toBe(true);
    await db.schema.dropTable('intel_cell_month_counts').execute();
    await db.schema.dropIndex('intel_incidents_killed_idx').execute();
    await db.schema.dropIndex('intel_incidents_casualties_idx').execute();
    await sql`delete from kysely_migration where name = '1500-map-months-and-thresholds'`.execute(db);
    await test.opened.store.migrate();
    expect(await snapshot()).toEqual(projected);
  });

  it('clusters a day range whose first and last months are both partial, scanned together, as the scan of the whole range', async () => {
    // New versions in March and February, so both partial months of the ranges (January, March) hold incidents.
    const later: StixObject[] = [];
    for (let n = 1; n < INCIDENTS; n += 3) later.push(incident(n, '2026-01-07T00:00:00.000Z', ['Armed Assault'], `2025-0${2 + (n % 2)}-0${1 + (n % 5)}`));
    await write(later, 'green');
    await write([incident(4, '2026-01-07T00:00:00.000Z', ['Arson'], '2025-03-02')], 'red');
    await new IncidentIndex(test.opened.db).catchUp();
    const ranges: IncidentFilter[] = [
      { fromDay: dayOf(2025, 1, 10), toDay: dayOf(2025, 3, 4) },
      { fromDay: dayOf(2024, 12, 20), toDay: dayOf(2025, 3, 2), markings: ['green', 'red'] },
      { fromDay: dayOf(2025, 1, 2), toDay: dayOf(2025, 3, 30), bbox: [-180, 0, 180, 90] },
    ];
    for (const range of ranges) expect(monthsOf(range.fromDay, range.toDay).partial).toHaveLength(2);
    for (const walkFrom of [undefined, { test: 'days' } as const]) {
      const walking = new IncidentQueries(test.opened.db, test.opened.dialect, undefined, walkFrom);
      for (const [who, viewer] of viewers()) {
        for (const filter of ranges) {
          const label = `${who} ${JSON.stringify(filter)} from ${JSON.stringify(walkFrom)}`;
          const scanned = sorted(await walking.clusters(viewer, filter, 360 / 2 ** 5, 1000));
          if (who === 'all' && filter.markings === undefined) expect(scanned.length, label).toBeGreaterThan(1);
          expect(sorted(await walking.countedClusters(viewer, 2, filter, 1000)), label).toEqual(scanned);
          expect(sorted(await walking.countedClusters(viewer, CELL_ZOOM, filter, 1000)), label).toEqual(sorted(await walking.clusters(viewer, filter, CELL_DEGREES, 1000)));
        }
      }
    }
  });

  it('splits a day range into whole months and partial days', () => {
    expect(monthsOf(dayOf(2025, 1, 1), dayOf(2025, 1, 31))).toEqual({ whole: { from: 660, to: 660 }, partial: [] });
    expect(monthsOf(dayOf(2025, 1, 3), dayOf(2025, 1, 15))).toEqual({ whole: undefined, partial: [[dayOf(2025, 1, 3), dayOf(2025, 1, 15)]] });
    expect(monthsOf(dayOf(2024, 12, 20), dayOf(2025, 3, 1))).toEqual({ whole: { from: 660, to: 661 }, partial: [[dayOf(2024, 12, 20), dayOf(2024, 12, 31)], [dayOf(2025, 3, 1), dayOf(2025, 3, 1)]] });
    expect(monthsOf(dayOf(1969, 12, 31), undefined)).toEqual({ whole: { from: 0 }, partial: [[dayOf(1969, 12, 31), dayOf(1969, 12, 31)]] });
    expect(monthsOf(undefined, dayOf(1969, 12, 30))).toEqual({ whole: { to: -2 }, partial: [[dayOf(1969, 12, 1), dayOf(1969, 12, 30)]] });
    expect(monthsOf(dayOf(2025, 2, 1), dayOf(2025, 1, 31))).toEqual({ whole: undefined, partial: [] });
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
    expect(countable({ fromDay: 1 }, 'cells')).toBe(true);
    expect(countable({ fromDay: 1, toDay: 40, markings: ['green'], bbox: [0, 0, 1, 1] }, 'cells')).toBe(true);
    expect(countable({ countries: ['IQ'], fromDay: 1 }, 'cells')).toBe(false);
    expect(countable({ bbox: [0, 0, 1, 1] }, 'days')).toBe(false);
    expect(countable({ countries: [], fromDay: 1 }, 'days')).toBe(true);
  });
}

describe('filtered incident counts on SQLite', () => countsSuite(openSqliteForTest));
describeIfPostgres('filtered incident counts on PostgreSQL', await postgresProblem(), () => countsSuite(openPostgresForTest));
