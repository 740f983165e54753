/**
 * The console's queries over the incident read model at scale (issue 7):
 * feed pages (first, deep, each kind of filter, full text), map (world
 * clusters, zoomed-in points), timeline, incident detail, for a viewer of an
 * organisation that sees only part of the data (CLEAR and GREEN; not the
 * AMBER shared with a group it is not in, nor AMBER+STRICT or RED) and for
 * the author's own organisation.
 *
 * Rows are bulk-generated: `objects` rows with real incident and report JSON
 * and their `intel_*` index rows as the projector would write them (the
 * projector itself is exercised by the REST tests), so a million incidents
 * load in minutes rather than through ingest.
 *
 *   npx tsx bench/intel-feed.ts --incidents 1000000 --backend sqlite
 *   npx tsx bench/intel-feed.ts --incidents 1000000 --backend postgres
 *
 * `--keep` keeps the store (`--file` for SQLite, `--schema` for PostgreSQL
 * name it). The filtered and month counts are back-filled after the load.
 */
import { rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { createOrganization } from '../src/access/organizations.js';
import { createSharingGroup } from '../src/access/sharing-groups.js';
import { incidentDetail } from '../src/http/rest/intel-incident-detail.js';
import { INCIDENT_EXTENSION_ID, PROVENANCE_EXTENSION_ID } from '../src/stix/extensions.js';
import { tlpMarkingId } from '../src/stix/tlp.js';
import { dialectOf } from '../src/store/incident-index.js';
import { indexReportText } from '../src/store/incident-index-fts.js';
import { incidentColumns, reportColumns } from '../src/store/incident-index-projection.js';
import { IncidentQueries, type IncidentFilter, type Viewer } from '../src/store/incident-index-queries.js';
import { backfillCounts, cellOf } from '../src/store/incident-index-aggregates.js';
import { withIncidentIndex, type CellCountRow, type DayCountRow, type IncidentIndexTables, type IncidentRow, type ReportDayCountRow } from '../src/store/incident-index-schema.js';
import { openStore } from '../src/store/open-store.js';
import { dropPostgresSchema } from '../src/store/postgres-dialect.js';
import type { DatabaseSchema } from '../src/store/schema.js';
import type { TlpLevel } from '../src/stix/tlp.js';
import type { StixObject } from '../src/stix/stix-object.js';
import { quantile } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    incidents: { type: 'string', default: '1000000' },
    backend: { type: 'string', default: 'sqlite' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    runs: { type: 'string', default: '7' },
    keep: { type: 'boolean', default: false },
    schema: { type: 'string' },
    file: { type: 'string' },
  },
});
const TOTAL = Number(values.incidents);
const RUNS = Number(values.runs);
const INCIDENTS_PER_REPORT = 10;
const BATCH = 400;
const COUNTRIES = ['IQ', 'SY', 'AF', 'NG', 'SO', 'PK', 'IN', 'PH', 'YE', 'LY', 'ML', 'EG', 'TR', 'RU', 'FR', 'GB', 'US', 'DE', 'KE', 'CO'];
const ATTACKS = ['Bombing/Explosion', 'Armed Assault', 'Assassination', 'Hostage Taking (Kidnapping)', 'Facility/Infrastructure Attack', 'Hijacking', 'Unarmed Assault'];
const TARGETS = ['Private Citizens & Property', 'Military', 'Police', 'Government (General)', 'Business', 'Religious Figures/Institutions', 'Transportation'];
const COMMON = ['attack', 'market', 'checkpoint', 'convoy', 'mosque', 'church', 'police', 'border', 'village', 'bridge', 'school', 'hotel', 'airport', 'embassy', 'pipeline'];
/** 15 common words and 2,000 rarer ones: a bulletin of 40 words holds "embassy" one time in three, "w1234" one time in a hundred. */
const WORDS = [...COMMON, ...Array.from({ length: 2000 }, (_, i) => `w${i}`)];
const GROUPS = 500;
const NOW = '2026-11-26T10:00:00.000Z';
const DAY_MS = 86_400_000;

