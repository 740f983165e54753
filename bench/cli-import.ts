/**
 * Benchmark (a): importing N STIX objects with full validation through the
 * real `entente import` command, on SQLite and PostgreSQL.
 *
 *   npm run build && npx tsx bench/cli-import.ts --objects 1000000 [--backend sqlite|postgres|both]
 *
 * Prints a Markdown table; target ≥ 25,000 objects/s (issue 2).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFlags, type Backend, type BenchFlags } from './lib/args.js';
import { freshDatabase, type BenchDatabase } from './lib/bench-database.js';
import { REPO, RssSampler, requireBuild, runEntente } from './lib/entente-process.js';
import { writeNdjson } from './lib/generate-objects.js';
import { formatRate, markdownTable } from './lib/markdown.js';
import { openStore } from '../src/store/open-store.js';

export interface ImportResult {
  readonly backend: Backend;
  readonly objects: number;
  readonly stored: number;
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly database: BenchDatabase;
  readonly collectionId: string;
}

/** Generates (or reuses) the NDJSON file of `count` objects. */
export async function benchFile(flags: BenchFlags): Promise<string> {
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
  const args = [`${REPO}bin/entente.js`, 'import', file, '--db', database.db, '--collection', created.id];
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, ENTENTE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const sampler = new RssSampler(child.pid ?? 0);
  sampler.start(250);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seconds = (performance.now() - started) / 1000;
  sampler.stop();
  if (code !== 0) throw new Error(`entente import exited ${code}: ${output.slice(-2000)}`);
  const opened = await openStore(database.db);
  const stored = await opened.store.countObjects(created.id);
  await opened.store.close();
  return { backend, objects: flags.objects, stored, seconds, peakRssMiB: sampler.peak(), database, collectionId: created.id };
}

export function importTable(results: readonly ImportResult[]): string {
  return markdownTable(
    ['backend', 'objects', 'stored', 'seconds', 'objects/s', 'target', 'peak RSS of `entente import`'],
    results.map((r) => [
      r.backend,
      r.objects.toLocaleString('en-US'),
      r.stored.toLocaleString('en-US'),
      r.seconds.toFixed(1),
      formatRate(r.stored / r.seconds),
      r.stored / r.seconds >= 25_000 ? '≥ 25,000 ✓' : '≥ 25,000 ✗',
      `${r.peakRssMiB.toFixed(0)} MiB`,
    ]),
  );
}

async function main(): Promise<void> {
  const flags = readFlags();
  requireBuild();
  const file = await benchFile(flags);
  const results: ImportResult[] = [];
  for (const backend of flags.backends) {
    const result = await importInto(flags, backend, file);
    results.push(result);
    await result.database.dispose();
  }
  process.stdout.write(`\n${importTable(results)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
