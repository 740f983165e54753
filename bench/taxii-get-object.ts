/**
 * Benchmark (c): GET one object by id over HTTP (TAXII 2.1 §5.6), one
 * request at a time on a keep-alive connection: median and p95.
 *
 *   npm run build && npx tsx bench/taxii-get-object.ts --objects 1000000 --requests 2000
 *
 * Target: median under 2 ms on loopback (issue 2).
 */
import { pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { readFlags, type BenchFlags } from './lib/args.js';
import { benchHeaders, collectionObjectsUrl, cpuSeconds, requireBuild, SETTLED_CORE_SHARE, startEntente, waitUntilIdle } from './lib/entente-process.js';
import { stixId, typeOf } from './lib/generate-objects.js';
import { formatMs, markdownTable } from './lib/markdown.js';
import { preparedCollections } from './lib/prepared-collection.js';
import { quantile } from './lib/stats.js';

export interface GetObjectResult {
  readonly label: string;
  readonly requests: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Server CPU (user + system) per measured request, when the server's pid was given. */
  readonly serverCpuMs?: number;
}

const WARM_UP = 200;

/** `requests` GETs of objects spread over the whole collection (deterministic ids). */
export async function getObjectBench(
  label: string,
  objectsUrl: string,
  flags: BenchFlags,
  headers: Record<string, string>,
  serverPid?: number,
): Promise<GetObjectResult> {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 1 });
  const times: number[] = [];
  let cpuAtStart: number | undefined;
  let seed = 12345;
  for (let n = 0; n < WARM_UP + flags.requests; n++) {
    if (n === WARM_UP && serverPid !== undefined) cpuAtStart = cpuSeconds(serverPid);
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const i = seed % flags.objects;
    const id = stixId(typeOf(i), i);
    const t0 = performance.now();
    const res = await request(`${objectsUrl}${id}/`, { headers, dispatcher: agent });
    const body = await res.body.text();
    const ms = performance.now() - t0;
    if (res.statusCode !== 200) throw new Error(`${label}: GET ${id} -> ${res.statusCode} ${body.slice(0, 300)}`);
    const envelope = JSON.parse(body) as { objects?: { id?: string }[] };
    if (envelope.objects?.[0]?.id !== id) throw new Error(`${label}: GET ${id} returned ${body.slice(0, 300)}`);
    if (n >= WARM_UP) times.push(ms);
  }
  const cpuAtEnd = serverPid === undefined ? undefined : cpuSeconds(serverPid);
  await agent.close();
  return {
    ...(cpuAtStart !== undefined && cpuAtEnd !== undefined ? { serverCpuMs: ((cpuAtEnd - cpuAtStart) * 1000) / times.length } : {}),
    label,
    requests: times.length,
    medianMs: quantile(times, 0.5),
    p95Ms: quantile(times, 0.95),
    p99Ms: quantile(times, 0.99),
    maxMs: Math.max(...times),
  };
}

export function getObjectTable(results: readonly GetObjectResult[]): string {
  return markdownTable(
    ['server', 'requests', 'median ms', 'p95 ms', 'p99 ms', 'max ms', 'server CPU ms per GET', 'target'],
    results.map((r) => [
      r.label,
      r.requests,
      formatMs(r.medianMs),
      formatMs(r.p95Ms),
      formatMs(r.p99Ms),
      formatMs(r.maxMs),
      r.serverCpuMs === undefined ? '' : formatMs(r.serverCpuMs),
      r.medianMs < 2 ? 'median < 2 ms ✓' : 'median < 2 ms ✗',
    ]),
  );
}

async function main(): Promise<void> {
  const flags = readFlags();
  requireBuild();
  const results: GetObjectResult[] = [];
  let port = 18_600;
  for await (const prepared of preparedCollections(flags)) {
    const server = await startEntente(prepared.db, port++);
    try {
      // Under 10% of a core, as bench/taxii-paging.ts waits: the followers' polling alone can take 4-7% on PostgreSQL.
      await waitUntilIdle(server.pid, undefined, SETTLED_CORE_SHARE);
      const url = collectionObjectsUrl(server.baseUrl, prepared.collectionId);
      results.push(await getObjectBench(`entente serve (${prepared.backend})`, url, flags, benchHeaders(), server.pid));
    } finally {
      await server.stop();
      await prepared.dispose();
    }
  }
  process.stdout.write(`\n${getObjectTable(results)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