/** Deterministic pseudo-random numbers, so runs on both backends hold the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Marking mix: 40% GREEN, 20% CLEAR, 25% AMBER to a group the viewer is not in, 10% AMBER+STRICT, 5% RED. */
function markingOf(r: number): TlpLevel {
  return r < 0.4 ? 'green' : r < 0.6 ? 'clear' : r < 0.85 ? 'amber' : r < 0.95 ? 'amber+strict' : 'red';
}

function uuid(n: number, kind: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8${kind.toString(16).padStart(3, '0')}-${hex}`;
}

async function load(db: Kysely<DatabaseSchema>, sink: Sink, collectionId: string, authorOrg: string, groupId: string): Promise<{ loadSeconds: number; firstId: string }> {
  const started = performance.now();
  const idb = withIncidentIndex(db);
  const rnd = random(42);
  let dateAdded = Date.parse(NOW) * 1000;
  let firstId = '';
  const days = new Map<string, DayCountRow>();
  const cells = new Map<string, CellCountRow>();
  const reportDays = new Map<string, ReportDayCountRow>();
  for (let start = 0; start < TOTAL; start += BATCH) {
    const objects: ObjectInsert[] = [];
    const incidents: IncidentRow[] = [];
    const terms: TermRow[] = [];
    const reports: GeneratedReport[] = [];
    for (let n = start; n < Math.min(TOTAL, start + BATCH); n++) {
      const tlp = markingOf(rnd());
      const reportNumber = Math.floor(n / INCIDENTS_PER_REPORT);
      const reportId = `report--${uuid(reportNumber, 2)}`;
      if (n % INCIDENTS_PER_REPORT === 0) {
        const words = Array.from({ length: 40 }, () => (rnd() < 0.5 ? COMMON[Math.floor(rnd() * COMMON.length)] : WORDS[Math.floor(rnd() * WORDS.length)])).join(' ');
        const report: StixObject = {
          type: 'report', spec_version: '2.1', id: reportId, created: NOW, modified: NOW, name: `Bulletin ${reportNumber}`,
          published: new Date(Date.UTC(2000, 0, 1) + Math.floor(rnd() * 9500) * DAY_MS).toISOString(), report_types: ['threat-report'],
          description: `Bulletin ${reportNumber}: ${words}.`, object_refs: [`incident--${uuid(n, 1)}`],
          external_references: [{ source_name: `Outlet ${reportNumber % 50}` }], object_marking_refs: [tlpMarkingId(tlp === 'amber+strict' ? 'amber+strict' : tlp)],
        };
        dateAdded += 1;
        objects.push(objectRow(collectionId, report, dateAdded, tlp, authorOrg, groupId));
        reports.push({ key: dateAdded, report, tlp });
        const published = reportColumns(report).publishedDay;
        if (tlp !== 'red' && published !== null) {
          const reportKey = `${published}|${tlp}`;
          const reportRow = reportDays.get(reportKey) ?? { collection_id: collectionId, published_day: published, tlp, author_org: authorOrg, sharing_group: tlp === 'amber' ? groupId : '', date_added: 0, reports: 0 };
          reportRow.reports += 1;
          reportDays.set(reportKey, reportRow);
        }
      }
      const day = Math.floor(rnd() * 9500) + Math.floor(Date.UTC(2000, 0, 1) / DAY_MS);
      const killed = Math.floor(rnd() ** 3 * 200);
      const country = COUNTRIES[Math.floor(rnd() * COUNTRIES.length)] as string;
      const attack = ATTACKS[Math.floor(rnd() ** 2 * ATTACKS.length)] as string;
      const target = TARGETS[Math.floor(rnd() * TARGETS.length)] as string;
      const group = Math.floor(rnd() ** 2 * GROUPS);
      const id = `incident--${uuid(n, 1)}`;
      if (n === Math.floor(TOTAL / 2)) firstId = id;
      const incident: StixObject = {
        type: 'incident', spec_version: '2.1', id, created: NOW, modified: NOW, name: `${attack} in ${country} #${n}`,
        object_marking_refs: [tlpMarkingId(tlp)],
        extensions: {
          [INCIDENT_EXTENSION_ID]: {
            extension_type: 'property-extension', event_date: new Date(day * DAY_MS).toISOString().slice(0, 10), date_precision: 'day', news_status: 'news',
            attack_types: [attack], target_types: [target], weapon_types: ['Unknown'],
            victims_killed: { low: killed, high: killed, qualifier: 'exact', text: `${killed} people` },
          },
          [PROVENANCE_EXTENSION_ID]: { extension_type: 'property-extension', report_ref: reportId, evidence: [{ start: 0, end: 10 }], source_names: [`Outlet ${reportNumber % 50}`] },
        },
      };
      const lat = Math.max(-89, Math.min(89, -10 + rnd() * 60 + (COUNTRIES.indexOf(country) - 10)));
      const lon = Math.max(-179, Math.min(179, -20 + rnd() * 140));
      const { columns, terms: own } = incidentColumns(incident, {
        locations: [{ type: 'location', spec_version: '2.1', id: `location--${uuid(n, 3)}`, name: `Town ${n % 5000}`, country, latitude: lat, longitude: lon, x_opencti_location_type: 'City', city: `Town ${n % 5000}` }],
        attributions: [{ link: { target_ref: `intrusion-set--${uuid(group, 4)}`, attribution_type: rnd() < 0.3 ? 'claim' : 'suspected' }, group: { type: 'intrusion-set', spec_version: '2.1', id: `intrusion-set--${uuid(group, 4)}`, name: `Group ${group}` } }],
        outlet: undefined,
      });
      dateAdded += 1;
      objects.push(objectRow(collectionId, incident, dateAdded, tlp, authorOrg, groupId));
      incidents.push({ ...columns, collection_id: collectionId, date_added: dateAdded, version: '2026-11-26T10:00:00.000000Z', latest: 1, tlp });
      for (const t of own) terms.push({ ...t, collection_id: collectionId, date_added: dateAdded, event_day: columns.event_day, id });
      // RED versions are counted too (migration 1401): the count rows let their author's organisation see them.
      {
        const visibility = { collection_id: collectionId, tlp, author_org: authorOrg, sharing_group: tlp === 'amber' ? groupId : '', date_added: 0 };
        const dayKey = `${columns.event_day}|${tlp}`;
        const dayRow = days.get(dayKey) ?? { ...visibility, event_day: columns.event_day, incidents: 0, killed: 0 };
        dayRow.incidents += 1;
        dayRow.killed += columns.killed ?? 0;
        days.set(dayKey, dayRow);
        const cell = cellOf(lat, lon);
        const cellKey = `${cell.cy}|${cell.cx}|${tlp}`;
        const cellRow = cells.get(cellKey) ?? { ...visibility, ...cell, incidents: 0, killed: 0, lat_sum: 0, lon_sum: 0 };
        cellRow.incidents += 1;
        cellRow.killed += columns.killed ?? 0;
        cellRow.lat_sum += lat;
        cellRow.lon_sum += lon;
        cells.set(cellKey, cellRow);
      }
    }
    await sink.write(objects, incidents, terms, reports);
    if (start % 100_000 === 0) process.stderr.write(`  loaded ${start.toLocaleString('en-US')} incidents\n`);
  }
  await db.updateTable('collections').set({ last_added: dateAdded }).where('id', '=', collectionId).execute();
  await idb.insertInto('intel_cursors').values({ collection_id: collectionId, last_added: dateAdded }).execute();
  await sink.close();
  const dayRows = [...days.values()];
  const cellRows = [...cells.values()];
  for (let i = 0; i < dayRows.length; i += 1000) await idb.insertInto('intel_day_counts').values(dayRows.slice(i, i + 1000)).execute();
  for (let i = 0; i < cellRows.length; i += 1000) await idb.insertInto('intel_cell_counts').values(cellRows.slice(i, i + 1000)).execute();
  const reportDayRows = [...reportDays.values()];
  for (let i = 0; i < reportDayRows.length; i += 1000) await idb.insertInto('intel_report_day_counts').values(reportDayRows.slice(i, i + 1000)).execute();
  // The filtered and month counts (migrations 1400, 1500) by the projector's own rules, as a migration back-fills them.
  const backfilled = performance.now();
  await backfillCounts(idb, { unfiltered: false, filtered: true, months: true });
  process.stderr.write(`  filtered and month counts back-filled in ${((performance.now() - backfilled) / 1000).toFixed(1)} s\n`);
  await sql`analyze`.execute(db);
  return { loadSeconds: (performance.now() - started) / 1000, firstId };
}

