import type { Command } from 'commander';
import { ensureLocalOrganization } from '../../access/bootstrap.js';
import { createGrantedCollection } from '../../access/granted-collection.js';
import { resolveOrganization } from '../../access/organizations.js';
import { addActorOption, auditedAs, requireAdmin, resolveActor } from '../cli-actor.js';
import { addDbOption, printData, withStore } from '../command-context.js';
import { registerCollectionGrantCommands } from './collection-grant.js';

interface AddFlags {
  db?: string;
  description?: string;
  alias?: string;
  org?: string;
  as?: string;
  json?: boolean;
}

/** `entente collection add|list`: the TAXII collections (TAXII 2.1 §5.2) of this instance. */
export function registerCollectionCommands(program: Command): void {
  const collection = program.command('collection').description('Create and list TAXII collections');

  addDbOption(
    addActorOption(
      collection
        .command('add')
        .description('Create a collection, grant it to an organisation, and print its id')
        .argument('<name>', 'the collection title')
        .option('--description <text>', 'what the collection holds')
        .option('--alias <alias>', 'a short unique name usable instead of the id (TAXII 2.1 §5.2)')
        .option('--org <org>', 'organisation (name or id) granted read and write (default: "local")')
        .option('--json', 'print {"id": …} as JSON'),
    ),
  ).action(async (name: string, flags: AddFlags) => {
    await withStore(flags, async ({ db }) => {
      const actor = await resolveActor(db, flags.as);
      requireAdmin(actor, 'create collections');
      const org = flags.org !== undefined ? await resolveOrganization(db, flags.org) : await ensureLocalOrganization(db);
      // As REST POST /collections: the collection, its grant and the audit entry commit together or not at all.
      const created = await createGrantedCollection(db, { title: name, description: flags.description, alias: flags.alias }, org.id, auditedAs(actor, 'collection add'));
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
