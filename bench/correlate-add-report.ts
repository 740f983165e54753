/**
 * Time to add one report to the correlator's store (issue 6): the store is
 * filled with N synthetic report incidents written in bulk straight into the
 * correlation tables (members with their features, blocking keys, canonical
 * incidents), then reports are stored and correlated one at a time, the way
 * `entente serve` does it: read the incident, its report and the report's
 * objects from the store, resolve its entities, find candidates with one
 * indexed query, decide, record the membership and write the canonical
 * incident's new version. Half the probes are new reports of a stored event
 * (a join), half of an event not held (a new canonical incident).
 *
 *   node --import tsx bench/correlate-add-report.ts --incidents 10000,1000000 [--probes 200] [--db postgres://…]
 *
 * Without --db each size gets a fresh SQLite file in a temporary folder; with
 * a postgres:// URL, a fresh schema that is dropped afterwards. Statements
 * (BEGIN and COMMIT included) are counted through Kysely's query log: each is
 * one round trip to PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import { indexKeys } from '../src/correlate/blocking.js';
import { canonicalIncidentId } from '../src/correlate/canonical-incident.js';
import { withCorrelation } from '../src/correlate/correlation-schema.js';
import { Correlator } from '../src/correlate/correlator.js';
import { eventDate, type IncidentFeatures, type Place } from '../src/correlate/incident-features.js';
import { buildReport, storeReport } from '../src/correlate/test-reports.js';
import { KyselyObjectStore } from '../src/store/kysely-object-store.js';
import { isPostgresUrl, type OpenedStore } from '../src/store/open-store.js';
import { createPostgres, dropPostgresSchema } from '../src/store/postgres-dialect.js';
import type { DatabaseSchema } from '../src/store/schema.js';
import { createSqlite } from '../src/store/sqlite-dialect.js';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const SIZES = option('--incidents', '10000,1000000').split(',').map(Number);
const PROBES = Number(option('--probes', '200'));
const DB_URL = option('--db', '');
const BATCH = 2000;
const DAYS = 20 * 365;
const FIRST_DAY = Math.floor(Date.UTC(2005, 0, 1) / 86_400_000);
const COUNTRIES = ['AF', 'DZ', 'BE', 'BF', 'CM', 'CF', 'TD', 'CO', 'EG', 'FR', 'DE', 'IN', 'ID', 'IQ', 'IL', 'KE', 'LB', 'LY', 'ML', 'MZ',
  'NE', 'NG', 'PK', 'PH', 'RU', 'SO', 'SS', 'SD', 'SY', 'TH', 'TN', 'TR', 'UA', 'GB', 'US', 'YE', 'CD', 'ET', 'BD', 'MM'];
const ATTACKS = ['Bombing/Explosion', 'Armed Assault', 'Assassination', 'Hostage Taking (Kidnapping)', 'Facility/Infrastructure Attack'];
const TARGETS = ['Military', 'Police', 'Private Citizens & Property', 'Government (General)', 'Business', 'Religious Figures/Institutions'];

/** A deterministic pseudo-random stream, so that every run builds the same store. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 0x1_0000_0000;
  };
}

function cityOf(country: string, n: number): Place {
  const base = COUNTRIES.indexOf(country);
  return {
    locationId: `location--00000000-0000-4000-8000-${String(base * 100 + n).padStart(12, '0')}`,
    country, region: undefined, city: `${country} city ${n}`,
    latitude: -40 + (base % 10) * 8 + n * 0.9, longitude: -100 + Math.floor(base / 10) * 50 + n * 0.9,
  };
}

function syntheticIncident(i: number, random: () => number): IncidentFeatures {
  const country = COUNTRIES[Math.floor(random() * COUNTRIES.length)] as string;
  const day = new Date((FIRST_DAY + Math.floor(random() * DAYS)) * 86_400_000).toISOString().slice(0, 10);
  const hex = i.toString(16).padStart(12, '0');
  return {
    incidentId: `incident--aaaaaaaa-0000-4000-8000-${hex}`,
    reportId: `report--bbbbbbbb-0000-4000-8000-${hex}`,
    outlet: `Outlet ${i % 500}`,
    published: `${day}T12:00:00.000Z`,
    date: eventDate({ event_date: day, date_precision: 'day' }),
    place: cityOf(country, Math.floor(random() * 8)),
    attackTypes: [ATTACKS[Math.floor(random() * ATTACKS.length)] as string],
    targetTypes: [TARGETS[Math.floor(random() * TARGETS.length)] as string],
    weaponTypes: [],
    victimsKilled: { low: Math.floor(random() * 20), high: null, qualifier: 'exact', text: '' },
    perpetratorsKilled: undefined,
    wounded: undefined,
    claimed: undefined,
    perpetrators: [],
    newsStatus: 'news',
    sourceNames: [],
    evidenceText: `synthetic incident ${i} text with a few words`,
    markingRefs: [],
  };
}

async function fill(opened: OpenedStore, count: number, collectionId: string): Promise<{ seconds: number; sample: IncidentFeatures[] }> {
  const db = withCorrelation(opened.db);
  const random = rng(42);
  const sample: IncidentFeatures[] = [];
  const started = performance.now();
  let added = 0;
  for (let start = 0; start < count; start += BATCH) {
    const features = Array.from({ length: Math.min(BATCH, count - start) }, (_, k) => syntheticIncident(start + k, random));
    if (start === 0 || random() < 0.05) sample.push(...features.slice(0, 5));
    const members = features.map((f) => {
      const canonical = canonicalIncidentId(`cluster:${f.incidentId}`);
      return {
        incident_id: f.incidentId, canonical_id: canonical, report_id: f.reportId, collection_id: collectionId, added_at: start,
        features: JSON.stringify({ features: f, access: { collectionId, tlp: 'green', authorOrg: null, sharingGroup: null, partner: null } }),
      };
    });
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('correlation_members').values(members).execute();
      await trx.insertInto('correlation_canonicals').values(members.map((m) => ({
        canonical_id: m.canonical_id, cluster_key: `cluster:${m.incident_id}`, modified: '2026-01-01T00:00:00.000Z', updated_at: 0,
      }))).execute();
      const keys = features.flatMap((f) => [...new Set(indexKeys(f))].map((key) => ({ key, incident_id: f.incidentId, added: added++ })));
      for (let k = 0; k < keys.length; k += BATCH) await trx.insertInto('correlation_block_keys').values(keys.slice(k, k + BATCH)).execute();
    });
    if (start % 100_000 === 0 && start > 0) process.stderr.write(`  ${start.toLocaleString('en-US')} incidents\n`);
  }
  // The planner needs statistics of the freshly filled tables to walk the key index.
  await sql`analyze`.execute(opened.db);
  return { seconds: (performance.now() - started) / 1000, sample };
}

interface Result {
  readonly backend: string;
  readonly incidents: number;
  readonly fillSeconds: number;
  readonly median: number;
  readonly p95: number;
  readonly max: number;
  readonly cpuMsPerReport: number;
  readonly joined: number;
  readonly statementsPerReport: number;
}

/** Opens the store as open-store.ts does, with a query log that counts every statement sent. */
async function openCounted(url: string, schema: string): Promise<{ opened: OpenedStore; statements: () => number }> {
  const { dialect, sql: dialectSql } = isPostgresUrl(url) ? await createPostgres(url, schema) : createSqlite(url);
  let statements = 0;
  const db = new Kysely<DatabaseSchema>({ dialect, log: () => { statements++; } });
  return { opened: { store: new KyselyObjectStore(db, dialectSql), db, dialect: dialectSql.name }, statements: () => statements };
}

