import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { appendAudit } from '../../access/audit-log.js';
import { getOrganization, resolveOrganization, type Organization } from '../../access/organizations.js';
import {
  addMemberAs,
  createSharingGroupAs,
  deleteSharingGroup,
  groupIdsOfOrganization,
  listSharingGroups,
  membersVisibleTo,
  removeMemberAs,
  resolveSharingGroup,
  type SharingGroup,
} from '../../access/sharing-groups.js';
import { EntenteError, isEntenteError } from '../../errors.js';
import type { DatabaseSchema } from '../../store/schema.js';
import { addActorOption, auditedAs, cliOrigin, resolveActor, type CliActor } from '../cli-actor.js';
import { addDbOption, printData, withStore } from '../command-context.js';

interface ActorFlags {
  db?: string;
  as?: string;
  json?: boolean;
}

interface AddFlags extends ActorFlags {
  owner: string;
  member: string[];
  extender: string[];
}

interface MemberFlags extends ActorFlags {
  org: string;
  canExtend?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A group command's options: the database, who acts, and JSON output. */
function groupCommand(command: Command): Command {
  return addActorOption(addDbOption(command));
}

/**
 * `entente group add|list|show|add-member|remove-member|remove`: sharing
 * groups, the audiences TLP:AMBER objects are published to (README
 * "Sharing"). Every change is audited with the acting user and organisation
 * (src/cli/cli-actor.ts); membership changes commit with their audit entry.
 * A group and its members are shown only to its member organisations — to an
 * admin too only when its organisation is a member (the operator acts for
 * "local"; `--as` a user of the owner to manage another organisation's group).
 * The rules are access/sharing-groups.ts', shared with the REST API.
 */
export function registerGroupCommands(program: Command): void {
  const group = program.command('group').description('Create, list, show, change and remove sharing groups');

  groupCommand(
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
      const actor = await resolveActor(db, flags.as);
      const owner = await resolveOrganization(db, flags.owner);
      if (actor.role !== 'admin' && owner.id !== actor.orgId) {
        throw new EntenteError('forbidden', `"${actor.username ?? 'operator'}" creates sharing groups for its own organisation only; give --owner of that organisation`);
      }
      const members = [
        ...(await Promise.all(flags.member.map(async (m) => ({ orgId: (await resolveOrganization(db, m)).id, canExtend: false })))),
        ...(await Promise.all(flags.extender.map(async (m) => ({ orgId: (await resolveOrganization(db, m)).id, canExtend: true })))),
      ];
      const created = await createSharingGroupAs(db, { name, ownerOrg: owner.id, members }, actor, cliOrigin('group add'));
      printData(flags.json === true, created, () => created.id);
    });
  });

  groupCommand(group.command('list').description('List the sharing groups the acting organisation belongs to, with their members').option('--json', 'print a JSON array')).action(
    async (flags: ActorFlags) => {
      await withStore(flags, async ({ db }) => {
        const actor = await resolveActor(db, flags.as);
        const listed = await Promise.all((await groupsVisibleTo(db, actor)).map(async (g) => ({ ...g, members: await membersVisibleTo(db, g.id, actor) })));
        printData(flags.json === true, listed, () =>
          listed.length === 0
            ? 'No sharing groups.'
            : listed.map((g) => [g.id, g.name, g.ownerOrg, g.members.map((m) => m.orgId).join(',')].join('\t')).join('\n'),
        );
      });
    },
  );

  groupCommand(
    group
      .command('show')
      .description('Show a sharing group and its members (to its member organisations only)')
      .argument('<group>', 'the group name or id')
      .option('--json', 'print the group as JSON'),
  ).action(async (nameOrId: string, flags: ActorFlags) => {
    await withStore(flags, async ({ db }) => {
      const actor = await resolveActor(db, flags.as);
      const shown = await visibleGroup(db, nameOrId, actor);
      const members = await membersVisibleTo(db, shown.id, actor);
      const names = new Map(await Promise.all(members.map(async (m) => [m.orgId, (await getOrganization(db, m.orgId))?.name ?? m.orgId] as const)));
      printData(flags.json === true, { ...shown, members: members.map((m) => ({ ...m, name: names.get(m.orgId) })) }, () =>
        [
          `${shown.name} (${shown.id}), owner ${names.get(shown.ownerOrg) ?? shown.ownerOrg}`,
          ...members.map((m) => `  ${names.get(m.orgId) ?? m.orgId}\t${m.orgId}${m.canExtend ? '\tmay extend' : ''}`),
        ].join('\n'),
      );
    });
  });

  groupCommand(
    group
      .command('add-member')
      .description('Add an organisation to a sharing group (or change whether it may extend it); it sees the group’s AMBER objects at once')
      .argument('<group>', 'the group name or id')
      .requiredOption('--org <org>', 'the organisation to add (name or id)')
      .option('--can-extend', 'the organisation may add members too'),
  ).action(async (nameOrId: string, flags: MemberFlags) => {
    await withStore(flags, async ({ db }) => {
      const actor = await resolveActor(db, flags.as);
      const { found, org } = await memberChange(db, nameOrId, flags.org, actor);
      await addMemberAs(db, found.id, { orgId: org.id, canExtend: flags.canExtend === true }, actor, cliOrigin('group add-member'));
      process.stdout.write(`${org.name} is a member of ${found.name}${flags.canExtend === true ? ' and may extend it' : ''}\n`);
    });
  });

  groupCommand(
    group
      .command('remove-member')
      .description('Remove an organisation from a sharing group (its owner); the group’s AMBER objects are hidden from it at once')
      .argument('<group>', 'the group name or id')
      .requiredOption('--org <org>', 'the organisation to remove (name or id)'),
  ).action(async (nameOrId: string, flags: MemberFlags) => {
    await withStore(flags, async ({ db }) => {
      const actor = await resolveActor(db, flags.as);
      const { found, org } = await memberChange(db, nameOrId, flags.org, actor);
      await removeMemberAs(db, found.id, org.id, actor, cliOrigin('group remove-member'));
      process.stdout.write(`${org.name} is no longer a member of ${found.name}\n`);
    });
  });

  groupCommand(
    group
      .command('remove')
      .description('Remove a sharing group (its owner): its AMBER objects fall back to their author organisation only')
      .argument('<group>', 'the group name or id'),
  ).action(async (nameOrId: string, flags: ActorFlags) => {
    await withStore(flags, async ({ db }) => {
      const actor = await resolveActor(db, flags.as);
      const found = await visibleGroup(db, nameOrId, actor);
      if (actor.orgId !== found.ownerOrg) {
        throw new EntenteError('forbidden', `Only the organisation that owns sharing group ${found.name} removes it; give --as a user of that organisation`);
      }
      await deleteSharingGroup(db, found.id);
      await appendAudit(db, { action: 'group.remove', target: found.id, ...auditedAs(actor, 'group remove'), details: { name: found.name, owner: found.ownerOrg } });
      process.stdout.write(`Removed sharing group ${found.name} (${found.id})\n`);
    });
  });
}

