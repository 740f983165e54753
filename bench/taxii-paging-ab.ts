/**
 * Paging (benchmark b) of two or more builds side by side, on one database:
 * round after round, each build's `entente serve` walks the collection in
 * turn, then the bare yardstick, so that all of them meet the same load. On a
 * machine shared with other work, compare server CPU seconds and ratios
 * within a round, not wall-clock figures across runs.
 *
 *   npx tsx bench/taxii-paging-ab.ts --db FILE|URL --collection ID --builds DIR,DIR [--rounds 2]
 *     [--yardstick-db FILE --yardstick-collection ID]
 *
 * A build is a checkout with its `dist/` built (e.g. `git archive COMMIT | tar -x -C DIR`,
 * `node_modules` linked, `npm run build`). A database the builds migrate differently
 * (a newer migration) cannot be shared: import one for the oldest build.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_PASSWORD, BENCH_TOKEN, REPO, benchHeaders, collectionObjectsUrl, stopChild, waitForHttp } from './lib/entente-process.js';
import { markedPostgresUrl, waitUntilPostgresQuiet, watchPostgresCpu } from './lib/postgres-cpu.js';
import { freePort, pageBare, pagingTable, walk, waitUntilSettled, type PagingResult } from './taxii-paging.js';

const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

/**
 * One build's `entente serve` on `db`, settled, walked once. On PostgreSQL the
 * CPU its backends spend during the walk is measured too: a page's work is
 * split between the server and PostgreSQL, and a change can move it from one
 * to the other.
 */
async function walkBuild(build: string, db: string, collection: string, label: string): Promise<PagingResult> {
  const port = await freePort();
  const onPostgres = /^postgres(ql)?:\/\//i.test(db);
  const cpuLabel = `entente-ab-${port}`;
  const serverDb = onPostgres ? markedPostgresUrl(db, cpuLabel) : db;
  const child = spawn(process.execPath, [`${build}/bin/entente.js`, 'serve', '--db', serverDb, '--port', String(port), '--host', '127.0.0.1'], {
    cwd: build,
    env: { ...process.env, ENTENTE_ADMIN_PASSWORD: BENCH_PASSWORD, ENTENTE_ADMIN_TOKEN: BENCH_TOKEN, ENTENTE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await waitForHttp(child, `http://127.0.0.1:${port}/taxii2/`);
    await waitUntilSettled(child.pid ?? 0);
    if (onPostgres) await waitUntilPostgresQuiet(db, cpuLabel);
    const url = collectionObjectsUrl(`http://127.0.0.1:${port}`, collection);
    const watch = onPostgres ? await watchPostgresCpu(db, cpuLabel) : undefined;
    const result = await walk(`${label} [load ${load()}]`, url, 1000, benchHeaders(), child.pid ?? 0);
    return watch === undefined ? result : { ...result, databaseCpuSeconds: (await watch.stop()).backendSeconds };
  } finally {
    await stopChild(child);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      collection: { type: 'string' },
      builds: { type: 'string', default: REPO },
      rounds: { type: 'string', default: '2' },
      'yardstick-db': { type: 'string' },
      'yardstick-collection': { type: 'string' },
    },
  });
  const { db, collection } = values;
  if (db === undefined || collection === undefined) throw new Error('--db and --collection are required');
  const builds = values.builds.split(',').map((dir) => dir.replace(/\/$/, ''));
  const yardstickDb = values['yardstick-db'] ?? (/^postgres(ql)?:\/\//i.test(db) ? undefined : db);
  const yardstickCollection = values['yardstick-collection'] ?? collection;
  const results: PagingResult[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const build of builds) results.push(await walkBuild(build, db, collection, `${build} r${round}`));
    if (yardstickDb !== undefined) {
      const bare = await pageBare(yardstickDb, yardstickCollection, { pageSize: 1000 }, await freePort());
      results.push({ ...bare, label: `${bare.label} r${round} [load ${load()}]` });
    }
    process.stdout.write(`\n${pagingTable(results)}\n`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
