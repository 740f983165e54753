import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import type { RequestOrigin } from './access-audit.js';
import { appendAudit } from './audit-log.js';
import type { Role } from './principal.js';
import { withSharing } from './sharing-schema.js';

/**
 * Sharing groups (issue 4): named sets of organisations, owned by one, that
 * TLP:AMBER objects are published to. The owner is always a member and may
 * extend the group; other members may extend it only when allowed. Membership
 * is read by every query at the time it runs, so adding a member shows it the
 * group's earlier AMBER objects and removing one hides them again.
 */
export interface SharingGroup {
  readonly id: string;
  readonly name: string;
  readonly ownerOrg: string;
  readonly createdAt: number;
}

export interface GroupMember {
  readonly orgId: string;
  readonly canExtend: boolean;
}

const MAX_NAME_LENGTH = 200;

function checkGroupName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > MAX_NAME_LENGTH || /\p{Cc}/u.test(trimmed)) {
    throw new EntenteError('invalid_input', `A sharing group name needs 1 to ${MAX_NAME_LENGTH} characters and no control characters`, {
      name,
    });
  }
  return trimmed;
}

export interface NewSharingGroup {
  readonly name: string;
  readonly ownerOrg: string;
  readonly members?: readonly GroupMember[];
}

/** Creates a group with its members, in one transaction; `inTransaction` runs inside it (an audit entry). */
export async function createSharingGroup(
  db: Kysely<DatabaseSchema>,
  input: NewSharingGroup,
  now: number = nowMicros(),
  inTransaction?: (trx: Kysely<DatabaseSchema>, group: SharingGroup) => Promise<void>,
): Promise<SharingGroup> {
  const name = checkGroupName(input.name);
  const group: SharingGroup = { id: randomUUID(), name, ownerOrg: input.ownerOrg, createdAt: now };
  const members = new Map<string, boolean>([[input.ownerOrg, true]]);
  for (const member of input.members ?? []) if (member.orgId !== input.ownerOrg) members.set(member.orgId, member.canExtend);
  try {
    await db.transaction().execute(async (trx) => {
      const sharing = withSharing(trx);
      await sharing.insertInto('sharing_groups').values({ id: group.id, name, owner_org: group.ownerOrg, created_at: now }).execute();
      await sharing
        .insertInto('sharing_group_members')
        .values([...members].map(([orgId, canExtend]) => ({ group_id: group.id, org_id: orgId, can_extend: canExtend ? 1 : 0 })))
        .execute();
      await inTransaction?.(trx, group);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new EntenteError('conflict', `A sharing group named "${name}" already exists`, { name });
    throw error;
  }
  return group;
}

/** Creates a group (CLI `group add`, REST `POST /groups`) and records it in the audit log in the same transaction. */
export async function createSharingGroupAs(
  db: Kysely<DatabaseSchema>,
  input: NewSharingGroup,
  actor: GroupActor,
  origin: RequestOrigin,
): Promise<SharingGroup> {
  return await createSharingGroup(db, input, nowMicros(), async (trx, group) => {
    await appendAudit(trx, {
      action: 'group.add',
      actorUser: actor.userId,
      actorOrg: actor.orgId,
      target: group.id,
      ...origin,
      details: { name: group.name, owner: group.ownerOrg, members: (input.members ?? []).map((m) => m.orgId) },
    });
  });
}

export async function getSharingGroup(db: Kysely<DatabaseSchema>, id: string): Promise<SharingGroup | undefined> {
  const row = await withSharing(db).selectFrom('sharing_groups').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toGroup(row);
}

/** Resolves a name or id the way a person typed it; throws `not_found` naming it. */
export async function resolveSharingGroup(db: Kysely<DatabaseSchema>, nameOrId: string): Promise<SharingGroup> {
  const row = await withSharing(db)
    .selectFrom('sharing_groups')
    .selectAll()
    .where((eb) => eb.or([eb('name', '=', nameOrId.trim()), eb('id', '=', nameOrId)]))
    .executeTakeFirst();
  if (row === undefined) throw new EntenteError('not_found', `No sharing group named or with id "${nameOrId}"`);
  return toGroup(row);
}

/** Every group, for the instance operator (CLI); organisations see only their own (`groupsOfOrganization`). */
export async function listSharingGroups(db: Kysely<DatabaseSchema>): Promise<SharingGroup[]> {
  const rows = await withSharing(db).selectFrom('sharing_groups').selectAll().orderBy('name').execute();
  return rows.map(toGroup);
}

/** The ids of the groups an organisation belongs to. */
export async function groupIdsOfOrganization(db: Kysely<DatabaseSchema>, orgId: string): Promise<string[]> {
  const rows = await withSharing(db).selectFrom('sharing_group_members').select('group_id').where('org_id', '=', orgId).execute();
  return rows.map((row) => row.group_id);
}

/** Adds (or updates) a member; `actorOrg` must be a member allowed to extend the group. */
export async function addGroupMember(
  db: Kysely<DatabaseSchema>,
  groupId: string,
  member: GroupMember,
  actorOrg: string,
): Promise<void> {
  await requireExtender(db, groupId, actorOrg);
  refuseOwnerChange(await getSharingGroup(db, groupId), groupId, member);
  await db.transaction().execute(async (trx) => upsertMember(trx, groupId, member));
}

/** Removes a member (never the owner); `actorOrg` must be the owner. */
export async function removeGroupMember(db: Kysely<DatabaseSchema>, groupId: string, orgId: string, actorOrg: string): Promise<void> {
  requireOwnerRemoving(await getSharingGroup(db, groupId), groupId, orgId, actorOrg);
  await withSharing(db).deleteFrom('sharing_group_members').where('group_id', '=', groupId).where('org_id', '=', orgId).execute();
}

/**
 * Removes a group and its memberships. Its AMBER objects keep their
 * `sharing_group`, which then matches no organisation: they fall back to
 * their author's organisation only, never wider.
 */
export async function deleteSharingGroup(db: Kysely<DatabaseSchema>, groupId: string): Promise<void> {
  await withSharing(db).deleteFrom('sharing_groups').where('id', '=', groupId).execute();
}

/**
 * Who changes or reads a group's membership: a Principal (REST) or the
 * command line's actor. Everyone, instance admins included, acts for its
 * organisation under the group's rules (issue 4: "a group's membership list
 * is visible only to its members"): the admin role manages the instance, it
 * does not open other organisations' groups.
 */
export interface GroupActor {
  readonly userId: string | null;
  readonly orgId: string;
  readonly role: Role;
}

/**
 * Adds a member, or changes whether it may extend the group, and records it in
 * the audit log in the same transaction. Allowed to members that may extend
 * the group. The owner's own membership is not
 * changed this way: it is always a member that may extend.
 */
export async function addMemberAs(
  db: Kysely<DatabaseSchema>,
  groupId: string,
  member: GroupMember,
  actor: GroupActor,
  origin: RequestOrigin,
): Promise<void> {
  await changeMembership(db, groupId, actor, origin, {
    action: 'group.member-add',
    details: { org: member.orgId, canExtend: member.canExtend },
    check: (group) => refuseOwnerChange(group, group.name, member),
    change: async (trx) => {
      await requireExtender(trx, groupId, actor.orgId);
      await upsertMember(trx, groupId, member);
    },
  });
}

/**
 * Removes a member (never the owner) and records it in the audit log in the
 * same transaction. Allowed to the owner organisation.
 * What the group's AMBER objects showed the member is hidden from its next query.
 */
export async function removeMemberAs(
  db: Kysely<DatabaseSchema>,
  groupId: string,
  orgId: string,
  actor: GroupActor,
  origin: RequestOrigin,
): Promise<void> {
  await changeMembership(db, groupId, actor, origin, {
    action: 'group.member-remove',
    details: { org: orgId },
    check: (group) => requireOwnerRemoving(group, group.name, orgId, actor.orgId),
    change: async (trx, group) => {
      const removed = await withSharing(trx)
        .deleteFrom('sharing_group_members')
        .where('group_id', '=', groupId)
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      if (removed.numDeletedRows === 0n) throw new EntenteError('not_found', `Organisation ${orgId} is not a member of sharing group ${group.name}`);
    },
  });
}

/**
 * The common course of a membership change by an actor: the group must be
 * one the actor's organisation belongs to, `check` may refuse the change
 * before anything is written, then `change` and its audit entry commit in
 * one transaction.
 */
async function changeMembership(
  db: Kysely<DatabaseSchema>,
  groupId: string,
  actor: GroupActor,
  origin: RequestOrigin,
  how: {
    readonly action: string;
    readonly details: Readonly<Record<string, unknown>>;
    readonly check: (group: SharingGroup) => void;
    readonly change: (trx: Kysely<DatabaseSchema>, group: SharingGroup) => Promise<void>;
  },
): Promise<void> {
  const group = await requireVisibleGroup(db, groupId, actor);
  how.check(group);
  await db.transaction().execute(async (trx) => {
    await how.change(trx, group);
    await appendAudit(trx, { action: how.action, actorUser: actor.userId, actorOrg: actor.orgId, target: groupId, ...origin, details: how.details });
  });
}

/** Adds the member, or sets whether it may extend the group when it is one already. */
async function upsertMember(db: Kysely<DatabaseSchema>, groupId: string, member: GroupMember): Promise<void> {
  const sharing = withSharing(db);
  const updated = await sharing
    .updateTable('sharing_group_members')
    .set({ can_extend: member.canExtend ? 1 : 0 })
    .where('group_id', '=', groupId)
    .where('org_id', '=', member.orgId)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) {
    await sharing.insertInto('sharing_group_members').values({ group_id: groupId, org_id: member.orgId, can_extend: member.canExtend ? 1 : 0 }).execute();
  }
}

/** The owner is always a member that may extend: its membership is not changed by adding it. `label` names the group in the message. */
function refuseOwnerChange(group: SharingGroup | undefined, label: string, member: GroupMember): void {
  if (member.orgId === group?.ownerOrg) throw new EntenteError('invalid_input', `The owner of sharing group ${label} is always a member that may extend it`);
}

/** Only the owner removes members, and never itself. `label` names the group in the message. */
function requireOwnerRemoving(group: SharingGroup | undefined, label: string, orgId: string, actorOrg: string): void {
  if (group === undefined || group.ownerOrg !== actorOrg) {
    throw new EntenteError('forbidden', `Only the organisation that owns sharing group ${label} removes its members`);
  }
  if (orgId === group.ownerOrg) throw new EntenteError('invalid_input', 'The owner of a sharing group stays a member of it');
}

/** A group's members, for a member organisation; to anyone else (instance admins included) the group does not exist. */
export async function membersVisibleTo(db: Kysely<DatabaseSchema>, groupId: string, actor: GroupActor): Promise<GroupMember[]> {
  await requireVisibleGroup(db, groupId, actor);
  const members = await withSharing(db)
    .selectFrom('sharing_group_members')
    .select(['org_id', 'can_extend'])
    .where('group_id', '=', groupId)
    .orderBy('org_id')
    .execute();
  return members.map((m) => ({ orgId: m.org_id, canExtend: Number(m.can_extend) !== 0 }));
}

/** The group, when `actor`'s organisation is a member; `not_found` otherwise, as for a missing group. */
async function requireVisibleGroup(db: Kysely<DatabaseSchema>, groupId: string, actor: GroupActor): Promise<SharingGroup> {
  const group = await getSharingGroup(db, groupId);
  const member =
    group !== undefined &&
    (await withSharing(db)
      .selectFrom('sharing_group_members')
      .select('org_id')
      .where('group_id', '=', groupId)
      .where('org_id', '=', actor.orgId)
      .executeTakeFirst()) !== undefined;
  if (!member) throw new EntenteError('not_found', `No sharing group with id "${groupId}" that your organisation belongs to`);
  return group;
}

async function requireExtender(db: Kysely<DatabaseSchema>, groupId: string, actorOrg: string): Promise<void> {
  const row = await withSharing(db)
    .selectFrom('sharing_group_members')
    .select('can_extend')
    .where('group_id', '=', groupId)
    .where('org_id', '=', actorOrg)
    .executeTakeFirst();
  if (row === undefined || Number(row.can_extend) === 0) {
    throw new EntenteError('forbidden', `Your organisation may not add members to sharing group ${groupId}`);
  }
}

function toGroup(row: { id: string; name: string; owner_org: string; created_at: number }): SharingGroup {
  return { id: row.id, name: row.name, ownerOrg: row.owner_org, createdAt: Number(row.created_at) };
}
