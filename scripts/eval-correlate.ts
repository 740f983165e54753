/**
 * `npm run eval:correlate [-- --set DIR] [--details] [--store]`
 *
 * Ingests every English article of the dev set (src/ingest `ingestText`),
 * clusters the reports' incidents (src/correlate), and prints as Markdown for
 * BENCHMARKS.md the B-cubed precision, recall and F1 of reports into incidents
 * against labels.json (distractors are gold singletons), and the accuracy of
 * each field of the canonical incidents against the incidents' reference
 * values (the labels' final figures), beside how often that value was among
 * the values the clustered reports gave at all: the ceiling for choosing. Defaults to ../shared/data/dev-articles beside the repository.
 * With `--store`, the reports go through the store-backed correlator (SQL
 * candidate index, membership tables) instead of the in-memory clusterer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { buildCanonicalIncident } from '../src/correlate/canonical-incident.js';
import { MapReliabilityRegistry } from '../src/correlate/grading.js';
import { withCorrelation } from '../src/correlate/correlation-schema.js';
import { Correlator } from '../src/correlate/correlator.js';
import { IncidentClusterer, type Cluster } from '../src/correlate/incident-clusterer.js';
import { extractIncidentFeatures, type IncidentFeatures } from '../src/correlate/incident-features.js';
import { reportPlacement } from '../src/correlate/report-placement.js';
import { ingestText } from '../src/ingest/index.js';
import type { StixObject } from '../src/stix/stix-object.js';
import { openStore } from '../src/store/open-store.js';
import { parseArticle, type IncidentLabel, type LabelFile } from './eval-ingest/labels.js';
import { sharedFolder } from '../src/shared-folder.js';


function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

interface Scores { precision: number; recall: number; f1: number }

/** B-cubed (Bagga & Baldwin 1998): per item, the overlap of its predicted and gold clusters. */
function bCubed(predicted: ReadonlyMap<string, string>, gold: ReadonlyMap<string, string>): Scores {
  const items = [...gold.keys()];
  let precision = 0;
  let recall = 0;
  for (const item of items) {
    const p = items.filter((o) => predicted.get(o) === predicted.get(item));
    const g = items.filter((o) => gold.get(o) === gold.get(item));
    const both = p.filter((o) => gold.get(o) === gold.get(item)).length;
    precision += both / p.length;
    recall += both / g.length;
  }
  precision /= items.length;
  recall /= items.length;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

const STOP = new Set(['a', 'an', 'the', 'by', 'of', 'on', 'in', 'to', 'and', 'posted', 'statement', 'online', 'group', 'its', 'via']);
function contentWords(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.has(w)));
}

/** Whether the field is right, and whether the right value was among those the clustered reports gave (the ceiling for choosing). */
type FieldCheck = [field: string, correct: boolean, expected: string, found: string, reported: boolean];

function checkFields(label: IncidentLabel, cluster: Cluster | undefined): FieldCheck[] {
  if (cluster === undefined) return FIELDS.map((f) => [f, false, 'an incident', 'no cluster', false]);
  const { reconciliation: r } = buildCanonicalIncident(cluster, { registry: new MapReliabilityRegistry(), now: '2026-01-01T00:00:00.000Z' });
  const perpetratorNames = [label.perpetrator.name, ...label.perpetrator.aliases_in_text].map((n) => n.toLowerCase());
  const channel = r.claimChannel.chosen;
  const channelOk = label.claim_channel === null
    ? channel === undefined
    : channel !== undefined && [...contentWords(channel)].some((w) => contentWords(label.claim_channel as string).has(w));
  const count = (n: number | null | undefined): string => (n === null || n === undefined ? 'none' : String(n));
  const among = <T>(values: readonly { value: T }[], ok: (v: T) => boolean, noneOk: boolean): boolean =>
    values.some((v) => ok(v.value)) || (noneOk && values.length === 0);
  const channelMatches = (c: string): boolean => [...contentWords(c)].some((w) => contentWords(label.claim_channel ?? '').has(w));
  return [
    ['date', r.date.chosen?.value.slice(0, 10) === label.date, label.date, r.date.chosen?.value ?? 'none',
      among(r.date.values, (d) => d.value.slice(0, 10) === label.date, false)],
    ['country', r.place.chosen?.country === label.country, label.country, r.place.chosen?.country ?? 'none',
      among(r.place.values, (p) => p.country === label.country, false)],
    ['city', r.place.chosen?.city?.toLowerCase() === label.city.toLowerCase(), label.city, r.place.chosen?.city ?? 'none',
      among(r.place.values, (p) => p.city?.toLowerCase() === label.city.toLowerCase(), false)],
    ['killed', count(r.killed.chosen?.low) === count(label.killed_victims), count(label.killed_victims), count(r.killed.chosen?.low),
      among(r.killed.values, (c) => count(c.low) === count(label.killed_victims), label.killed_victims === null)],
    ['wounded', count(r.wounded.chosen?.low) === count(label.wounded), count(label.wounded), count(r.wounded.chosen?.low),
      among(r.wounded.values, (c) => count(c.low) === count(label.wounded), label.wounded === null)],
    ['perpetrator', perpetratorNames.includes(r.perpetrator.chosen?.name.toLowerCase() ?? ''), label.perpetrator.name, r.perpetrator.chosen?.name ?? 'none',
      among(r.perpetrator.values, (p) => perpetratorNames.includes(p.name.toLowerCase()), false)],
    ['claimed', r.claimed.chosen === label.claimed, String(label.claimed), String(r.claimed.chosen ?? 'none'),
      among(r.claimed.values, (c) => c === label.claimed, false)],
    ['claim channel', channelOk, label.claim_channel ?? 'none', channel ?? 'none',
      among(r.claimChannel.values, channelMatches, label.claim_channel === null)],
  ];
}
const FIELDS = ['date', 'country', 'city', 'killed', 'wounded', 'perpetrator', 'claimed', 'claim channel'];

