/**
 * Benchmarks (b) and (d): paging through a whole collection with limit=1000
 * over real HTTP, with undici and JSON.parse of every page, against
 * `entente serve`, and against the bare node:http yardstick over the same
 * SQLite file; the server's RSS is sampled throughout.
 *
 *   npm run build && npx tsx bench/taxii-paging.ts --objects 1000000 [--backend sqlite|postgres|both]
 *
 * Imports the objects first with `entente import` (bench/cli-import.ts), or
 * reuses `--db FILE|URL --collection ID` kept by an earlier `--keep` run.
 * The yardstick reads a SQLite file: with a PostgreSQL `--db`, name one with
 * `--yardstick-db FILE --yardstick-collection ID` to have it in the same run.
 * Servers listen on free ports, so two runs at once do not meet.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { readFlags, type BenchFlags } from './lib/args.js';
import { REPO, RssSampler, benchHeaders, cpuSeconds, collectionObjectsUrl, requireBuild, startEntente, stopChild, waitForHttp, type RunningServer } from './lib/entente-process.js';
import { formatMs, formatRate, markdownTable } from './lib/markdown.js';
import { markedPostgresUrl, waitUntilPostgresQuiet } from './lib/postgres-cpu.js';
import { preparedCollections, type PreparedCollection } from './lib/prepared-collection.js';
import { mean, quantile } from './lib/stats.js';

export interface PagingResult {
  readonly label: string;
  readonly objects: number;
  readonly pages: number;
  readonly seconds: number;
  readonly firstPageMs: number;
  readonly lastPageMs: number;
  readonly firstTenthMs: number;
  readonly lastTenthMs: number;
  readonly p95PageMs: number;
  /** CPU seconds the server process spent during the walk. */
  readonly serverCpuSeconds: number;
  /** CPU seconds PostgreSQL's backends spent serving it during the walk, where measured. */
  readonly databaseCpuSeconds?: number;
  readonly rss: { start: number; end: number; peak: number; mid: number };
}

interface Envelope {
  more?: boolean;
  next?: string;
  objects?: unknown[];
}

/** Walks `objectsUrl` page by page following `next`, parsing every page. */
export async function walk(label: string, objectsUrl: string, pageSize: number, headers: Record<string, string>, pid: number): Promise<PagingResult> {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 1 });
  const sampler = new RssSampler(pid);
  sampler.start(100);
  const pageMs: number[] = [];
  let objects = 0;
  let next: string | undefined;
  const cpuBefore = cpuSeconds(pid) ?? Number.NaN;
  const started = performance.now();
  for (;;) {
    const url = `${objectsUrl}?limit=${pageSize}${next === undefined ? '' : `&next=${encodeURIComponent(next)}`}`;
    const t0 = performance.now();
    const res = await request(url, { headers, dispatcher: agent });
    if (res.statusCode !== 200) throw new Error(`${label}: GET ${url} -> ${res.statusCode} ${await res.body.text()}`);
    const envelope = JSON.parse(await res.body.text()) as Envelope;
    pageMs.push(performance.now() - t0);
    objects += envelope.objects?.length ?? 0;
    if (!envelope.more) break;
    if (envelope.next === undefined) throw new Error(`${label}: more=true without next`);
    next = envelope.next;
  }
  const seconds = (performance.now() - started) / 1000;
  const serverCpuSeconds = (cpuSeconds(pid) ?? Number.NaN) - cpuBefore;
  sampler.stop();
  await agent.close();
  const tenth = Math.max(1, Math.floor(pageMs.length / 10));
  // The very last page may be short; compare the last full one.
  const full = pageMs.length > 1 ? pageMs.slice(0, -1) : pageMs;
  const rssValues = sampler.samples.map((s) => s.rssMiB);
  return {
    label,
    objects,
    pages: pageMs.length,
    seconds,
    firstPageMs: pageMs[0] ?? Number.NaN,
    lastPageMs: full[full.length - 1] ?? Number.NaN,
    firstTenthMs: mean(full.slice(0, tenth)),
    lastTenthMs: mean(full.slice(-tenth)),
    p95PageMs: quantile(pageMs, 0.95),
    serverCpuSeconds,
    rss: {
      start: rssValues[0] ?? Number.NaN,
      mid: rssValues[Math.floor(rssValues.length / 2)] ?? Number.NaN,
      end: rssValues[rssValues.length - 1] ?? Number.NaN,
      peak: Math.max(0, ...rssValues),
    },
  };
}

/** The bare yardstick server over a SQLite file, as a child process. */
async function startBare(sqliteFile: string, collectionId: string, port: number): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', `${REPO}bench/lib/bare-server.ts`, sqliteFile, collectionId, String(port)], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${baseUrl}/`);
  return { baseUrl, pid: child.pid ?? 0, stop: () => stopChild(child) };
}