async function measure(size: number): Promise<Result> {
  const folder = DB_URL === '' ? mkdtempSync(join(tmpdir(), 'entente-correlate-bench-')) : undefined;
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const url = folder !== undefined ? join(folder, 'bench.db') : DB_URL;
  const { opened, statements } = await openCounted(url, schema);
  try {
    await opened.store.migrate();
    const collection = (await opened.store.createCollection({ title: 'reports' })).id;
    process.stderr.write(`${opened.dialect}: filling ${size.toLocaleString('en-US')} incidents\n`);
    const { seconds, sample } = await fill(opened, size, collection);
    const correlator = new Correlator(opened.db, opened.store);
    await correlator.canonicalCollection();
    const random = rng(7);
    const times: number[] = [];
    let cpu = 0;
    let joined = 0;
    let sent = 0;
    for (let p = 0; p < PROBES; p++) {
      const template = sample[Math.floor(random() * sample.length)] as IncidentFeatures;
      const matching = p % 2 === 0;
      const place = matching ? (template.place as Place) : cityOf('BE', 9);
      const day = matching ? (template.date?.value ?? '2010-01-01') : new Date((FIRST_DAY - 1 - p) * 86_400_000).toISOString().slice(0, 10);
      const built = buildReport({ outlet: `Probe outlet ${p}`, published: day, date: day, place, attack: template.attackTypes, target: template.targetTypes, killed: 3 });
      await storeReport(opened.store, collection, built, { authorOrg: null, authorUser: null });
      const cpuBefore = process.cpuUsage();
      const statementsBefore = statements();
      const before = performance.now();
      const [outcome] = await correlator.correlateIncidents([built.incidentId]);
      times.push(performance.now() - before);
      sent += statements() - statementsBefore;
      const used = process.cpuUsage(cpuBefore);
      cpu += (used.user + used.system) / 1000;
      if (outcome?.action === 'joined') joined++;
    }
    const sorted = [...times].sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
    return { backend: opened.dialect, incidents: size, fillSeconds: seconds, median: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0, cpuMsPerReport: cpu / PROBES, joined, statementsPerReport: sent / PROBES };
  } finally {
    await opened.store.close();
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    else await dropPostgresSchema(DB_URL, schema);
  }
}

async function main(): Promise<void> {
  const load = loadavg().map((l) => l.toFixed(1)).join(', ');
  const results: Result[] = [];
  for (const size of SIZES) results.push(await measure(size));
  console.log(`\nMachine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}; load average at start ${load}, at end ${loadavg().map((l) => l.toFixed(1)).join(', ')}.`);
  console.log(`${PROBES} reports added one at a time to each store (half join a stored event); times per report.\n`);
  console.log('| backend | incidents in store | bulk fill (s) | median (ms) | p95 (ms) | max (ms) | CPU ms per report (this process) | statements per report | joined | target |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.backend} | ${r.incidents.toLocaleString('en-US')} | ${r.fillSeconds.toFixed(0)} | ${r.median.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} | ${r.cpuMsPerReport.toFixed(1)} | ${r.statementsPerReport.toFixed(1)} | ${r.joined} / ${PROBES} | < 50 ms, flat |`);
  }
}

await main();