/** How reports were grouped: each incident's cluster, and the clusters. */
interface Grouping {
  clusterOf(incidentId: string): string | undefined;
  clusters(): Cluster[];
}

/** The in-memory clusterer (src/correlate/incident-clusterer.ts). */
function clusterInMemory(reports: readonly ReportBundle[]): Grouping {
  const clusterer = new IncidentClusterer();
  for (const report of reports) clusterer.addReport(report.features);
  return clusterer;
}

/**
 * `--store`: the store-backed correlator (src/correlate/correlator.ts) on an
 * in-memory SQLite, each report stored and then correlated as `entente serve` does.
 */
async function clusterThroughStore(reports: readonly ReportBundle[]): Promise<Grouping> {
  const { store, db } = await openStore(':memory:');
  await store.migrate();
  const collection = (await store.createCollection({ title: 'dev articles' })).id;
  const correlator = new Correlator(db, store);
  for (const report of reports) {
    await store.addObjects(collection, report.objects.map((object) => ({ object, json: JSON.stringify(object), tlp: 'green' })), { authorOrg: null, authorUser: null });
    await correlator.correlateIncidents(report.features.map((f) => f.incidentId));
  }
  const rows = await withCorrelation(db).selectFrom('correlation_members').select(['incident_id', 'canonical_id', 'features']).execute();
  await store.close();
  const byCanonical = new Map<string, IncidentFeatures[]>();
  for (const row of rows) byCanonical.set(row.canonical_id, [...(byCanonical.get(row.canonical_id) ?? []), (JSON.parse(row.features) as { features: IncidentFeatures }).features]);
  const clusterOf = new Map(rows.map((r) => [r.incident_id, r.canonical_id]));
  const clusters = [...byCanonical].map(([id, members]) => ({ id, members, news: members.some((m) => m.newsStatus === 'news') }));
  return { clusterOf: (id) => clusterOf.get(id), clusters: () => clusters };
}

interface ReportBundle {
  readonly articleId: string;
  readonly objects: readonly StixObject[];
  readonly features: IncidentFeatures[];
}

async function main(): Promise<void> {
  const setDir = option('--set') ?? resolve(sharedFolder(), 'data/dev-articles');
  const labels = JSON.parse(readFileSync(join(setDir, 'labels.json'), 'utf8')) as LabelFile;
  const reports: ReportBundle[] = [];
  const files = readdirSync(join(setDir, 'articles')).filter((f) => f.endsWith('.txt')).sort();
  for (const file of files) {
    const article = parseArticle(basename(file, '.txt'), readFileSync(join(setDir, 'articles', file), 'utf8'));
    if ((article.header.language ?? 'en') !== 'en') continue;
    const { bundle } = ingestText(article.body, { ...article.header });
    reports.push({ articleId: article.id, objects: bundle.objects, features: extractIncidentFeatures(bundle.objects) });
  }
  const throughStore = process.argv.includes('--store');
  const grouping = throughStore ? await clusterThroughStore(reports) : clusterInMemory(reports);
  const predicted = new Map<string, string>();
  const gold = new Map<string, string>();
  for (const { articleId, features } of reports) {
    predicted.set(articleId, reportPlacement(features, (id) => grouping.clusterOf(id), grouping.clusters()) ?? `alone:${articleId}`);
    gold.set(articleId, labels.incidents.find((i) => i.reports.includes(articleId))?.id ?? `alone:${articleId}`);
  }
  const scores = bCubed(predicted, gold);
  const clusters = new Map(grouping.clusters().map((c) => [c.id, c]));
  const checks = labels.incidents.map((label) => {
    const votes = new Map<string, number>();
    for (const report of label.reports) {
      const placed = predicted.get(report);
      if (placed !== undefined && clusters.has(placed)) votes.set(placed, (votes.get(placed) ?? 0) + 1);
    }
    const best = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    return { id: label.id, checks: checkFields(label, best === undefined ? undefined : clusters.get(best)) };
  });
  const pct = (x: number): string => `${(100 * x).toFixed(1)}`;
  console.log(`Reports (English): ${gold.size}; gold incidents: ${labels.incidents.length}; predicted groups: ${new Set(predicted.values()).size}; correlator: ${throughStore ? 'store-backed (SQLite)' : 'in memory'}\n`);
  console.log('| clustering of reports into incidents | precision | recall | F1 |\n|---|---|---|---|');
  console.log(`| B-cubed | ${pct(scores.precision)} | ${pct(scores.recall)} | ${pct(scores.f1)} |\n`);
  console.log('| canonical field | correct / incidents | accuracy | reference value among the reported values |\n|---|---|---|---|');
  for (const field of FIELDS) {
    const results = checks.map((c) => c.checks.find((x) => x[0] === field) as FieldCheck);
    const correct = results.filter((x) => x[1]).length;
    const reported = results.filter((x) => x[4]).length;
    console.log(`| ${field} | ${correct} / ${results.length} | ${pct(correct / results.length)}% | ${reported} / ${results.length} |`);
  }
  if (process.argv.includes('--details')) {
    console.log('\n| report | predicted | gold |\n|---|---|---|');
    for (const [id, p] of predicted) console.log(`| ${id} | ${p.slice(0, 60)} | ${gold.get(id) ?? ''} |`);
    console.log('\n| incident | field | expected | found |\n|---|---|---|---|');
    for (const c of checks) for (const [field, ok, expected, found] of c.checks) if (!ok) console.log(`| ${c.id} | ${field} | ${expected} | ${found} |`);
  }
}

await main();
