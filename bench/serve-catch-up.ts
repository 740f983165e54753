/**
 * Benchmark: `entente serve` on a database its read models have never seen
 * (right after `entente import`). Its three followers — incident index,
 * alerts, correlation — catch up in time slices (store/object-follower.ts);
 * this measures what a client sees meanwhile:
 *
 *   npm run build && npx tsx bench/serve-catch-up.ts --objects 20000 --backend sqlite
 *
 * time until `/taxii2/` first answers, the latency of GETs (`/taxii2/` and a
 * page of 10 objects) sent every 100 ms until the followers are done, and how
 * long and how much server CPU catching up took. "Caught up" is read from the
 * followers' cursor tables, not from the server's idleness.
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { readFlags } from './lib/args.js';
import { benchFile, importInto } from './cli-import.js';
import { BENCH_PASSWORD, BENCH_TOKEN, REPO, benchHeaders, collectionObjectsUrl, cpuSeconds, requireBuild, stopChild } from './lib/entente-process.js';
import { formatMs, markdownTable } from './lib/markdown.js';
import { quantile } from './lib/stats.js';

const PROBE_INTERVAL_MS = 100;
const GIVE_UP_MS = 30 * 60_000;
const IDLE_PROBES = 60;

/** Whether the incident index, the alert follower and the correlation follower have read every row of `collectionId`. */
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
    // A cursor table the server has not created yet (first start migrates it): not caught up.
    return false;
  } finally {
    db.close();
  }
}

async function timedGet(url: string): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const res = await request(url, { headers: benchHeaders() });
  await res.body.dump();
  return { ms: performance.now() - started, status: res.statusCode };
}

async function main(): Promise<void> {
  const flags = readFlags();
  requireBuild();
  const imported = await importInto(flags, 'sqlite', await benchFile(flags));
  const sqliteFile = imported.database.sqliteFile;
  if (sqliteFile === undefined) throw new Error('this benchmark reads the followers\' cursors from a SQLite file');
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [`${REPO}bin/entente.js`, 'serve', '--db', sqliteFile, '--port', String(port)], {
    cwd: REPO,
    env: { ...process.env, ENTENTE_ADMIN_PASSWORD: BENCH_PASSWORD, ENTENTE_ADMIN_TOKEN: BENCH_TOKEN, ENTENTE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    let firstAnswer: number | undefined;
    while (firstAnswer === undefined) {
      if (performance.now() - started > GIVE_UP_MS) throw new Error('entente serve never answered /taxii2/');
      if (child.exitCode !== null) throw new Error(`entente serve exited ${child.exitCode}`);
      try {
        if ((await timedGet(`${baseUrl}/taxii2/`)).status === 200) firstAnswer = performance.now() - started;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const cpuAtFirstAnswer = cpuSeconds(child.pid ?? 0) ?? Number.NaN;
    const latencies: number[] = [];
    const page = `${collectionObjectsUrl(baseUrl, imported.collectionId)}?limit=10`;
    let probes = 0;
    while (!caughtUp(sqliteFile, imported.collectionId)) {
      if (performance.now() - started > GIVE_UP_MS) throw new Error('the followers did not catch up');
      const url = probes++ % 2 === 0 ? `${baseUrl}/taxii2/` : page;
      const { ms, status } = await timedGet(url);
      if (status !== 200) throw new Error(`GET ${url} answered ${status}`);
      latencies.push(ms);
      await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
    }
    const caughtUpAfter = performance.now() - started;
    const cpu = (cpuSeconds(child.pid ?? 0) ?? Number.NaN) - cpuAtFirstAnswer;
    // The same probes on the caught-up server: the yardstick for what the machine's load alone costs.
    const idle: number[] = [];
    for (let n = 0; n < IDLE_PROBES; n += 1) {
      idle.push((await timedGet(n % 2 === 0 ? `${baseUrl}/taxii2/` : page)).ms);
      await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
    }
    const row = (phase: string, values: readonly number[], caughtUp: string, cpuText: string, perObject: string) => [
      phase, values.length, formatMs(quantile(values, 0.5)), formatMs(quantile(values, 0.99)), formatMs(Math.max(...values)), caughtUp, cpuText, perObject,
    ];
    process.stdout.write(`\n${imported.stored.toLocaleString('en-US')} objects; /taxii2/ first answered ${formatMs(firstAnswer)} ms after spawn\n\n${markdownTable(
      ['GETs (ms)', 'count', 'p50', 'p99', 'max', 'caught up after', 'server CPU s catching up', 'CPU ms per object'],
      [
        row('during catch-up', latencies, `${(caughtUpAfter / 1000).toFixed(1)} s`, cpu.toFixed(1), ((cpu * 1000) / imported.stored).toFixed(2)),
        row('after catch-up', idle, '', '', ''),
      ],
    )}\n`);
  } finally {
    await stopChild(child);
    await imported.database.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