export function pagingTable(results: readonly PagingResult[]): string {
  return markdownTable(
    ['server', 'objects', 'pages', 'seconds', 'objects/s', 'server CPU s', 'PostgreSQL CPU s', 'objects per server CPU-second', 'first page ms', 'last full page ms', 'first 10% mean ms', 'last 10% mean ms', 'p95 page ms', 'server RSS start → mid → end (peak) MiB'],
    results.map((r) => [
      r.label,
      r.objects.toLocaleString('en-US'),
      r.pages,
      r.seconds.toFixed(1),
      formatRate(r.objects / r.seconds),
      r.serverCpuSeconds.toFixed(1),
      r.databaseCpuSeconds === undefined ? '—' : r.databaseCpuSeconds.toFixed(1),
      formatRate(r.objects / r.serverCpuSeconds),
      formatMs(r.firstPageMs),
      formatMs(r.lastPageMs),
      formatMs(r.firstTenthMs),
      formatMs(r.lastTenthMs),
      formatMs(r.p95PageMs),
      `${r.rss.start.toFixed(0)} → ${r.rss.mid.toFixed(0)} → ${r.rss.end.toFixed(0)} (${r.rss.peak.toFixed(0)})`,
    ]),
  );
}

/** A TCP port nobody listens on at this moment. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port to listen on');
  return address.port;
}

/** This script's own flags, and the rest for readFlags. */
function yardstickFlags(argv: readonly string[]): { yardstick: { file: string; collection: string } | undefined; rest: string[] } {
  const { values, tokens } = parseArgs({
    args: [...argv],
    options: { 'yardstick-db': { type: 'string' }, 'yardstick-collection': { type: 'string' } },
    strict: false,
    tokens: true,
  });
  const own = new Set(['yardstick-db', 'yardstick-collection']);
  const dropped = new Set(tokens.flatMap((t) => (t.kind === 'option' && own.has(t.name) ? [t.index, ...(t.inlineValue ? [] : [t.index + 1])] : [])));
  const file = values['yardstick-db'];
  const collection = values['yardstick-collection'];
  if ((typeof file === 'string') !== (typeof collection === 'string')) throw new Error('--yardstick-db and --yardstick-collection go together');
  return {
    yardstick: typeof file === 'string' && typeof collection === 'string' ? { file, collection } : undefined,
    rest: argv.filter((_, index) => !dropped.has(index)),
  };
}

async function main(): Promise<void> {
  const { yardstick, rest } = yardstickFlags(process.argv.slice(2));
  const flags = readFlags(rest);
  requireBuild();
  const results: PagingResult[] = [];
  for await (const prepared of preparedCollections(flags)) {
    try {
      results.push(await pageEntente(prepared, flags, await freePort()));
      const bare = prepared.sqliteFile !== undefined ? { file: prepared.sqliteFile, collection: prepared.collectionId } : yardstick;
      if (bare !== undefined) results.push(await pageBare(bare.file, bare.collection, flags, await freePort()));
    } finally {
      await prepared.dispose();
    }
  }
  process.stdout.write(`\nLoad average (1, 5, 15 min) at the end: ${loadavg().map((l) => l.toFixed(1)).join(', ')}.\n\n${pagingTable(results)}\n`);
}

/**
 * Waits until a started server's background work (the correlation of a fresh
 * import) is done: under 10% of one core for three seconds running. The read
 * models' followers poll every 200 ms and, on a collection of 200,000 objects
 * on PostgreSQL at load 10, that polling alone took 4-7% of a core, so
 * waitUntilIdle's 2% was never met and the run waited out its 30 minutes.
 */
export async function waitUntilSettled(pid: number, timeoutMs = 30 * 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let quiet = 0;
  let last = cpuSeconds(pid) ?? 0;
  while (quiet < 3) {
    if (performance.now() > deadline) throw new Error(`server ${pid} stayed busy for ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = cpuSeconds(pid) ?? last;
    quiet = now - last < 0.1 ? quiet + 1 : 0;
    last = now;
  }
}

/** `entente serve` over the prepared collection, paged with a Bearer token. */
export async function pageEntente(prepared: PreparedCollection, flags: BenchFlags, port: number): Promise<PagingResult> {
  const cpuLabel = `entente-bench-paging-${port}`;
  const onPostgres = prepared.backend === 'postgres';
  const server = await startEntente(onPostgres ? markedPostgresUrl(prepared.db, cpuLabel) : prepared.db, port);
  try {
    await waitUntilSettled(server.pid);
    if (onPostgres) await waitUntilPostgresQuiet(prepared.db, cpuLabel);
    return await walk(`entente serve (${prepared.backend})`, collectionObjectsUrl(server.baseUrl, prepared.collectionId), flags.pageSize, benchHeaders(), server.pid);
  } finally {
    await server.stop();
  }
}

/** The bare yardstick over the same SQLite file. */
export async function pageBare(sqliteFile: string, collectionId: string, flags: Pick<BenchFlags, 'pageSize'>, port: number): Promise<PagingResult> {
  const bare = await startBare(sqliteFile, collectionId, port);
  try {
    return await walk('bare node:http (sqlite)', `${bare.baseUrl}/`, flags.pageSize, {}, bare.pid);
  } finally {
    await bare.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
