/**
 * Benchmark (a): importing N STIX objects with full validation through the
 * real `entente import` command, on SQLite and PostgreSQL.
 *
 *   npm run build && npx tsx bench/cli-import.ts --objects 1000000 [--backend sqlite|postgres|both]
 *
 * Prints a Markdown table; target ≥ 25,000 objects/s (issue 2). On PostgreSQL it
 * also gives the CPU-seconds of the server's backends serving the import (the
 * server must run on this machine; bench/lib/postgres-cpu.ts).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFlags, type Backend, type BenchFlags } from './lib/args.js';
import { freshDatabase, type BenchDatabase } from './lib/bench-database.js';
import { REPO, requireBuild, runEntente } from './lib/entente-process.js';
import { writeNdjson } from './lib/generate-objects.js';
import { formatRate, markdownTable } from './lib/markdown.js';
import { watchPostgresCpu } from './lib/postgres-cpu.js';
import { openStore } from '../src/store/open-store.js';

export interface ImportResult {
  readonly backend: Backend;
  readonly objects: number;
  readonly stored: number;
  readonly rejected: number;
  /** The most frequent rejection reason, when some objects were refused. */
  readonly firstRejection: string | undefined;
  readonly seconds: number;
  /** User + system CPU seconds of the `entente import` process (its SQLite work included; PostgreSQL's own is not). */
  readonly cpuSeconds: number;
  /** PostgreSQL only: CPU-seconds of the server backends serving the import, and of the server's background processes meanwhile. */
  readonly postgresCpu?: { readonly backendSeconds: number; readonly backgroundSeconds: number };
  /** 1-minute load average at the start and at the end of the import. */
  readonly load: readonly [number, number];
  readonly peakRssMiB: number;
  readonly database: BenchDatabase;
  readonly collectionId: string;
}

/** Generates (or reuses) the NDJSON file of `count` objects. */
export async function benchFile(flags: BenchFlags): Promise<string> {
  mkdirSync(flags.workDir, { recursive: true });
  const path = join(flags.workDir, `objects-${flags.objects}.ndjson`);
  const started = performance.now();
  const { bytes } = await writeNdjson(path, flags.objects);
  process.stderr.write(`input: ${path} (${(bytes / 2 ** 20).toFixed(0)} MiB, ${((performance.now() - started) / 1000).toFixed(1)} s to prepare)\n`);
  return path;
}

/** One timed `entente import` into a fresh database; the database is kept for the other benchmarks. */
export async function importInto(flags: BenchFlags, backend: Backend, file: string): Promise<ImportResult> {
  const database = await freshDatabase(flags, backend, `import_${flags.objects}`);
  const created = JSON.parse(runEntente(['collection', 'add', 'bench', '--db', database.db, '--json'])) as { id: string };
  // On PostgreSQL most of the import's work is the server's: its backends' CPU is read from /proc meanwhile.
  const watch = backend === 'postgres' ? await watchPostgresCpu(database.db, 'entente-bench-import') : undefined;
  // /usr/bin/time reports the child's CPU time and peak RSS once it has exited.
  const args = ['-f', 'entente-bench-rusage %e %U %S %M', process.execPath, `${REPO}bin/entente.js`, 'import', file, '--db', watch?.url ?? database.db, '--collection', created.id, '--json'];
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const started = performance.now();
  const child = spawn('/usr/bin/time', args, {
    cwd: REPO,
    env: { ...process.env, ENTENTE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seconds = (performance.now() - started) / 1000;
  const loadAtEnd = loadavg()[0] ?? Number.NaN;
  const postgresCpu = await watch?.stop();
  const rusage = /entente-bench-rusage [\d.]+ ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  // Exit code 2: the import ran but refused some objects (reported, not fatal here).
  if (code !== 0 && code !== 2) throw new Error(`entente import exited ${code}: ${stderr.slice(-2000)}`);
  const summary = JSON.parse(stdout) as { rejected: number; rejections: { reason: string; count: number }[] };
  const opened = await openStore(database.db);
  const stored = await opened.store.countObjects(created.id);
  await opened.store.close();
  return {
    backend,
    objects: flags.objects,
    stored,
    rejected: summary.rejected,
    firstRejection: summary.rejections[0] === undefined ? undefined : `${summary.rejections[0].count} × ${summary.rejections[0].reason}`,
    seconds,
    cpuSeconds: rusage ? Number(rusage[1]) + Number(rusage[2]) : Number.NaN,
    peakRssMiB: rusage ? Number(rusage[3]) / 1024 : Number.NaN,
    ...(postgresCpu === undefined ? {} : { postgresCpu }),
    load: [loadAtStart, loadAtEnd],
    database,
    collectionId: created.id,
  };
}

export function importTable(results: readonly ImportResult[]): string {
  return markdownTable(
    [
      'backend',
      'objects',
      'stored',
      'rejected',
      'seconds',
      'objects/s',
      'target',
      'CPU s',
      'objects per CPU-second',
      'PostgreSQL CPU s: backends / background',
      'peak RSS of `entente import`',
      'load average at start / end',
    ],
    results.map((r) => [
      r.backend,
      r.objects.toLocaleString('en-US'),
      r.stored.toLocaleString('en-US'),
      r.rejected === 0 ? '0' : `${r.rejected} (${r.firstRejection ?? ''})`,
      r.seconds.toFixed(1),
      formatRate(r.stored / r.seconds),
      r.stored / r.seconds >= 25_000 ? '≥ 25,000 ✓' : '≥ 25,000 ✗',
      r.cpuSeconds.toFixed(1),
      formatRate(r.stored / r.cpuSeconds),
      r.postgresCpu === undefined ? '—' : `${r.postgresCpu.backendSeconds.toFixed(1)} / ${r.postgresCpu.backgroundSeconds.toFixed(1)}`,
      `${r.peakRssMiB.toFixed(0)} MiB`,
      `${r.load[0].toFixed(1)} / ${r.load[1].toFixed(1)}`,
    ]),
  );
}

/** The machine is shared: the load average goes with every figure. */
function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
}

async function main(): Promise<void> {
  const flags = readFlags();
  requireBuild();
  const file = await benchFile(flags);
  const loadAtStart = loadAverage();
  const results: ImportResult[] = [];
  for (const backend of flags.backends) {
    const result = await importInto(flags, backend, file);
    results.push(result);
    await result.database.dispose();
  }
  process.stdout.write(`\nLoad average (1, 5, 15 min) at start: ${loadAtStart}; at end: ${loadAverage()}.\n\n${importTable(results)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
