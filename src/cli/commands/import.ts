import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { ensureLocalOrganization } from '../../access/bootstrap.js';
import { resolveOrganization } from '../../access/organizations.js';
import { publishObjects, type Publisher } from '../../access/publication.js';
import { EntenteError, isEntenteError } from '../../errors.js';
import type { IncomingObject } from '../../store/object-store.js';
import { addDbOption, printData, withStore, type OpenedStore } from '../command-context.js';
import { countOption } from '../count-option.js';
import { readInWorker, type ReaderSource } from '../import-reader.js';
import { ImportSummary } from '../import-summary.js';
import { createProgressReporter } from '../progress-reporter.js';
import { resolveCollection } from '../resolve-collection.js';

interface ImportFlags {
  db?: string;
  collection?: string;
  org?: string;
  batchSize?: number;
  json?: boolean;
}

/** Exit code when the import ran but refused some objects. */
export const EXIT_SOME_REJECTED = 2;
// Each batch is one transaction (and, on SQLite, one WAL commit). A commit writes every index page the batch
// touched, and the random ids touch pages all over the id indexes, so fewer, larger commits cost less per object:
// over a million objects 50,000 per batch wrote 41 % fewer bytes than 20,000 (BENCHMARKS.md, "A new, slower
// machine"), and 20,000 had taken 18 % fewer CPU-seconds than 5,000. Two batches in memory at a time keep
// the import's memory bounded, and a commit stays short enough (a few seconds) for a server writing to the same
// SQLite file to wait it out (busy timeout 10 s). A crash loses at most the batches not yet committed; importing
// the file again stores only those.
export const IMPORT_BATCH_SIZE = 50_000;
/** The largest `--batch-size`: the batch and the next one are held in memory (≈ 1 KB per object each). */
const MAX_BATCH_SIZE = 1_000_000;
const IMPORT_ORIGIN = { address: null, path: 'cli import' } as const;

/**
 * `entente import FILE|-`: STIX objects from a bundle or NDJSON into a
 * collection. Every object is checked by the STIX 2.1 validator; valid ones are
 * written in transactional batches, invalid ones are counted and reported by
 * reason, and none of them stops the others.
 */
export function registerImportCommand(program: Command): void {
  addDbOption(
    program
      .command('import')
      .description(
        `Import a STIX bundle or NDJSON (one object or bundle per line) from a file or "-" for stdin.\n` +
          `Exit code 0 when every object was accepted or already held, ${EXIT_SOME_REJECTED} when some were rejected, 1 on error.`,
      )
      .argument('<file>', 'a file path, or - for stdin')
      .option('--collection <id>', 'collection id or alias (default: the only collection, or the one titled "default")')
      .option('--org <org>', 'the publishing organisation, by name or id (default: "local")')
      .option('--batch-size <n>', `objects per transaction (default ${IMPORT_BATCH_SIZE.toLocaleString('en')}; fewer use less memory, more write fewer pages)`, countOption(MAX_BATCH_SIZE))
      .option('--json', 'print the summary as JSON'),
  ).action(async (file: string, flags: ImportFlags) => {
    const totalBytes = file === '-' ? undefined : await fileSize(file);
    const source: ReaderSource = file === '-' ? { stdin: process.stdin } : { file };
    const summary = new ImportSummary();
    const collectionId = await withStore(flags, async ({ store, db }) => {
      const collection = await resolveCollection(store, flags.collection);
      const org = flags.org !== undefined ? await resolveOrganization(db, flags.org) : await ensureLocalOrganization(db);
      const publisher: Publisher = { orgId: org.id, userId: null };
      const opened = { store, db };
      await importStream(source, file === '-' ? 'stdin' : file, totalBytes, flags.batchSize ?? IMPORT_BATCH_SIZE, (batch) => writeBatch(opened, collection.id, batch, publisher, summary), summary);
      return collection.id;
    }, { bulkWrite: true });
    const counts = summary.counts();
    printData(flags.json === true, { collection: collectionId, ...counts, rejections: summary.rejections() }, () =>
      summary.render(collectionId),
    );
    if (counts.rejected > 0) process.exitCode = EXIT_SOME_REJECTED;
  });
}

/** The size of `file`, for the progress; refuses a missing file or a folder before anything is opened. */
async function fileSize(file: string): Promise<number> {
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) throw new EntenteError('not_found', `Cannot read ${file}: no such file`);
  if (!info.isFile()) throw new EntenteError('invalid_input', `Cannot read ${file}: not a regular file`);
  return info.size;
}

/**
 * Reads, parses and validates on a worker thread (import-reader.ts) while the
 * main thread writes: one batch is written while the next is read.
 */
async function importStream(
  source: ReaderSource,
  name: string,
  totalBytes: number | undefined,
  batchSize: number,
  write: (batch: readonly IncomingObject[]) => Promise<void>,
  summary: ImportSummary,
): Promise<void> {
  const progress = createProgressReporter(totalBytes);
  let bytes = 0;
  let writing: Promise<void> = Promise.resolve();
  try {
    for await (const batch of readInWorker(source, name, batchSize)) {
      // Rejections are counted as they are read, before the batch they came with is written.
      for (const rejection of batch.rejected) summary.addRejected(rejection.reason, rejection.where);
      ({ bytes } = batch);
      if (batch.objects.length === 0) continue;
      await writing;
      writing = write(batch.objects);
      // Observed here so a failure waits, unreported, for the next await of `writing`, which rethrows it.
      writing.catch(() => undefined);
      progress.update(bytes, summary.counts());
    }
    await writing;
    progress.update(totalBytes ?? bytes, summary.counts());
  } finally {
    // Never close the store under a batch still being written, whatever stopped the reading.
    await writing.catch(() => undefined);
    progress.stop();
  }
}

/**
 * Writes one batch under the sharing rules (access/publication.ts: the
 * organisation's default marking, sharing groups, RED recipients, versions
 * only by the first publisher), one transaction per sharing group. Should the
 * store refuse the batch for one object's sake, each half is written on its
 * own, down to that object, so the others still go in.
 */
async function writeBatch(
  opened: Pick<OpenedStore, 'store' | 'db'>,
  collectionId: string,
  batch: readonly IncomingObject[],
  publisher: Publisher,
  summary: ImportSummary,
): Promise<void> {
  try {
    const outcome = await publishObjects(opened.db, opened.store, collectionId, publisher, batch, IMPORT_ORIGIN);
    for (const failure of outcome.failures) summary.addRejected(failure.message, failure.id);
    count(outcome.results, summary);
  } catch (error) {
    if (!isEntenteError(error) || (error.code !== 'invalid_stix' && error.code !== 'invalid_input')) throw error;
    const only = batch.length === 1 ? batch[0] : undefined;
    if (only !== undefined) {
      summary.addRejected(error.message, only.object.id);
      return;
    }
    const half = Math.ceil(batch.length / 2);
    await writeBatch(opened, collectionId, batch.slice(0, half), publisher, summary);
    await writeBatch(opened, collectionId, batch.slice(half), publisher, summary);
  }
}

function count(results: readonly { status: 'added' | 'duplicate' }[], summary: ImportSummary): void {
  const added = results.filter((r) => r.status === 'added').length;
  summary.addAccepted(added);
  summary.addDuplicate(results.length - added);
}
