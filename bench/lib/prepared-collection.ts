import type { Backend, BenchFlags } from './args.js';
import { benchFile, importInto } from '../cli-import.js';

/** A collection holding the benchmark objects, ready to be served. */
export interface PreparedCollection {
  readonly backend: Backend;
  readonly db: string;
  readonly sqliteFile: string | undefined;
  readonly collectionId: string;
  dispose(): Promise<void>;
}

/**
 * The collections to benchmark against: the one named by `--db`/`--collection`,
 * or, per backend, a fresh database filled by a (timed) `entente import`.
 */
export async function* preparedCollections(flags: BenchFlags): AsyncGenerator<PreparedCollection> {
  if (flags.db !== undefined && flags.collection !== undefined) {
    const backend = flags.backends[0] ?? 'sqlite';
    yield {
      backend,
      db: flags.db,
      sqliteFile: backend === 'sqlite' ? flags.db : undefined,
      collectionId: flags.collection,
      dispose: async () => undefined,
    };
    return;
  }
  const file = await benchFile(flags);
  for (const backend of flags.backends) {
    const imported = await importInto(flags, backend, file);
    process.stderr.write(`${backend}: imported ${imported.stored} objects in ${imported.seconds.toFixed(1)} s\n`);
    yield {
      backend,
      db: imported.database.db,
      sqliteFile: imported.database.sqliteFile,
      collectionId: imported.collectionId,
      dispose: () => imported.database.dispose(),
    };
  }
}
