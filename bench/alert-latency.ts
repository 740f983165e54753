/**
 * Benchmark: how soon a live alert arrives (issue 7: "appears as a live alert
 * in the console within a second"). Against the built `entente serve` on a
 * fresh database, one watchlist follows an attack type; one at a time, an
 * incident of that type is written over TAXII (POST objects) and the time to
 * its `alert` event on the server-sent events stream is taken, from the start
 * of the write and from the write's answer (stored). Median, p95 and max over
 * `--alerts` alerts, and the server's CPU seconds over the run.
 *
 *   npm run build && npx tsx bench/alert-latency.ts --alerts 100 --backend both
 *   npx tsx bench/alert-latency.ts --alerts 100 --backend postgres --postgres postgres://postgres@127.0.0.1:5432/test --schema bench_alerts
 *
 * Target: under 1000 ms (the tests assert that the alert arrives, not how soon).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fetch } from 'undici';
import { alertData, readEventBlocks } from '../src/alerts/event-stream-blocks.js';
import { INCIDENT_EXTENSION_ID } from '../src/stix/extensions.js';
import { randomId } from '../src/stix/identifier.js';
import { TLP2_MARKING_IDS } from '../src/stix/tlp.js';
import { BENCH_TOKEN, cpuSeconds, requireBuild, startEntente } from './lib/entente-process.js';
import { freshPostgresSchema } from './lib/postgres-schema.js';
import { formatMs, markdownTable } from './lib/markdown.js';
import { quantile } from './lib/stats.js';

const TAXII = 'application/taxii+json;version=2.1';
const AUTH = { authorization: `Bearer ${BENCH_TOKEN}` };
/** Only guards against a hang: an alert later than this is a failure, not a figure. */
const GIVE_UP_MS = 30_000;

interface Arrival {
  readonly objectId: string;
  readonly at: number;
}

/** A free loopback port for the server. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Reads `event: alert` blocks off the stream as they arrive, stamping each with performance.now(). */
async function openStream(baseUrl: string, arrivals: Arrival[], signal: AbortSignal): Promise<void> {
  const response = await fetch(`${baseUrl}/rest/v1/alerts/stream`, { headers: { ...AUTH, accept: 'text/event-stream' }, signal });
  if (response.status !== 200 || response.body === null) throw new Error(`the alert stream answered ${response.status}: ${await response.text()}`);
  readEventBlocks(response.body, (block) => {
    const alert = alertData(block) as { objectId: string } | undefined;
    if (alert !== undefined) arrivals.push({ objectId: alert.objectId, at: performance.now() });
  }).catch((error: unknown) => {
    if (!signal.aborted) throw error;
  });
}

function incident(n: number): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    type: 'incident',
    spec_version: '2.1',
    id: randomId('incident'),
    created: now,
    modified: now,
    name: `Bench bombing ${n}`,
    object_marking_refs: [TLP2_MARKING_IDS.clear],
    extensions: {
      [INCIDENT_EXTENSION_ID]: {
        extension_type: 'property-extension',
        event_date: '2026-11-20',
        date_precision: 'day',
        news_status: 'news',
        attack_types: ['Bombing/Explosion'],
        target_types: ['Military'],
        weapon_types: ['Explosives'],
      },
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      alerts: { type: 'string', default: '100' },
      backend: { type: 'string', default: 'sqlite' },
      postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
      schema: { type: 'string', default: 'bench_alert_latency' },
    },
  });
  const count = Number(values.alerts);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--alerts must be a whole number of alerts, not "${values.alerts}"`);
  if (!['sqlite', 'postgres', 'both'].includes(values.backend)) throw new Error(`--backend must be sqlite, postgres or both, not "${values.backend}"`);
  requireBuild();
  for (const backend of values.backend === 'both' ? ['sqlite', 'postgres'] : [values.backend]) {
    const work = mkdtempSync(join(tmpdir(), 'entente-alert-bench-'));
    const schema = backend === 'postgres' ? await freshPostgresSchema(values.postgres, values.schema) : undefined;
    try {
      await measure(backend === 'postgres' ? 'PostgreSQL' : 'SQLite', schema?.url ?? join(work, 'entente.db'), count);
    } finally {
      await schema?.drop();
      rmSync(work, { recursive: true, force: true });
    }
  }
}

async function measure(label: string, db: string, count: number): Promise<void> {
  const server = await startEntente(db, await freePort());
  const controller = new AbortController();
  try {
    const collections = (await (await fetch(`${server.baseUrl}/rest/v1/collections`, { headers: AUTH })).json()) as { items: { id: string; canWrite: boolean }[] };
    const collection = collections.items.find((c) => c.canWrite)?.id;
    if (collection === undefined) throw new Error('the bench admin may write to no collection');
    const watchlist = await fetch(`${server.baseUrl}/rest/v1/watchlists`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bombings', match: { attackTypes: ['Bombing/Explosion'] } }),
    });
    if (watchlist.status >= 300) throw new Error(`creating the watchlist answered ${watchlist.status}: ${await watchlist.text()}`);
    const arrivals: Arrival[] = [];
    await openStream(server.baseUrl, arrivals, controller.signal);

    const fromWrite: number[] = [];
    const fromStored: number[] = [];
    const cpuAtStart = cpuSeconds(server.pid);
    const started = performance.now();
    for (let n = 0; n < count; n += 1) {
      const object = incident(n);
      const t0 = performance.now();
      const posted = await fetch(`${server.baseUrl}/api/v21/collections/${collection}/objects/`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': TAXII, accept: TAXII },
        body: JSON.stringify({ objects: [object] }),
      });
      const status = (await posted.json()) as { success_count?: number };
      const stored = performance.now();
      if (posted.status !== 202 || status.success_count !== 1) throw new Error(`POST objects answered ${posted.status}: ${JSON.stringify(status)}`);
      let arrival: Arrival | undefined;
      while ((arrival = arrivals.find((a) => a.objectId === object.id)) === undefined) {
        if (performance.now() - t0 > GIVE_UP_MS) throw new Error(`no alert for ${String(object.id)} within ${GIVE_UP_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      fromWrite.push(arrival.at - t0);
      fromStored.push(Math.max(0, arrival.at - stored));
    }
    const wall = (performance.now() - started) / 1000;
    const cpu = (cpuSeconds(server.pid) ?? 0) - (cpuAtStart ?? 0);
    const row = (label: string, times: readonly number[]) => [label, formatMs(quantile(times, 0.5)), formatMs(quantile(times, 0.95)), formatMs(Math.max(...times))];
    process.stdout.write(
      [
        `${label}: ${count} alerts, one at a time; server CPU ${cpu.toFixed(2)} s over ${wall.toFixed(1)} s.`,
        '',
        markdownTable(['alert on the SSE stream', 'median ms', 'p95 ms', 'max ms'], [row('from the start of the write', fromWrite), row('from the write stored (202)', fromStored)]),
        '',
      ].join('\n'),
    );
  } finally {
    controller.abort();
    await server.stop();
  }
}

await main();
