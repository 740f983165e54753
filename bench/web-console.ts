/**
 * The console's benchmark (issue 7): JavaScript shipped for the first page
 * (bytes on the wire, gzipped by the server) and, with a large store, the time
 * from navigation to first contentful paint and to the data on screen for the
 * feed, the map and an incident, in Debian's Chromium against `entente serve`.
 *
 *   npm run build && node --import tsx bench/web-console.ts --incidents 100000 --runs 5
 *
 * The store holds the seed article ingested, plus `--incidents` synthetic
 * incidents (GREEN, each with a location), imported with `entente import`; the
 * server's incident projector indexes them before anything is measured.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ingestText } from '../src/ingest/index.js';
import { INCIDENT_EXTENSION_ID, type IncidentExtension } from '../src/stix/extensions.js';
import type { StixObject } from '../src/stix/stix-object.js';
import { TLP2_MARKING_IDS } from '../src/stix/tlp.js';
import { spawn } from 'node:child_process';
import { BENCH_PASSWORD, REPO, cpuSeconds, requireBuild, runEntente, startEntente, stopChild, waitForHttp, type RunningServer } from './lib/entente-process.js';
import { quantile } from './lib/stats.js';

const SHARED = process.env.ENTENTE_SHARED_DIR ?? fileURLToPath(new URL('../../shared', import.meta.url));
const SEED = join(SHARED, 'seed', 'chechnya-attack-le-pen-moscow.txt');
const CHROMIUM = process.env.ENTENTE_CHROMIUM ?? '/usr/bin/chromium';
const ATTACK_TYPES = ['Armed Assault', 'Bombing/Explosion', 'Assassination', 'Hostage Taking (Kidnapping)', 'Facility/Infrastructure Attack'];
const COUNTRIES = ['RU', 'FR', 'IQ', 'SY', 'AF', 'NG', 'PK', 'IN', 'GB', 'US', 'ML', 'SO', 'PH', 'BD', 'EG'];

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} takes a whole number`);
  return value;
}

/** The seed article's objects plus `count` synthetic incidents, as NDJSON, all GREEN. */
async function writeStore(file: string, count: number): Promise<{ incidentId: string }> {
  const seed = ingestText(readFileSync(SEED, 'utf8'), { outlet: 'RT', published: '2017-03-24' }).bundle.objects as StixObject[];
  const green = TLP2_MARKING_IDS.green;
  const marked = (object: StixObject): StixObject =>
    object.type === 'marking-definition' || object.type === 'extension-definition' ? object : { ...object, object_marking_refs: [green] };
  const template = seed.find((object) => object.type === 'incident' && (object.extensions as Record<string, IncidentExtension>)[INCIDENT_EXTENSION_ID]?.news_status === 'news');
  if (!template) throw new Error('the seed article gave no news incident');
  const out = createWriteStream(file);
  const write = (object: StixObject) => (out.write(`${JSON.stringify(object)}\n`) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve())));
  for (const object of seed) await write(marked(object));
  const ext = (template.extensions as Record<string, IncidentExtension>)[INCIDENT_EXTENSION_ID] as IncidentExtension;
  const now = new Date().toISOString();
  for (let index = 0; index < count; index += 1) {
    const id = `incident--${randomUUID()}`;
    const location = `location--${randomUUID()}`;
    const day = new Date(Date.UTC(1990, 0, 1) + Math.floor(Math.random() * 35 * 365) * 86_400_000).toISOString().slice(0, 10);
    const killed = Math.floor(Math.random() ** 3 * 200);
    const attack = ATTACK_TYPES[index % ATTACK_TYPES.length] as string;
    await write(
      marked({
        ...template,
        id,
        created: now,
        modified: now,
        name: `Synthetic ${attack.toLowerCase()} ${index}`,
        extensions: {
          ...(template.extensions as Record<string, unknown>),
          [INCIDENT_EXTENSION_ID]: { ...ext, event_date: day, attack_types: [attack], victims_killed: { low: killed, high: killed, qualifier: 'exact', text: String(killed) } },
        },
      }),
    );
    await write(
      marked({
        type: 'location',
        spec_version: '2.1',
        id: location,
        created: now,
        modified: now,
        name: `Place ${index}`,
        country: COUNTRIES[index % COUNTRIES.length],
        latitude: Math.round((Math.random() * 120 - 55) * 1000) / 1000,
        longitude: Math.round((Math.random() * 340 - 170) * 1000) / 1000,
      }),
    );
    await write(marked({ type: 'relationship', spec_version: '2.1', id: `relationship--${randomUUID()}`, created: now, modified: now, relationship_type: 'located-at', source_ref: id, target_ref: location }));
  }
  await new Promise<void>((resolve) => out.end(resolve));
  return { incidentId: template.id };
}

