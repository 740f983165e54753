/**
 * Shows the plans of the TAXII page queries (SQLite EXPLAIN QUERY PLAN,
 * PostgreSQL EXPLAIN) on a collection of --objects rows, so one can check
 * that each page walks an index and probes versions per row.
 *
 *   npx tsx bench/store-explain.ts --objects 200000 --backend both
 *
 * With `--intel FILE` it shows instead the plans of the console's queries
 * (feed, feed by terms, map clusters and points, timeline, incident) on a
 * SQLite store filled by bench/web-console.ts (`--db FILE`), each query as
 * `IncidentQueries` sends it, for a viewer of another organisation, with the
 * time of its first run and the best of three (and its CPU time). `--migrate` first brings the
 * store's schema up to date (timed: the back-fill of new count tables).
 * EXPLAIN_ONLY=text runs only the cases whose label holds that text.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { CompiledQuery } from 'kysely';
import { dropPostgresSchema } from '../src/store/postgres-dialect.js';
import { benchObject, stixId } from './lib/generate-objects.js';
import { openStore } from '../src/store/open-store.js';
import type { IncomingObject, ObjectQuery } from '../src/store/object-store.js';
import { mergedTypeWalks, pageQuery, resolveFilter } from '../src/store/read-pages.js';
import { encodeCursor } from '../src/store/cursor.js';
import { Kysely, Migrator } from 'kysely';
import { storeMigrations } from '../src/store/migrations/index.js';
import { CELL_DEGREES } from '../src/store/incident-index-aggregates.js';
import { IncidentQueries, type Viewer } from '../src/store/incident-index-queries.js';
import type { DatabaseSchema } from '../src/store/schema.js';
import { createSqlite } from '../src/store/sqlite-dialect.js';

/** Every statement the console's reads send, with its plan and how long it took. */
async function explainIntel(file: string, migrate: boolean): Promise<void> {
  if (migrate) {
    // One migration at a time, each timed: what an upgrade of this store costs, back-fills included.
    const { dialect, sql: dialectSql } = createSqlite(file);
    const db = new Kysely<DatabaseSchema>({ dialect });
    const migrator = new Migrator({ db, provider: storeMigrations(dialectSql), allowUnorderedMigrations: true });
    for (;;) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const { error, results } = await migrator.migrateUp();
      if (error !== undefined) throw error;
      const ran = results?.[0];
      if (ran === undefined) break;
      const used = process.cpuUsage(cpu);
      console.log(`migration ${ran.migrationName}: ${((performance.now() - started) / 1000).toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} CPU-s`);
    }
    await db.destroy();
  }
  const sent: CompiledQuery[] = [];
  const { dialect } = createSqlite(file);
  const db = new Kysely<DatabaseSchema>({ dialect, log: (event) => { if (event.level === 'query') sent.push(event.query); } });
  const collections = (await db.selectFrom('collections').select('id').execute()).map((c) => c.id);
  const viewer: Viewer = { scope: { kind: 'viewer', userId: 'explain', orgId: 'another-organisation', community: true }, collections };
  const queries = new IncidentQueries(db, 'sqlite');
  const first = await queries.feed(viewer, {}, 50);
  const last = first[first.length - 1];
  const world: [number, number, number, number] = [-180, -90, 180, 90];
  const manyAttacks = ['Assassination', 'Armed Assault', 'Bombing/Explosion', 'Hijacking', 'Hostage Taking (Barricade Incident)', 'Unarmed Assault', 'Unknown', 'Sabotage', 'Arson', 'Raid', 'Ambush', 'Siege'];
  const cases: [string, () => Promise<unknown>][] = [
    ['feed, first page', () => queries.feed(viewer, {}, 50)],
    ['feed, next page', () => queries.feed(viewer, {}, 50, last === undefined ? undefined : { day: last.event_day, id: last.id, collection: last.collection_id })],
    ['feed, attackType=Assassination (one term: a fifth of the store)', () => queries.feed(viewer, { attackTypes: ['Assassination'] }, 50)],
    ['feed, two attack types', () => queries.feed(viewer, { attackTypes: ['Assassination', 'Armed Assault'] }, 50)],
    ['feed, twelve attack types (five held)', () => queries.feed(viewer, { attackTypes: manyAttacks }, 50)],
    ['feed, twelve attack types and country=IQ', () => queries.feed(viewer, { attackTypes: manyAttacks, countries: ['IQ'] }, 50)],
    ['feed, country=IQ', () => queries.feed(viewer, { countries: ['IQ'] }, 50)],
    ['feed, q=bulletin (a word of every report)', () => queries.feed(viewer, { words: ['bulletin'] }, 50)],
    ['feed, q=1230 (a word of one report)', () => queries.feed(viewer, { words: ['1230'] }, 50)],
    ['reports, q=bulletin', () => queries.searchReports(viewer, ['bulletin'], 20)],
    ['map, world (counted clusters, zoom 2)', () => queries.countedClusters(viewer, 2, {}, 1000)],
    ['map, world box as the console sends it (counted clusters, zoom 2)', () => queries.countedClusters(viewer, 2, { bbox: world }, 1000)],
    ['map, points in a 2x2 degree box', () => queries.points(viewer, { bbox: [10, 20, 12, 22] }, 2000)],
    ['map, clusters by scan, country=IQ', () => queries.clusters(viewer, { countries: ['IQ'] }, CELL_DEGREES * 8, 1000)],
    ['map, counted clusters, country=IQ, world box (zoom 2)', () => queries.countedClusters(viewer, 2, { countries: ['IQ'], bbox: world }, 1000)],
    ['map, counted clusters, attackType=Assassination (zoom 2)', () => queries.countedClusters(viewer, 2, { attackTypes: ['Assassination'] }, 1000)],
    ['map, counted clusters, three countries (zoom 5)', () => queries.countedClusters(viewer, 5, { countries: ['IQ', 'SY', 'AF'] }, 1000)],
    ['timeline, incidents (counted)', () => queries.countedDays(viewer, {})],
    ['timeline, incidents by scan, country=IQ', () => queries.incidentDays(viewer, { countries: ['IQ'] })],
    ['timeline, incidents (counted), country=IQ', () => queries.countedDays(viewer, { countries: ['IQ'] })],
    ['timeline, incidents by scan, attackType=Assassination, one year', () => queries.incidentDays(viewer, { attackTypes: ['Assassination'], fromDay: 14_000, toDay: 14_365 })],
    ['map, clusters by scan, attackType=Assassination', () => queries.clusters(viewer, { attackTypes: ['Assassination'] }, CELL_DEGREES * 8, 1000)],
    ['timeline, incidents (counted), attackType=Assassination, one year', () => queries.countedDays(viewer, { attackTypes: ['Assassination'], fromDay: 14_000, toDay: 14_365 })],
    ['timeline, reports (counted)', () => queries.reportDays(viewer, {})],
    ['incident by id', () => queries.byId(viewer, first[0]?.id ?? 'incident--none')],
    // What the REST map (zoom 2) and timeline send for filters the counts of 0601/1400 do not hold (issue 7, migration 1500).
    ['map, day range of one year (2010)', () => queries.countedClusters(viewer, 2, { fromDay: 14_610, toDay: 14_974 }, 1000)],
    ['map, day range of ten years (2000-2009)', () => queries.countedClusters(viewer, 2, { fromDay: 10_957, toDay: 14_609 }, 1000)],
    ['map, day range of 40 days inside two months (2010-03-10..04-18)', () => queries.countedClusters(viewer, 2, { fromDay: 14_678, toDay: 14_717 }, 1000)],
    ['map, country=IQ, one year (2010)', () => queries.countedClusters(viewer, 2, { countries: ['IQ'], fromDay: 14_610, toDay: 14_974 }, 1000)],
    ['map, country=IQ and attackType=Assassination', () => queries.countedClusters(viewer, 2, { countries: ['IQ'], attackTypes: ['Assassination'] }, 1000)],
    ['timeline, country=IQ and attackType=Assassination', () => queries.countedDays(viewer, { countries: ['IQ'], attackTypes: ['Assassination'] })],
    ['map, two attack types', () => queries.countedClusters(viewer, 2, { attackTypes: ['Assassination', 'Armed Assault'] }, 1000)],
    ['timeline, two attack types', () => queries.countedDays(viewer, { attackTypes: ['Assassination', 'Armed Assault'] })],
    ['map, minKilled=150', () => queries.countedClusters(viewer, 2, { minKilled: 150 }, 1000)],
    ['timeline, minKilled=150', () => queries.countedDays(viewer, { minKilled: 150 })],
    ['map, minCasualties=195 and country=IQ', () => queries.countedClusters(viewer, 2, { minCasualties: 195, countries: ['IQ'] }, 1000)],
    ['timeline, country=IQ and minKilled=0 (every IQ incident)', () => queries.countedDays(viewer, { countries: ['IQ'], minKilled: 0 })],
    ['map, q=1230 (a word of one report)', () => queries.countedClusters(viewer, 2, { words: ['1230'] }, 1000)],
    ['map, q=bulletin and country=IQ (a word of every report)', () => queries.countedClusters(viewer, 2, { words: ['bulletin'], countries: ['IQ'] }, 1000)],
  ];
  const only = process.env.EXPLAIN_ONLY;
  const chosen = only === undefined ? cases : cases.filter(([label]) => label.includes(only));
  console.log(`${file}: ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const [label, run] of chosen) {
    sent.length = 0;
    const times: number[] = [];
    const cpus: number[] = [];
    let rows: unknown;
    for (let round = 0; round < 3; round += 1) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      rows = await run();
      times.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      cpus.push((used.user + used.system) / 1000);
    }
    const statements = sent.slice(0, sent.length / 3);
    const answer = Array.isArray(rows) ? (rows as { count?: number; incidents?: number }[]) : [];
    const total = answer.reduce((n, r) => n + (r.count ?? r.incidents ?? 0), 0);
    console.log(`\n--- ${label}: first ${times[0]?.toFixed(1)} ms, best of 3 ${Math.min(...times).toFixed(1)} ms (CPU ${Math.min(...cpus).toFixed(1)} ms), ${answer.length} rows, ${total} incidents, ${statements.length} statements`);
    for (const query of statements.slice(0, 6)) {
      const plan = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]));
      console.log(`  ${query.sql.replace(/\s+/gu, ' ').slice(0, 200)}`);
      for (const row of plan.rows) console.log(`    ${row.detail}`);
    }
  }
  console.log(`\nload average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await db.destroy();
}

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '200000' },
    backend: { type: 'string', default: 'both' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    analyze: { type: 'boolean', default: false },
    intel: { type: 'string' },
    migrate: { type: 'boolean', default: false },
  },
});
if (values.intel !== undefined) {
  await explainIntel(values.intel, values.migrate);
  process.exit(0);
}
const total = Number(values.objects);
const backends = values.backend === 'both' ? ['sqlite', 'postgres'] : [values.backend as string];

