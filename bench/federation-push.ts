/**
 * Federation push benchmark (issue 5), over loopback on SQLite:
 * (a) push N TLP:GREEN objects from one instance's database ("paris", in this
 *     process, with the real push: the partner-scope query, envelopes of 500
 *     objects, each status followed to completion before the watermark moves)
 *     to a real `entente serve` ("london", SQLite), which validates and stores
 *     them through its TAXII Add Objects endpoint; then a second push, which
 *     finds nothing new;
 * (b) how long one new object on paris takes to be stored on london when
 *     paris's scheduler runs the partner every second, once london's
 *     read-model followers have worked through what was pushed.
 *
 *   npm run build && npx tsx bench/federation-push.ts --objects 100000
 *
 * With ENTENTE_BENCH_CPU_PROF=DIR, london runs under `node --cpu-prof` and
 * writes its CPU profile into DIR when it stops.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createOrganization } from '../src/access/organizations.js';
import { newLeaseOwner } from '../src/federation/lease.js';
import { addPartner } from '../src/federation/partners.js';
import { startPartnerScheduler } from '../src/federation/scheduler.js';
import { syncPartner } from '../src/federation/sync.js';
import { TLP2_MARKING_IDS } from '../src/stix/tlp.js';
import type { IncomingObject } from '../src/store/object-store.js';
import { openStore } from '../src/store/open-store.js';
import { readFlags } from './lib/args.js';
import { freshDatabase } from './lib/bench-database.js';
import { BENCH_PASSWORD, BENCH_TOKEN, REPO, cpuSeconds, requireBuild, stopChild, waitForHttp, waitUntilIdle, type RunningServer } from './lib/entente-process.js';
import { benchObject } from './lib/generate-objects.js';
import { formatMs, formatRate, markdownTable } from './lib/markdown.js';

const SECRET = 'bench-federation-secret-key';
const LATENCY_TRIALS = 10;
const FILL_BATCH = 1000;

function green(object: Record<string, unknown>): IncomingObject {
  // The generator's objects are valid STIX 2.1 objects (bench/lib/generate-objects.ts); only the type is lost.
  const marked = { ...object, object_marking_refs: [TLP2_MARKING_IDS.green] } as unknown as IncomingObject['object'];
  return { object: marked, json: JSON.stringify(marked), tlp: 'green' };
}

/** `entente serve` for london, under `node --cpu-prof` when ENTENTE_BENCH_CPU_PROF names a directory. */
async function startLondon(db: string, port: number): Promise<RunningServer> {
  const profileDir = process.env.ENTENTE_BENCH_CPU_PROF;
  const profile = profileDir === undefined || profileDir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const child = spawn(process.execPath, [...profile, `${REPO}bin/entente.js`, 'serve', '--db', db, '--port', String(port), '--host', '127.0.0.1'], {
    cwd: REPO,
    env: { ...process.env, ENTENTE_ADMIN_PASSWORD: BENCH_PASSWORD, ENTENTE_ADMIN_TOKEN: BENCH_TOKEN, ENTENTE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${baseUrl}/taxii2/`);
  return { baseUrl, pid: child.pid ?? 0, stop: () => stopChild(child) };
}

async function main(): Promise<void> {
  requireBuild();
  const flags = readFlags();
  const parisDb = await freshDatabase(flags, 'sqlite', 'federation_push_paris');
  const londonDb = await freshDatabase(flags, 'sqlite', 'federation_push_london');
  const paris = await openStore(parisDb.db);
  const server = await startLondon(londonDb.db, 18_910);
  const london = await openStore(londonDb.db);
  try {
    await paris.store.migrate();
    const outbox = await paris.store.createCollection({ title: 'outbox' });
    const author = await createOrganization(paris.db, { name: 'paris' });
    const meta = { authorOrg: author.id, authorUser: null };
    const filled = performance.now();
    for (let start = 0; start < flags.objects; start += FILL_BATCH) {
      const batch = Array.from({ length: Math.min(FILL_BATCH, flags.objects - start) }, (_, i) => green(benchObject(start + i)));
      await paris.store.addObjects(outbox.id, batch, meta);
    }
    process.stderr.write(`paris: ${flags.objects} GREEN objects stored in ${((performance.now() - filled) / 1000).toFixed(1)} s\n`);
    const partner = await addPartner(paris.db, SECRET, {
      name: 'london',
      discoveryUrl: `${server.baseUrl}/taxii2/`,
      credentials: { kind: 'token', token: BENCH_TOKEN },
      push: [{ localCollection: outbox.id, remoteCollection: 'default' }],
      intervalSeconds: 1,
    });
    const londonCollection = (await london.store.listCollections()).find((c) => c.alias === 'default');
    if (londonCollection === undefined) throw new Error('london has no collection "default"');

    const serverCpuBefore = cpuSeconds(server.pid) ?? Number.NaN;
    const pusherCpuBefore = process.cpuUsage();
    const started = performance.now();
    const report = await syncPartner({ db: paris.db, store: paris.store, secretKey: SECRET, leaseOwner: newLeaseOwner() }, partner);
    const seconds = (performance.now() - started) / 1000;
    const pusherUsage = process.cpuUsage(pusherCpuBefore);
    const pusherCpu = (pusherUsage.user + pusherUsage.system) / 1e6;
    const serverCpu = (cpuSeconds(server.pid) ?? Number.NaN) - serverCpuBefore;
    const pushed = report.rules[0]?.pushed;
    if (report.outcome !== 'ok' || pushed === undefined) throw new Error(`push failed: ${report.error ?? report.outcome}`);
    const stored = await london.store.countObjects(londonCollection.id);

    const againStarted = performance.now();
    const again = await syncPartner({ db: paris.db, store: paris.store, secretKey: SECRET, leaseOwner: newLeaseOwner() }, partner);
    const againMs = performance.now() - againStarted;
    // london's read-model followers (correlation, incident index, alerts) work through what was stored, in time slices,
    // partly after the push: their rest is the receiver's cost too, and (b) is measured once london is quiet.
    const followers = await waitUntilIdle(server.pid);
    const receiverCpu = serverCpu + followers.cpuSeconds;

    // (b): one new object at a time on paris; paris's scheduler pushes every second.
    const scheduler = startPartnerScheduler({ sync: { db: paris.db, store: paris.store, secretKey: SECRET }, tickMs: 50 });
    const latencies: number[] = [];
    try {
      for (let trial = 0; trial < LATENCY_TRIALS; trial++) {
        const id = `identity--${randomUUID()}`;
        const object = { type: 'identity', spec_version: '2.1', id, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', name: `trial ${trial}` };
        const posted = performance.now();
        await paris.store.addObjects(outbox.id, [green(object)], meta);
        // Looked up by id (an index probe), so that watching does not slow what is watched.
        const arrived = () => london.db.selectFrom('objects').select('id').where('collection_id', '=', londonCollection.id).where('id', '=', id).executeTakeFirst();
        while ((await arrived()) === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
        latencies.push(performance.now() - posted);
        // Start the next trial at a random point of the scheduling cycle.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
      }
    } finally {
      await scheduler.stop();
    }
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)] ?? Number.NaN;
    process.stdout.write(
      [
        '',
        `(a) push ${flags.objects.toLocaleString('en-US')} GREEN objects, paris (SQLite, this process) → london (entente serve, SQLite), envelopes of 500, loopback`,
        markdownTable(
          [
            'pushed',
            'stored on london',
            'envelopes',
            'failed',
            'seconds',
            'objects/s',
            'paris (pusher) CPU s',
            'london server CPU s during the push',
            'london CPU s after it, until quiet (s)',
            'objects per london CPU-second (all)',
            'second push (nothing new)',
          ],
          [
            [
              pushed.pushed.toLocaleString('en-US'),
              stored.toLocaleString('en-US'),
              pushed.envelopes,
              pushed.failed,
              seconds.toFixed(1),
              formatRate(pushed.pushed / seconds),
              pusherCpu.toFixed(1),
              serverCpu.toFixed(1),
              `${followers.cpuSeconds.toFixed(1)} (${followers.seconds.toFixed(0)} s)`,
              formatRate(pushed.pushed / receiverCpu),
              `${again.rules[0]?.pushed?.pushed ?? '?'} pushed, ${formatMs(againMs)} ms`,
            ],
          ],
        ),
        '',
        `(b) one new object on paris until stored on london, partner run every 1 s (${LATENCY_TRIALS} trials)`,
        markdownTable(['median ms', 'min ms', 'max ms'], [[formatMs(median), formatMs(latencies[0] ?? Number.NaN), formatMs(latencies[latencies.length - 1] ?? Number.NaN)]]),
        '',
      ].join('\n'),
    );
  } finally {
    await london.store.close();
    await paris.store.close();
    await server.stop();
    await londonDb.dispose();
    await parisDb.dispose();
  }
}

await main();
