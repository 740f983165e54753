import type { Command } from 'commander';
import { appendAudit } from '../../access/audit-log.js';
import { grantCollection, revokeCollectionGrant } from '../../access/collection-grants.js';
import { resolveOrganization } from '../../access/organizations.js';
import { ACTOR_FLAGS, ACTOR_HELP, auditedAs, requireAdmin, resolveActor } from '../cli-actor.js';
import { addDbOption, printData, withStore } from '../command-context.js';
import { resolveCollection } from '../resolve-collection.js';

interface GrantFlags {
  db?: string;
  as?: string;
  org: string;
  read?: boolean;
  write?: boolean;
  json?: boolean;
}

/**
 * `entente collection grant COLLECTION --org ORG [--read] [--write]` and
 * `collection revoke`: an organisation's rights on a collection (DESIGN.md:
 * "Collections grant read/write to organisations"). Markings still decide,
 * object by object, what a reader sees. Every change is audited with the
 * acting user and organisation (src/cli/cli-actor.ts).
 */
export function registerCollectionGrantCommands(collection: Command): void {
  addDbOption(
    collection
      .command('grant')
      .description('Set an organisation’s rights on a collection (replaces its earlier grant; --write implies --read)')
      .argument('<collection>', 'collection id or alias')
      .requiredOption('--org <org>', 'organisation name or id')
      .option('--read', 'may read')
      .option('--write', 'may write (and read)')
      .option(ACTOR_FLAGS, ACTOR_HELP)
      .option('--json', 'print the grant as JSON'),
  ).action(async (nameOrId: string, flags: GrantFlags) => {
    await withStore(flags, async ({ store, db }) => {
      const actor = await resolveActor(db, flags.as);
      requireAdmin(actor, 'grant collections');
      const found = await resolveCollection(store, nameOrId);
      const org = await resolveOrganization(db, flags.org);
      const canWrite = flags.write === true;
      const grant = await grantCollection(db, { collectionId: found.id, orgId: org.id, canRead: canWrite || flags.read === true, canWrite });
      await appendAudit(db, {
        action: 'collection.grant',
        target: found.id,
        ...auditedAs(actor, 'collection grant'),
        details: { org: org.id, canRead: grant.canRead, canWrite: grant.canWrite },
      });
      printData(flags.json === true, grant, () => `${org.name} on ${found.title}: ${grant.canWrite ? 'read, write' : grant.canRead ? 'read' : 'no access'}`);
    });
  });

  addDbOption(
    collection
      .command('revoke')
      .description('Remove an organisation’s rights on a collection')
      .argument('<collection>', 'collection id or alias')
      .requiredOption('--org <org>', 'organisation name or id')
      .option(ACTOR_FLAGS, ACTOR_HELP),
  ).action(async (nameOrId: string, flags: { db?: string; as?: string; org: string }) => {
    await withStore(flags, async ({ store, db }) => {
      const actor = await resolveActor(db, flags.as);
      requireAdmin(actor, 'revoke collection grants');
      const found = await resolveCollection(store, nameOrId);
      const org = await resolveOrganization(db, flags.org);
      await revokeCollectionGrant(db, found.id, org.id);
      await appendAudit(db, { action: 'collection.revoke', target: found.id, ...auditedAs(actor, 'collection revoke'), details: { org: org.id } });
      process.stdout.write(`${org.name} has no access to ${found.title}\n`);
    });
  });
}