type ObjectInsert = Omit<DatabaseSchema['objects'], 'seq'>;
type TermRow = IncidentIndexTables['intel_incident_terms'];
interface GeneratedReport {
  readonly key: number;
  readonly report: StixObject;
  readonly tlp: TlpLevel;
}

interface Sink {
  write(objects: ObjectInsert[], incidents: IncidentRow[], terms: TermRow[], reports: GeneratedReport[]): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL: multi-row inserts through Kysely, one transaction per batch. */
function kyselySink(db: Kysely<DatabaseSchema>, collectionId: string): Sink {
  const dialect = dialectOf(db);
  return {
    async write(objects, incidents, terms, reports) {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('objects').values(objects).execute();
        const itrx = withIncidentIndex(trx);
        await itrx.insertInto('intel_incidents').values(incidents).execute();
        for (let t = 0; t < terms.length; t += 1000) await itrx.insertInto('intel_incident_terms').values(terms.slice(t, t + 1000)).execute();
        for (const { key, report, tlp } of reports) {
          const columns = reportColumns(report);
          await itrx.insertInto('intel_reports').values({ collection_id: collectionId, date_added: key, id: report.id, latest: 1, title: columns.title, outlet: columns.outlet, published_day: columns.publishedDay, tlp }).execute();
          await indexReportText(itrx, dialect, collectionId, key, columns.text);
        }
      });
    },
    close: async () => undefined,
  };
}

