/**
 * Federation benchmarks (issue 5), over loopback on SQLite:
 * (a) pull N objects from a running `entente serve` ("paris", filled by
 *     `entente import`) into another instance's database ("london") with the
 *     real pull (pages of 1000, each stored with its watermark) — target
 *     ≥ 10,000 objects/s end to end;
 *     twice: at once, while paris's read-model followers (correlation,
 *     incident index, alerts) still work through the imported objects, and
 *     again into a second collection once they have caught up;
 * (b) how long one new object takes to reach a partner that polls every
 *     second (the scheduler of `entente serve`), over several trials, on the
 *     caught-up paris.
 *
 *   npm run build && npx tsx bench/federation-pull.ts --objects 100000 --backend sqlite
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { readFlags } from './lib/args.js';
import { freshDatabase } from './lib/bench-database.js';
import { spawn } from 'node:child_process';
import { BENCH_PASSWORD, BENCH_TOKEN, REPO, benchHeaders, cpuSeconds, requireBuild, stopChild, waitForHttp, type RunningServer } from './lib/entente-process.js';
import { formatMs, formatRate, markdownTable } from './lib/markdown.js';
import { benchFile, importInto } from './cli-import.js';
import { newLeaseOwner } from '../src/federation/lease.js';
import { addPartner, removePartner, requirePartner } from '../src/federation/partners.js';
import { startPartnerScheduler } from '../src/federation/scheduler.js';
import { syncPartner } from '../src/federation/sync.js';
import { openStore } from '../src/store/open-store.js';
import type { DatabaseSchema } from '../src/store/schema.js';
import type { ObjectStore } from '../src/store/object-store.js';
import type { Kysely } from 'kysely';

const SECRET = 'bench-federation-secret-key';
const LATENCY_TRIALS = 10;

/**
 * `entente serve` on the imported database. Its read-model followers
 * (correlation, incident index, alerts) start on the 100,000 objects at once
 * and can keep it from answering for a while, so it gets minutes, not seconds.
 */
