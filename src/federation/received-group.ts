import type { Kysely } from 'kysely';
import type { RequestOrigin } from '../access/access-audit.js';
import { addMemberAs, createSharingGroupAs, getSharingGroup, membersVisibleTo, removeMemberAs, type GroupActor } from '../access/sharing-groups.js';
import { isEntenteError } from '../errors.js';
import type { DatabaseSchema } from '../store/schema.js';
import { withFederation } from './federation-schema.js';
import type { Partner } from './partners.js';

const ORIGIN: RequestOrigin = { address: null, path: 'federation received-group' };

/**
 * The sharing group a partner's AMBER objects are stored with (issue 5: "a
 * partner's AMBER object is visible to the organisations the partner shared
 * it with, not to the whole local instance"): "received from <partner>",
 * owned by the partner's first receiving organisation, whose members are
 * exactly the partner's organisations and its receiving organisations.
 *
 * Created on first use and brought back to those members before each pull,
 * through the access layer's group functions (each change audited as the
 * owner). The push side needs nothing more: the access policy sends such an
 * object only to partners whose organisations are in the group — the source
 * itself — never to a third instance. Undefined when the partner has no
 * receiving organisation: its AMBER objects stay with the partner's
 * organisation only.
 */
export async function ensureReceivedGroup(db: Kysely<DatabaseSchema>, partner: Partner): Promise<string | undefined> {
  const owner = partner.receiverOrgIds[0];
  if (owner === undefined) return undefined;
  const actor: GroupActor = { userId: null, orgId: owner, role: 'admin' };
  const wanted = new Set([...partner.orgIds, ...partner.receiverOrgIds]);
  const fdb = withFederation(db);
  const row = await fdb.selectFrom('partners').select('received_group').where('id', '=', partner.id).executeTakeFirst();
  const existing = row?.received_group == null ? undefined : await getSharingGroup(db, row.received_group);
  if (existing === undefined || existing.ownerOrg !== owner) {
    const members = [...wanted].filter((orgId) => orgId !== owner).map((orgId) => ({ orgId, canExtend: false }));
    const group = await createNamed(db, partner, owner, members, actor);
    await fdb.updateTable('partners').set({ received_group: group }).where('id', '=', partner.id).execute();
    return group;
  }
  const current = new Set((await membersVisibleTo(db, existing.id, actor)).map((m) => m.orgId));
  for (const orgId of wanted) if (!current.has(orgId)) await addMemberAs(db, existing.id, { orgId, canExtend: false }, actor, ORIGIN);
  for (const orgId of current) if (!wanted.has(orgId) && orgId !== owner) await removeMemberAs(db, existing.id, orgId, actor, ORIGIN);
  return existing.id;
}

/** Creates the group as "received from <partner>", or with the partner's id added when another group holds that name. */
async function createNamed(
  db: Kysely<DatabaseSchema>,
  partner: Partner,
  owner: string,
  members: { orgId: string; canExtend: boolean }[],
  actor: GroupActor,
): Promise<string> {
  const name = `received from ${partner.name}`;
  try {
    return (await createSharingGroupAs(db, { name, ownerOrg: owner, members }, actor, ORIGIN)).id;
  } catch (error) {
    if (!isEntenteError(error) || error.code !== 'conflict') throw error;
    return (await createSharingGroupAs(db, { name: `${name} (${partner.id})`, ownerOrg: owner, members }, actor, ORIGIN)).id;
  }
}