/** SQLite: a second connection to the same file with prepared statements, the way SQLite loads fastest. */
function sqliteSink(file: string, collectionId: string): Sink {
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = OFF');
  // The feed, term and FTS indexes take rows in random order: without a large cache every insert reads pages from disk.
  database.pragma('cache_size = -1000000');
  const insert = (table: string, columns: readonly string[]) =>
    database.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`);
  let objectInsert: Database.Statement | undefined;
  let incidentInsert: Database.Statement | undefined;
  const termInsert = insert('intel_incident_terms', ['kind', 'value', 'collection_id', 'date_added', 'event_day', 'id']);
  const reportInsert = insert('intel_reports', ['collection_id', 'date_added', 'id', 'latest', 'title', 'outlet', 'published_day', 'tlp']);
  const ftsInsert = database.prepare('insert into intel_report_fts(rowid, text) values (?, ?)');
  const batch = database.transaction((objects: ObjectInsert[], incidents: IncidentRow[], terms: TermRow[], reports: GeneratedReport[]) => {
    for (const o of objects) (objectInsert ??= insert('objects', Object.keys(o))).run(o);
    for (const i of incidents) (incidentInsert ??= insert('intel_incidents', Object.keys(i))).run(i);
    for (const t of terms) termInsert.run(t);
    for (const { key, report, tlp } of reports) {
      const columns = reportColumns(report);
      const { lastInsertRowid } = reportInsert.run({ collection_id: collectionId, date_added: key, id: report.id, latest: 1, title: columns.title, outlet: columns.outlet, published_day: columns.publishedDay, tlp });
      ftsInsert.run(lastInsertRowid, columns.text);
    }
  });
  return {
    write: async (objects, incidents, terms, reports) => {
      batch(objects, incidents, terms, reports);
    },
    close: async () => {
      database.close();
    },
  };
}

function objectRow(collectionId: string, object: StixObject, dateAdded: number, tlp: TlpLevel, authorOrg: string, groupId: string): ObjectInsert {
  return {
    collection_id: collectionId, id: object.id, type: object.type, spec_version: '2.1', version: '2026-11-26T10:00:00.000000Z', version_raw: NOW,
    created: NOW, modified: NOW, date_added: dateAdded, json: JSON.stringify(object), author_org: authorOrg, author_user: null, partner: null,
    sharing_group: tlp === 'amber' ? groupId : null, tlp, media_type: 'application/stix+json;version=2.1', multi_version: 0,
  };
}

async function time(label: string, runs: number, action: () => Promise<unknown>): Promise<string> {
  await action();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    await action();
    walls.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  return `| ${label} | ${quantile(walls, 0.5).toFixed(1)} | ${quantile(walls, 0.9).toFixed(1)} | ${quantile(cpus, 0.5).toFixed(1)} |`;
}

async function main(): Promise<void> {
  const backend = values.backend as 'sqlite' | 'postgres';
  const file = values.file ?? join(tmpdir(), `entente-intel-bench-${process.pid}.db`);
  const schema = values.schema ?? `bench_intel_${process.pid}`;
  const opened = await openStore(backend === 'sqlite' ? file : values.postgres, backend === 'sqlite' ? {} : { schema });
  try {
    await opened.store.migrate();
    const db = opened.db;
    const author = await createOrganization(db, { name: 'Author agency' });
    const other = await createOrganization(db, { name: 'Other agency' });
    const group = await createSharingGroup(db, { name: 'Author cell', ownerOrg: author.id });
    const collection = await opened.store.createCollection({ title: 'bench' });
    process.stderr.write(`${backend}: generating ${TOTAL.toLocaleString('en-US')} incidents\n`);
    const sink = backend === 'sqlite' ? sqliteSink(file, collection.id) : kyselySink(db, collection.id);
    const { loadSeconds, firstId } = await load(db, sink, collection.id, author.id, group.id);
    const queries = new IncidentQueries(db, opened.dialect);
    const outsider: Viewer = { scope: { kind: 'viewer', userId: 'u-other', orgId: other.id, community: true }, collections: [collection.id] };
    const owner: Viewer = { scope: { kind: 'viewer', userId: 'u-author', orgId: author.id, community: true }, collections: [collection.id] };
    const middle = (await queries.feed(outsider, {}, 50))[0];
    const deep = { day: (middle?.event_day ?? 0) - 4000, id: 'incident--z', collection: collection.id };
    const feed = (viewer: Viewer, filter: IncidentFilter, after?: typeof deep) => () => queries.feed(viewer, filter, 50, after);
    const rows: string[] = [];
    for (const [who, viewer] of [['other org', outsider], ['author org', owner]] as const) {
      // An incident from the middle of the feed that this viewer may see.
      const visibleId = (await queries.feed(viewer, {}, 1, { day: (middle?.event_day ?? 0) - 2000, id: 'incident--z', collection: collection.id }))[0]?.id ?? firstId;
      rows.push(await time(`${who}: feed, first page of 50`, RUNS, feed(viewer, {})));
      rows.push(await time(`${who}: feed, page after a deep cursor`, RUNS, feed(viewer, {}, deep)));
      rows.push(await time(`${who}: feed, country=IQ`, RUNS, feed(viewer, { countries: ['IQ'] })));
      rows.push(await time(`${who}: feed, attackType=Hijacking (rare)`, RUNS, feed(viewer, { attackTypes: ['Hijacking'] })));
      rows.push(await time(`${who}: feed, group=Group 400 (rare)`, RUNS, feed(viewer, { groups: ['Group 400'] })));
      rows.push(await time(`${who}: feed, minKilled=150`, RUNS, feed(viewer, { minKilled: 150 })));
      rows.push(await time(`${who}: feed, one year`, RUNS, feed(viewer, { fromDay: 14_000, toDay: 14_365 })));
      rows.push(await time(`${who}: feed, q=embassy (common word)`, RUNS, feed(viewer, { words: ['embassy'] })));
      rows.push(await time(`${who}: feed, q=w1234 (rare word)`, RUNS, feed(viewer, { words: ['w1234'] })));
      rows.push(await time(`${who}: map, world clusters from counts (zoom 2, GET /incidents/map)`, RUNS, () => queries.countedClusters(viewer, 2, {}, 1000)));
      rows.push(await time(`${who}: map, clusters by scan, country=IQ (zoom 2)`, Math.min(RUNS, 3), () => queries.clusters(viewer, { countries: ['IQ'] }, 360 / 2 ** 5, 1000)));
      rows.push(await time(`${who}: map, points in a 2°×2° box`, RUNS, () => queries.points(viewer, { bbox: [10, 20, 12, 22] }, 2000)));
      rows.push(await time(`${who}: map, counted clusters, country=IQ (zoom 2)`, RUNS, () => queries.countedClusters(viewer, 2, { countries: ['IQ'] }, 1000)));
      rows.push(await time(`${who}: map, counted clusters, attackType=Hijacking (zoom 2)`, RUNS, () => queries.countedClusters(viewer, 2, { attackTypes: ['Hijacking'] }, 1000)));
      rows.push(await time(`${who}: map, one year (zoom 2)`, RUNS, () => queries.countedClusters(viewer, 2, { fromDay: 14_610, toDay: 14_974 }, 1000)));
      rows.push(await time(`${who}: map, country=IQ and attackType=Hijacking (zoom 2)`, RUNS, () => queries.countedClusters(viewer, 2, { countries: ['IQ'], attackTypes: ['Hijacking'] }, 1000)));
      rows.push(await time(`${who}: map, minKilled=150 (zoom 2)`, RUNS, () => queries.countedClusters(viewer, 2, { minKilled: 150 }, 1000)));
      rows.push(await time(`${who}: timeline, country=IQ, from counts`, RUNS, () => queries.countedDays(viewer, { countries: ['IQ'] })));
      rows.push(await time(`${who}: timeline, all, from counts (GET /incidents/timeline)`, RUNS, () => queries.countedDays(viewer, {})));
      rows.push(await time(`${who}: timeline, all, by scan (what a filter costs at most)`, Math.min(RUNS, 3), () => queries.incidentDays(viewer, {})));
      rows.push(await time(`${who}: timeline, country=IQ`, Math.min(RUNS, 3), () => queries.incidentDays(viewer, { countries: ['IQ'] })));
      rows.push(await time(`${who}: incident detail`, RUNS, async () => {
        const row = (await queries.byId(viewer, visibleId))[0];
        if (row === undefined) throw new Error(`${visibleId} is not visible`);
        await incidentDetail(db, opened.store, queries, viewer, row);
      }));
    }
    const counts = await withIncidentIndex(db).selectFrom('intel_incidents').select(sql<number>`count(*)`.as('n')).executeTakeFirst();
    process.stdout.write([
      '',
      `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      `${backend}: ${Number(counts?.n).toLocaleString('en-US')} incidents in the read model (${(TOTAL / INCIDENTS_PER_REPORT).toLocaleString('en-US')} reports), generated and loaded in ${loadSeconds.toFixed(0)} s.`,
      `Medians of ${RUNS} runs (3 for the full-scan aggregates) after one warm-up; CPU is this process's (for PostgreSQL the server's work is not in it).`,
      '',
      '| query | median ms | p90 ms | CPU ms (median) |',
      '|---|---:|---:|---:|',
      ...rows,
      '',
    ].join('\n'));
  } finally {
    await opened.store.close();
    if (!values.keep) {
      if (backend === 'sqlite') for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      else await dropPostgresSchema(values.postgres, schema);
    }
  }
}

await main();