async function startServe(db: string, port: number): Promise<RunningServer> {
  const child = spawn(process.execPath, [`${REPO}bin/entente.js`, 'serve', '--db', db, '--port', String(port), '--host', '127.0.0.1'], {
    cwd: REPO,
    env: { ...process.env, ENTENTE_ADMIN_PASSWORD: BENCH_PASSWORD, ENTENTE_ADMIN_TOKEN: BENCH_TOKEN, ENTENTE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = performance.now();
  await waitForHttp(child, `${baseUrl}/taxii2/`, 600_000);
  process.stderr.write(`paris: entente serve answered after ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return { baseUrl, pid: child.pid ?? 0, stop: () => stopChild(child) };
}

/** Whether paris's incident index, alert and correlation followers have read every row of `collectionId` (their cursors). */
function caughtUp(sqliteFile: string, collectionId: string): boolean {
  const db = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  try {
    const value = (sql: string): number => Number((db.prepare(sql).pluck().get(collectionId) as number | bigint | null) ?? -1);
    const last = value('SELECT last_added FROM collections WHERE id = ?');
    const correlatable = value("SELECT coalesce(max(date_added), 0) FROM objects WHERE collection_id = ? AND type IN ('incident', 'report')");
    return (
      value('SELECT last_added FROM intel_cursors WHERE collection_id = ?') >= last &&
      value('SELECT last_added FROM alert_cursors WHERE collection_id = ?') >= last &&
      value('SELECT date_added FROM correlation_cursors WHERE collection_id = ?') >= correlatable
    );
  } catch {
    // A cursor table not created yet: not caught up.
    return false;
  } finally {
    db.close();
  }
}

interface PullRun {
  readonly inboxId: string;
  readonly row: (string | number)[];
}

/** One full pull of paris's collection into a new london collection by a new partner, measured. */
async function pullAll(london: { db: Kysely<DatabaseSchema>; store: ObjectStore }, server: RunningServer, remoteCollection: string, name: string): Promise<PullRun> {
  const inbox = await london.store.createCollection({ title: `from ${name}` });
  const partner = await addPartner(london.db, SECRET, {
    name,
    discoveryUrl: `${server.baseUrl}/taxii2/`,
    credentials: { kind: 'token', token: BENCH_TOKEN },
    pull: [{ remoteCollection, localCollection: inbox.id }],
    intervalSeconds: 1,
  });
  const cpuBefore = cpuSeconds(server.pid) ?? Number.NaN;
  const started = performance.now();
  const pullerCpuBefore = process.cpuUsage();
  const report = await syncPartner({ db: london.db, store: london.store, secretKey: SECRET, leaseOwner: newLeaseOwner(), pageSize: 1000 }, partner);
  const seconds = (performance.now() - started) / 1000;
  const serverCpu = (cpuSeconds(server.pid) ?? Number.NaN) - cpuBefore;
  const pullerUsage = process.cpuUsage(pullerCpuBefore);
  // The pulling side (client, validation, SQLite writes) runs in this process.
  const pullerCpu = (pullerUsage.user + pullerUsage.system) / 1e6;
  const counts = report.rules[0]?.counts;
  if (report.outcome !== 'ok' || counts === undefined) throw new Error(`pull failed: ${report.error ?? report.outcome}`);
  const stored = await london.store.countObjects(inbox.id);
  return {
    inboxId: inbox.id,
    row: [
      counts.received.toLocaleString('en-US'),
      stored.toLocaleString('en-US'),
      counts.pages,
      seconds.toFixed(1),
      formatRate(counts.added / seconds),
      counts.added / seconds >= 10_000 ? '≥ 10,000 ✓' : '≥ 10,000 ✗',
      pullerCpu.toFixed(1),
      formatRate(counts.added / pullerCpu),
      serverCpu.toFixed(1),
    ],
  };
}

async function main(): Promise<void> {
  requireBuild();
  const flags = readFlags();
  const file = await benchFile(flags);
  const paris = await importInto(flags, 'sqlite', file);
  process.stderr.write(`paris: imported ${paris.stored} objects\n`);
  const server = await startServe(paris.database.db, 18_900);
  const londonDb = await freshDatabase(flags, 'sqlite', 'federation_london');
  const london = await openStore(londonDb.db);
  try {
    await london.store.migrate();
    const busy = await pullAll(london, server, paris.collectionId, 'paris');
    const sqliteFile = paris.database.sqliteFile;
    if (sqliteFile === undefined) throw new Error("this benchmark reads paris's follower cursors from its SQLite file");
    const settling = performance.now();
    while (!caughtUp(sqliteFile, paris.collectionId)) await new Promise((resolve) => setTimeout(resolve, 1000));
    const settledAfter = (performance.now() - settling) / 1000;
    process.stderr.write(`paris: followers caught up ${settledAfter.toFixed(1)} s after the first pull ended\n`);
    const settled = await pullAll(london, server, paris.collectionId, 'paris-settled');
    await removePartner(london.db, 'paris');
    const inbox = { id: settled.inboxId };

    // (b): one new object at a time on paris; london's scheduler polls every second.
    const scheduler = startPartnerScheduler({ sync: { db: london.db, store: london.store, secretKey: SECRET }, tickMs: 50 });
    const latencies: number[] = [];
    try {
      for (let trial = 0; trial < LATENCY_TRIALS; trial++) {
        const id = `identity--${randomUUID()}`;
        const object = { type: 'identity', spec_version: '2.1', id, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', name: `trial ${trial}` };
        const posted = performance.now();
        const response = await fetch(`${server.baseUrl}/api/v21/collections/${paris.collectionId}/objects/`, {
          method: 'POST',
          headers: { ...benchHeaders(), 'content-type': 'application/taxii+json;version=2.1' },
          body: JSON.stringify({ objects: [object] }),
        });
        if (response.status !== 202) throw new Error(`POST answered ${response.status}`);
        // Looked up by id (an index probe), so that watching does not slow what is watched.
        const arrived = () => london.db.selectFrom('objects').select('id').where('collection_id', '=', inbox.id).where('id', '=', id).executeTakeFirst();
        while ((await arrived()) === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
        latencies.push(performance.now() - posted);
        // Start the next trial at a random point of the polling cycle.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
      }
    } finally {
      await scheduler.stop();
    }
    const health = (await requirePartner(london.db, 'paris-settled')).health;
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)] ?? Number.NaN;
    process.stdout.write(
      [
        '',
        `(a) pull ${flags.objects.toLocaleString('en-US')} objects, paris (entente serve, SQLite) → london (SQLite), pages of 1000, loopback`,
        markdownTable(
          ['paris followers', 'objects pulled', 'stored', 'pages', 'seconds', 'objects/s', 'target', 'london (puller) CPU s', 'objects per puller CPU-second', 'paris server CPU s'],
          [
            ['catching up', ...busy.row],
            [`caught up (${settledAfter.toFixed(0)} s later)`, ...settled.row],
          ],
        ),
        '',
        `(b) one new object on paris until stored on london, partner polled every 1 s (${LATENCY_TRIALS} trials)`,
        markdownTable(['median ms', 'min ms', 'max ms'], [[formatMs(median), formatMs(latencies[0] ?? Number.NaN), formatMs(latencies[latencies.length - 1] ?? Number.NaN)]]),
        `london's partner health after the runs: ${health.consecutiveFailures} failures`,
        '',
      ].join('\n'),
    );
  } finally {
    await london.store.close();
    await server.stop();
    await londonDb.dispose();
    await paris.database.dispose();
  }
}

await main();