/** The groups the actor's organisation belongs to (whatever its role). */
async function groupsVisibleTo(db: Kysely<DatabaseSchema>, actor: CliActor): Promise<SharingGroup[]> {
  const groups = await listSharingGroups(db);
  const own = new Set(await groupIdsOfOrganization(db, actor.orgId));
  return groups.filter((g) => own.has(g.id));
}

/** The group a command names, when the actor may see it; one it may not see is not found, exactly like a missing one. */
async function visibleGroup(db: Kysely<DatabaseSchema>, nameOrId: string, actor: CliActor): Promise<SharingGroup> {
  const hidden = new EntenteError('not_found', `No sharing group named or with id "${nameOrId}" that your organisation belongs to`);
  try {
    const found = await resolveSharingGroup(db, nameOrId);
    await membersVisibleTo(db, found.id, actor);
    return found;
  } catch (error) {
    throw isEntenteError(error) && error.code === 'not_found' ? hidden : error;
  }
}

/** The group and organisation a member command names. */
async function memberChange(
  db: Kysely<DatabaseSchema>,
  nameOrId: string,
  orgNameOrId: string,
  actor: CliActor,
): Promise<{ found: SharingGroup; org: Organization }> {
  return { found: await visibleGroup(db, nameOrId, actor), org: await resolveOrganization(db, orgNameOrId) };
}
