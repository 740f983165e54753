import type { Command } from 'commander';
import { grantCollection } from '../../access/collection-grants.js';
import { ensureLocalOrganization } from '../../access/bootstrap.js';
import { resolveOrganization } from '../../access/organizations.js';
import { addDbOption, printData, withStore } from '../command-context.js';
import { registerCollectionGrantCommands } from './collection-grant.js';

interface AddFlags {
  db?: string;
  description?: string;
  alias?: string;
  org?: string;
  json?: boolean;
}

/** `entente collection add|list`: the TAXII collections (TAXII 2.1 §5.2) of this instance. */
export function registerCollectionCommands(program: Command): void {
  const collection = program.command('collection').description('Create and list TAXII collections');

  addDbOption(
    collection
      .command('add')
      .description('Create a collection and print its id')
      .argument('<name>', 'the collection title')
      .option('--description <text>', 'what the collection holds')
      .option('--alias <alias>', 'a short unique name usable instead of the id (TAXII 2.1 §5.2)')
      .option('--org <org>', 'organisation (name or id) granted read and write (default: "local")')
      .option('--json', 'print {"id": …} as JSON'),
  ).action(async (name: string, flags: AddFlags) => {
    await withStore(flags, async ({ store, db }) => {
      const org = flags.org !== undefined ? await resolveOrganization(db, flags.org) : await ensureLocalOrganization(db);
      const created = await store.createCollection({
        title: name,
        ...(flags.description !== undefined ? { description: flags.description } : {}),
        ...(flags.alias !== undefined ? { alias: flags.alias } : {}),
      });
      await grantCollection(db, { collectionId: created.id, orgId: org.id, canRead: true, canWrite: true });
      printData(flags.json === true, { id: created.id }, () => created.id);
    });
  });

  addDbOption(
    collection.command('list').description('List the collections').option('--json', 'print a JSON array'),
  ).action(async (flags: { db?: string; json?: boolean }) => {
    await withStore(flags, async ({ store }) => {
      const collections = await store.listCollections();
      printData(
        flags.json === true,
        collections.map((c) => ({ id: c.id, title: c.title, description: c.description, alias: c.alias })),
        () =>
          collections.length === 0
            ? 'No collections.'
            : collections.map((c) => [c.id, c.title, c.alias ?? '-', c.description ?? ''].join('\t')).join('\n'),
      );
    });
  });

  registerCollectionGrantCommands(collection);
}