const basic = `Basic ${Buffer.from(`admin:${BENCH_PASSWORD}`).toString('base64')}`;

/** Waits until the incident read model holds `count` incidents (the projector runs inside serve). */
async function waitIndexed(server: RunningServer, count: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const response = await fetch(`${server.baseUrl}/rest/v1/incidents/timeline?bucket=year`, { headers: { authorization: basic } });
    if (response.ok) {
      const { buckets } = (await response.json()) as { buckets: { incidents: number }[] };
      const held = buckets.reduce((sum, bucket) => sum + bucket.incidents, 0);
      if (held >= count) return (performance.now() - started) / 1000;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function signedInContext(browser: Browser, baseUrl: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill(BENCH_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Feed/ }).waitFor();
  await page.close();
  return context;
}

/** Bytes of JavaScript (and CSS) received on the wire while `action` runs, from Chromium's own accounting. */
async function shipped(page: Page, action: () => Promise<void>): Promise<{ js: number; css: number; files: number }> {
  const sizes: Promise<{ kind: string; bytes: number }>[] = [];
  page.on('requestfinished', (request) => {
    const kind = request.resourceType();
    if (kind === 'script' || kind === 'stylesheet') sizes.push(request.sizes().then((size) => ({ kind, bytes: size.responseBodySize })));
  });
  await action();
  const all = await Promise.all(sizes);
  return {
    js: all.filter((item) => item.kind === 'script').reduce((sum, item) => sum + item.bytes, 0),
    css: all.filter((item) => item.kind === 'stylesheet').reduce((sum, item) => sum + item.bytes, 0),
    files: all.length,
  };
}

interface Timing {
  paint: number;
  data: number;
}

/** Navigation start → first contentful paint, and → the page's data on screen (both from the page's own clock). */
async function timePage(context: BrowserContext, url: string, dataSelector: string): Promise<Timing> {
  const page = await context.newPage();
  try {
    // Recorded by the page itself when the data first appears (an init script is not subject to the console's CSP).
    await page.addInitScript(
      `new MutationObserver((_, observer) => { if (document.querySelector(${JSON.stringify(dataSelector)})) { window.dataAt = performance.now(); observer.disconnect(); } }).observe(document, { childList: true, subtree: true });`,
    );
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator(dataSelector).first().waitFor({ timeout: 120_000 });
    const data = (await page.evaluate('window.dataAt')) as number;
    const paint = (await page.evaluate(`performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1`)) as number;
    return { paint, data };
  } finally {
    await page.close();
  }
}

/**
 * `entente serve` on a filled store: its followers (incident index, correlation) start on
 * everything imported, which can keep it from answering for a while on a loaded machine.
 */
async function startPatiently(db: string, port: number): Promise<RunningServer> {
  const child = spawn(process.execPath, [`${REPO}bin/entente.js`, 'serve', '--db', db, '--port', String(port)], {
    cwd: REPO,
    env: { ...process.env, ENTENTE_ADMIN_PASSWORD: BENCH_PASSWORD, ENTENTE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${baseUrl}/taxii2/`, 900_000);
  return { baseUrl, pid: child.pid ?? 0, stop: () => stopChild(child) };
}

async function main(): Promise<void> {
  requireBuild();
  const incidents = flag('incidents', 10_000);
  const runs = flag('runs', 5);
  const dir = mkdtempSync(join(tmpdir(), 'entente-web-bench-'));
  const db = join(dir, 'bench.db');
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    process.stderr.write(`${line}\n`);
  };
  try {
    // serve bootstraps the database (admin, collection "default"); the import then fills it.
    await (await startEntente(db, 18_910)).stop();
    const file = join(dir, 'store.ndjson');
    const { incidentId } = await writeStore(file, incidents);
    const importStart = performance.now();
    runEntente(['import', file, '--collection', 'default', '--db', db]);
    say(`store: seed article + ${incidents.toLocaleString('en-US')} synthetic incidents imported in ${((performance.now() - importStart) / 1000).toFixed(1)} s`);

    const server = await startPatiently(db, 18_911);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const cpuBeforeIndex = cpuSeconds(server.pid) ?? 0;
      const indexSeconds = await waitIndexed(server, incidents + 1);
      say(`incident index caught up in ${indexSeconds.toFixed(1)} s wall, ${((cpuSeconds(server.pid) ?? 0) - cpuBeforeIndex).toFixed(1)} CPU-s of the server`);

      const cold = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const coldPage = await cold.newPage();
      const signIn = await shipped(coldPage, async () => {
        await coldPage.goto(`${server.baseUrl}/`, { waitUntil: 'networkidle' });
      });
      const feed = await shipped(coldPage, async () => {
        await coldPage.getByLabel('User name').fill('admin');
        await coldPage.getByLabel('Password').fill(BENCH_PASSWORD);
        await coldPage.getByRole('button', { name: 'Sign in' }).click();
        await coldPage.locator('.incident-card:not(.placeholder)').first().waitFor();
        await coldPage.waitForLoadState('networkidle');
      });
      await cold.close();
      say(`first page (sign-in): ${(signIn.js / 1024).toFixed(1)} KB of JavaScript and ${(signIn.css / 1024).toFixed(1)} KB of CSS on the wire (gzip), ${signIn.files} files`);
      say(`then the feed after signing in: ${(feed.js / 1024).toFixed(1)} KB more JavaScript`);

      const context = await signedInContext(browser, server.baseUrl);
      const pages: [string, string, string][] = [
        ['feed', `${server.baseUrl}/feed`, '.incident-card:not(.placeholder)'],
        ['map', `${server.baseUrl}/map`, 'svg.map .point, svg.map .cluster'],
        ['incident', `${server.baseUrl}/incidents/${encodeURIComponent(incidentId)}`, '.report-text'],
      ];
      say('');
      say('| page | first contentful paint, median (max) | data on screen, median (max) | server CPU-s per load |');
      say('|---|---|---|---|');
      for (const [name, url, selector] of pages) {
        await timePage(context, url, selector); // warm-up: assets cached, as for a returning analyst
        const timings: Timing[] = [];
        const cpuStart = cpuSeconds(server.pid) ?? 0;
        for (let run = 0; run < runs; run += 1) timings.push(await timePage(context, url, selector));
        const cpu = ((cpuSeconds(server.pid) ?? 0) - cpuStart) / runs;
        const paints = timings.map((timing) => timing.paint);
        const datas = timings.map((timing) => timing.data);
        say(`| ${name} | ${quantile(paints, 0.5).toFixed(0)} ms (${Math.max(...paints).toFixed(0)}) | ${quantile(datas, 0.5).toFixed(0)} ms (${Math.max(...datas).toFixed(0)}) | ${cpu.toFixed(3)} |`);
      }
    } finally {
      await browser.close();
      await server.stop();
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
