import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import type { Collection, ObjectStore } from '../../store/object-store.js';
import { addDbOption, withStore } from '../command-context.js';
import { resolveCollection } from '../resolve-collection.js';
import { fileSink, stdoutSink, type TextSink } from '../output-file.js';

interface ExportFlags {
  db?: string;
  collection?: string;
  format: 'bundle' | 'ndjson';
  out?: string;
}

const PAGE_SIZE = 1000;

/**
 * `entente export`: every version of every object of a collection (or of all
 * collections), streamed page by page as a STIX bundle or NDJSON. Objects are
 * written exactly as stored.
 */
export function registerExportCommand(program: Command): void {
  addDbOption(
    program
      .command('export')
      .description('Write objects (all versions) as a STIX bundle or NDJSON, to a file or stdout')
      .option('--collection <id>', 'collection id or alias (default: every collection, one after the other)')
      .addOption(new Option('--format <format>', 'output form').choices(['bundle', 'ndjson']).default('bundle'))
      .option('--out <file>', 'write to this file (created complete or not at all) instead of stdout'),
  ).action(async (flags: ExportFlags) => {
    await withStore(flags, async ({ store }) => {
      const chosen =
        flags.collection === undefined ? await store.listCollections() : [await resolveCollection(store, flags.collection)];
      const sink = flags.out === undefined ? stdoutSink() : fileSink(flags.out);
      try {
        const count = await writeObjects(store, chosen, flags.format, sink);
        await sink.commit();
        process.stderr.write(`Exported ${count} objects from ${chosen.length} collection(s)${flags.out ? ` to ${flags.out}` : ''}\n`);
      } catch (error) {
        await sink.abort();
        throw error;
      }
    });
  });
}

async function writeObjects(store: ObjectStore, collections: readonly Collection[], format: ExportFlags['format'], sink: TextSink): Promise<number> {
  const bundle = format === 'bundle';
  if (bundle) await sink.write(`{"type":"bundle","id":"bundle--${randomUUID()}","objects":[`);
  let count = 0;
  for (const collection of collections) {
    let next: string | undefined;
    do {
      const page = await store.queryObjectTexts(
        collection.id,
        { limit: PAGE_SIZE, versions: [{ kind: 'all' }], ...(next !== undefined ? { next } : {}) },
        { kind: 'all' },
      );
      if (page.items.length > 0) {
        const texts = page.items.map((item) => item.json);
        await sink.write(bundle ? `${count === 0 ? '\n' : ',\n'}${texts.join(',\n')}` : `${texts.join('\n')}\n`);
        count += page.items.length;
      }
      next = page.more ? page.next : undefined;
    } while (next !== undefined);
  }
  if (bundle) await sink.write('\n]}\n');
  return count;
}
