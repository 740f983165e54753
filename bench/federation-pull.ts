/**
 * Federation benchmarks (issue 5), over loopback on SQLite:
 * (a) pull N objects from a running `entente serve` ("paris", filled by
 *     `entente import`) into another instance's database ("london") with the
 *     real pull (pages of 1000, each stored with its watermark) — target
 *     ≥ 10,000 objects/s end to end;
 * (b) how long one new object takes to reach a partner that polls every
 *     second (the scheduler of `entente serve`), over several trials.
 *
 *   npm run build && npx tsx bench/federation-pull.ts --objects 100000 --backend sqlite
 */
import { randomUUID } from 'node:crypto';
import { readFlags } from './lib/args.js';
import { freshDatabase } from './lib/bench-database.js';
import { spawn } from 'node:child_process';
import { BENCH_PASSWORD, BENCH_TOKEN, REPO, benchHeaders, cpuSeconds, requireBuild, stopChild, waitForHttp, type RunningServer } from './lib/entente-process.js';
import { formatMs, formatRate, markdownTable } from './lib/markdown.js';
import { benchFile, importInto } from './cli-import.js';
import { newLeaseOwner } from '../src/federation/lease.js';
import { addPartner, requirePartner } from '../src/federation/partners.js';
import { startPartnerScheduler } from '../src/federation/scheduler.js';
import { syncPartner } from '../src/federation/sync.js';
import { openStore } from '../src/store/open-store.js';

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
    const inbox = await london.store.createCollection({ title: 'from paris' });
    const partner = await addPartner(london.db, SECRET, {
      name: 'paris',
      discoveryUrl: `${server.baseUrl}/taxii2/`,
      credentials: { kind: 'token', token: BENCH_TOKEN },
      pull: [{ remoteCollection: paris.collectionId, localCollection: inbox.id }],
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
    const health = (await requirePartner(london.db, 'paris')).health;
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)] ?? Number.NaN;
    process.stdout.write(
      [
        '',
        `(a) pull ${flags.objects.toLocaleString('en-US')} objects, paris (entente serve, SQLite) → london (SQLite), pages of 1000, loopback`,
        markdownTable(
          ['objects pulled', 'stored', 'pages', 'seconds', 'objects/s', 'target', 'london (puller) CPU s', 'objects per puller CPU-second', 'paris server CPU s'],
          [
            [
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
