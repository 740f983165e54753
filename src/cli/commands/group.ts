import type { Command } from 'commander';
import { appendAudit } from '../../access/audit-log.js';
import { resolveOrganization } from '../../access/organizations.js';
import { createSharingGroup, deleteSharingGroup, listSharingGroups, resolveSharingGroup } from '../../access/sharing-groups.js';
import { withSharing } from '../../access/sharing-schema.js';
import { addDbOption, printData, withStore } from '../command-context.js';

interface AddFlags {
  db?: string;
  owner: string;
  member: string[];
  extender: string[];
  json?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * `entente group add|list|remove`: sharing groups, the audiences TLP:AMBER
 * objects are published to (README "Sharing"). Every change is audited.
 */
export function registerGroupCommands(program: Command): void {
  const group = program.command('group').description('Create, list and remove sharing groups');

  addDbOption(
    group
      .command('add')
      .description('Create a sharing group and print its id (the id objects name in sharing_group_ref)')
      .argument('<name>', 'the group name')
      .requiredOption('--owner <org>', 'the owning organisation (name or id); always a member')
      .option('--member <org>', 'a member organisation (repeatable)', collect, [])
      .option('--extender <org>', 'a member organisation that may add members (repeatable)', collect, [])
      .option('--json', 'print the group as JSON'),
  ).action(async (name: string, flags: AddFlags) => {
    await withStore(flags, async ({ db }) => {
      const owner = await resolveOrganization(db, flags.owner);
      const members = [
        ...(await Promise.all(flags.member.map(async (m) => ({ orgId: (await resolveOrganization(db, m)).id, canExtend: false })))),
        ...(await Promise.all(flags.extender.map(async (m) => ({ orgId: (await resolveOrganization(db, m)).id, canExtend: true })))),
      ];
      const created = await createSharingGroup(db, { name, ownerOrg: owner.id, members });
      await appendAudit(db, {
        action: 'group.add',
        target: created.id,
        path: 'cli group add',
        details: { name: created.name, owner: owner.id, members: members.map((m) => m.orgId) },
      });
      printData(flags.json === true, created, () => created.id);
    });
  });

  addDbOption(group.command('list').description('List sharing groups with their members').option('--json', 'print a JSON array')).action(
    async (flags: { db?: string; json?: boolean }) => {
      await withStore(flags, async ({ db }) => {
        const groups = await listSharingGroups(db);
        const members = await withSharing(db).selectFrom('sharing_group_members').select(['group_id', 'org_id', 'can_extend']).execute();
        const listed = groups.map((g) => ({
          ...g,
          members: members.filter((m) => m.group_id === g.id).map((m) => ({ orgId: m.org_id, canExtend: Number(m.can_extend) !== 0 })),
        }));
        printData(flags.json === true, listed, () =>
          listed.length === 0
            ? 'No sharing groups.'
            : listed.map((g) => [g.id, g.name, g.ownerOrg, g.members.map((m) => m.orgId).join(',')].join('\t')).join('\n'),
        );
      });
    },
  );

  addDbOption(
    group
      .command('remove')
      .description('Remove a sharing group: its AMBER objects fall back to their author organisation only')
      .argument('<group>', 'the group name or id'),
  ).action(async (nameOrId: string, flags: { db?: string }) => {
    await withStore(flags, async ({ db }) => {
      const found = await resolveSharingGroup(db, nameOrId);
      await deleteSharingGroup(db, found.id);
      await appendAudit(db, { action: 'group.remove', target: found.id, path: 'cli group remove', details: { name: found.name, owner: found.ownerOrg } });
      process.stdout.write(`Removed sharing group ${found.name} (${found.id})\n`);
    });
  });
}
