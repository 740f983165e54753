import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend, BenchFlags } from './args.js';
import { freshPostgresSchema } from './postgres-schema.js';

/** An empty database for one benchmark run, and how to throw it away. */
export interface BenchDatabase {
  readonly backend: Backend;
  /** What `entente --db` takes: a SQLite file or a postgres:// URL scoped to a fresh schema. */
  readonly db: string;
  /** The SQLite file, for the bare baseline server (SQLite only). */
  readonly sqliteFile?: string;
  dispose(): Promise<void>;
}

export async function freshDatabase(flags: BenchFlags, backend: Backend, label: string): Promise<BenchDatabase> {
  mkdirSync(flags.workDir, { recursive: true });
  if (backend === 'sqlite') {
    const file = join(flags.workDir, `${label}.db`);
    const remove = (): void => {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
    };
    remove();
    return { backend, db: file, sqliteFile: file, dispose: async () => (flags.keep ? undefined : remove()) };
  }
  // The process id keeps two benchmarks running at once on one PostgreSQL server out of each other's schema.
  const schema = `bench_${label.replace(/[^A-Za-z0-9_]/g, '_')}_${process.pid}`;
  const pg = await freshPostgresSchema(flags.postgresUrl, schema);
  if (flags.keep) process.stderr.write(`PostgreSQL schema kept after the run: ${pg.url}\n`);
  return { backend, db: pg.url, dispose: async () => (flags.keep ? undefined : pg.drop()) };
}
