import type { Kysely } from 'kysely';
import { z } from 'zod';
import { getOrganization } from '../../../access/organizations.js';
import type { Principal } from '../../../access/principal.js';
import {
  addGroupMember,
  createSharingGroup,
  getSharingGroup,
  groupIdsOfOrganization,
  groupMembersFor,
  removeGroupMember,
  type GroupMember,
  type SharingGroup,
} from '../../../access/sharing-groups.js';
import { EntenteError } from '../../../errors.js';
import type { DatabaseSchema } from '../../../store/schema.js';
import { pageOf, pageRequest, pagingQuery, sendPage } from '../paging.js';
import type { RestApi } from '../rest-api.js';
import { IdParams, isoTime, organizationField } from './admin-shared.js';

const Member = z.object({ org: z.string().min(1).max(200), canExtend: z.boolean().optional() }).strict();
const NewGroup = z
  .object({ name: z.string().min(1).max(200), owner: z.string().min(1).max(200).optional(), members: z.array(Member).max(500).optional() })
  .strict();
const MemberParams = z.object({ id: z.string().min(1).max(300), orgId: z.string().min(1).max(300) }).strict();
const ListQuery = z.object(pagingQuery).strict();
const Position = z.object({ name: z.string(), id: z.string() }).strict();

/**
 * REST.md "Admin": sharing groups. A caller sees only the groups its
 * organisation belongs to (the owner always does), with their members; a
 * group it does not belong to answers 404 like a missing one, so neither its
 * existence nor its membership is revealed (issue 4). Adding members takes an
 * organisation allowed to extend the group; removing them, the owner.
 */
export function groupRoutes(api: RestApi): void {
  const { app, deps } = api;

  app.get('/groups', async (request, reply) => {
    const principal = await api.authenticate(request);
    const page = pageRequest(ListQuery.parse(request.query), Position);
    const after = page.after;
    const groups = (await Promise.all((await groupIdsOfOrganization(deps.db, principal.orgId)).map((id) => getSharingGroup(deps.db, id))))
      .filter((g): g is SharingGroup => g !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
      .filter((g) => after === undefined || g.name.localeCompare(after.name) > 0 || (g.name === after.name && g.id > after.id));
    const result = pageOf(groups, page.limit, (g) => ({ name: g.name, id: g.id }), (g) => g);
    const items = await Promise.all(result.items.map((g) => presentGroup(deps.db, g, principal)));
    return sendPage(reply, page.limit, { items, ...(result.next === undefined ? {} : { next: result.next }) });
  });

  app.get('/groups/:id', async (request) => {
    const principal = await api.authenticate(request);
    return presentGroup(deps.db, await visibleGroup(deps.db, IdParams.parse(request.params).id, principal), principal);
  });

  app.post('/groups', async (request, reply) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    api.requireWrite(principal);
    const body = NewGroup.parse(request.body);
    const owner = body.owner === undefined ? principal.orgId : (await organizationField(deps.db, body.owner, 'owner')).id;
    const members: GroupMember[] = [];
    for (const [index, member] of (body.members ?? []).entries()) {
      members.push({ orgId: (await organizationField(deps.db, member.org, `members.${index}.org`)).id, canExtend: member.canExtend ?? false });
    }
    const created = await createSharingGroup(deps.db, { name: body.name, ownerOrg: owner, members });
    await api.audit(request, principal, {
      action: 'group.add',
      target: created.id,
      details: { name: created.name, owner, members: members.map((m) => m.orgId) },
    });
    return reply.code(201).send(await presentGroup(deps.db, created, principal));
  });

  app.post('/groups/:id/members', async (request, reply) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    api.requireWrite(principal);
    const group = await visibleGroup(deps.db, IdParams.parse(request.params).id, principal);
    const body = Member.parse(request.body);
    const org = await organizationField(deps.db, body.org, 'org');
    await addGroupMember(deps.db, group.id, { orgId: org.id, canExtend: body.canExtend ?? false }, principal.orgId);
    await api.audit(request, principal, { action: 'group.member-add', target: group.id, details: { org: org.id, canExtend: body.canExtend ?? false } });
    return reply.code(201).send(await presentGroup(deps.db, group, principal));
  });

  app.delete('/groups/:id/members/:orgId', async (request, reply) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    api.requireWrite(principal);
    const { id, orgId } = MemberParams.parse(request.params);
    const group = await visibleGroup(deps.db, id, principal);
    const members = await groupMembersFor(deps.db, group.id, principal.orgId);
    if (!members.some((m) => m.orgId === orgId)) throw new EntenteError('not_found', `Organisation ${orgId} is not a member of sharing group ${group.id}`);
    await removeGroupMember(deps.db, group.id, orgId, principal.orgId);
    await api.audit(request, principal, { action: 'group.member-remove', target: group.id, details: { org: orgId } });
    return reply.code(204).send();
  });
}

/** The group, when the caller's organisation belongs to it; 404 otherwise. */
async function visibleGroup(db: Kysely<DatabaseSchema>, id: string, principal: Principal): Promise<SharingGroup> {
  const group = await getSharingGroup(db, id);
  const memberOf = group === undefined ? [] : await groupIdsOfOrganization(db, principal.orgId);
  if (group === undefined || !memberOf.includes(group.id)) {
    throw new EntenteError('not_found', `No sharing group with id "${id}" that your organisation belongs to`);
  }
  return group;
}

/** The group as the caller may see it: its members only when the caller's organisation is one of them. */
async function presentGroup(db: Kysely<DatabaseSchema>, group: SharingGroup, principal: Principal) {
  const isMember = (await groupIdsOfOrganization(db, principal.orgId)).includes(group.id);
  const members = isMember ? await groupMembersFor(db, group.id, principal.orgId) : undefined;
  const name = async (orgId: string) => (await getOrganization(db, orgId))?.name ?? orgId;
  return {
    id: group.id,
    name: group.name,
    owner: { id: group.ownerOrg, name: await name(group.ownerOrg) },
    createdAt: isoTime(group.createdAt),
    canExtend: members?.some((m) => m.orgId === principal.orgId && m.canExtend) ?? false,
    ...(members === undefined
      ? {}
      : { members: await Promise.all(members.map(async (m) => ({ org: { id: m.orgId, name: await name(m.orgId) }, canExtend: m.canExtend }))) }),
  };
}
