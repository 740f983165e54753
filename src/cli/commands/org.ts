import type { Command } from 'commander';
import { appendAudit } from '../../access/audit-log.js';
import { createOrganization, listOrganizations } from '../../access/organizations.js';
import { ACTOR_FLAGS, ACTOR_HELP, auditedAs, requireAdmin, resolveActor } from '../cli-actor.js';
import { addDbOption, printData, withStore } from '../command-context.js';

/** `entente org add|list`: the organisations users belong to and collections are granted to. */
export function registerOrgCommands(program: Command): void {
  const org = program.command('org').description('Create and list organisations');

  addDbOption(
    org
      .command('add')
      .description('Create an organisation (a STIX identity of class organization) and print its id')
      .argument('<name>', 'the organisation name')
      .option(ACTOR_FLAGS, ACTOR_HELP)
      .option('--json', 'print the organisation as JSON'),
  ).action(async (name: string, flags: { db?: string; as?: string; json?: boolean }) => {
    await withStore(flags, async ({ db }) => {
      const actor = await resolveActor(db, flags.as);
      requireAdmin(actor, 'add organisations');
      const created = await createOrganization(db, { name });
      await appendAudit(db, { action: 'org.add', target: created.id, ...auditedAs(actor, 'org add'), details: { name: created.name } });
      printData(flags.json === true, { id: created.id, name: created.name, identityId: created.identityId }, () => created.id);
    });
  });

  addDbOption(org.command('list').description('List organisations').option('--json', 'print a JSON array')).action(
    async (flags: { db?: string; json?: boolean }) => {
      await withStore(flags, async ({ db }) => {
        const orgs = await listOrganizations(db);
        printData(
          flags.json === true,
          orgs.map((o) => ({ id: o.id, name: o.name, identityId: o.identityId, defaultTlp: o.defaultTlp })),
          () => (orgs.length === 0 ? 'No organisations.' : orgs.map((o) => [o.id, o.name, o.identityId].join('\t')).join('\n')),
        );
      });
    },
  );
}