for (const backend of backends) {
  const schema = `bench_explain_${process.pid}`;
  const file = join(tmpdir(), `entente-explain-${process.pid}.db`);
  const opened = await openStore(backend === 'sqlite' ? file : values.postgres, backend === 'sqlite' ? {} : { schema });
  try {
    await opened.store.migrate();
    const { id: collectionId } = await opened.store.createCollection({ title: 'explain' });
    for (let start = 0; start < total; start += 5000) {
      const batch: IncomingObject[] = [];
      for (let i = start; i < Math.min(total, start + 5000); i++) {
        const object = benchObject(i);
        batch.push({ object: object as unknown as IncomingObject['object'], json: JSON.stringify(object) });
      }
      await opened.store.addObjects(collectionId, batch, { authorOrg: null, authorUser: null });
    }
    if (backend === 'postgres' && values.analyze) await opened.db.executeQuery(CompiledQuery.raw('analyze objects'));
    const middle = (await opened.store.queryManifest(collectionId, { limit: Math.floor(total / 2) }, { kind: 'all' })).lastAdded ?? 0;
    const cases: [string, Omit<ObjectQuery, 'limit'>][] = [
      ['first page (match[version]=last default)', {}],
      ['page after a cursor', { next: encodeCursor(middle) }],
      ['added_after', { addedAfter: middle }],
      ['match[type]=indicator', { types: ['indicator'] }],
      ['match[type]=indicator,malware,tool (tool is absent)', { types: ['indicator', 'malware', 'tool'] }],
      ['match[id]=two ids', { ids: [stixId('indicator', 0), stixId('malware', 9)] }],
      ['match[version]=first,last', { versions: [{ kind: 'first' }, { kind: 'last' }] }],
      ['match[version]=all, match[spec_version]=2.1', { versions: [{ kind: 'all' }], specVersions: ['2.1'] }],
    ];
    console.log(`\n===== ${backend}: ${total.toLocaleString('en-US')} objects =====`);
    for (const [label, query] of cases) {
      const filter = resolveFilter(collectionId, query, { kind: 'all' });
      const build = (f: typeof filter) => pageQuery(opened.db, f, 1000).select('o.json as json');
      const compiled = mergedTypeWalks(filter, 1000, build)?.compile(opened.db) ?? build(filter).compile();
      const prefix = backend === 'sqlite' ? 'explain query plan ' : 'explain (analyze, costs off, timing off) ';
      const plan = await opened.db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(prefix + compiled.sql, [...compiled.parameters]));
      console.log(`\n--- ${label}`);
      for (const row of plan.rows) console.log(backend === 'sqlite' ? `${row.detail}` : `${row['QUERY PLAN']}`);
    }
  } finally {
    await opened.store.close();
    if (backend === 'sqlite') for (const s of ['', '-wal', '-shm']) rmSync(`${file}${s}`, { force: true });
    else await dropPostgresSchema(values.postgres, schema);
  }
}
