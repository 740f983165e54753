import type { Kysely } from 'kysely';
import { z } from 'zod';
import { getOrganization } from '../../../access/organizations.js';
import type { Principal } from '../../../access/principal.js';
import type { RequestOrigin } from '../../../access/access-audit.js';
import {
  addMemberAs,
  createSharingGroupAs,
  getSharingGroup,
  groupIdsOfOrganization,
  membersVisibleTo,
  removeMemberAs,
  type GroupMember,
  type SharingGroup,
} from '../../../access/sharing-groups.js';
import { EntenteError, isEntenteError } from '../../../errors.js';
import type { DatabaseSchema } from '../../../store/schema.js';
import type { FastifyRequest } from 'fastify';
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
 * REST.md "Admin": sharing groups, under the same rules and through the same
 * functions as `entente group` (access/sharing-groups.ts). A caller sees only
 * the groups its organisation belongs to (the owner always does), with their
 * members — an instance admin too: the admin role manages the instance, it
 * does not reveal other organisations' groups; a group it does not belong to
 * answers 404 like a missing one (issue 4). Adding members takes an
 * organisation allowed to extend the group; removing them, the owner. Each
 * change commits with its audit entry.
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
    const created = await createSharingGroupAs(deps.db, { name: body.name, ownerOrg: owner, members }, principal, originOf(request));
    return reply.code(201).send(await presentGroup(deps.db, created, principal));
  });

  app.post('/groups/:id/members', async (request, reply) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    api.requireWrite(principal);
    const group = await visibleGroup(deps.db, IdParams.parse(request.params).id, principal);
    const body = Member.parse(request.body);
    const org = await organizationField(deps.db, body.org, 'org');
    await addMemberAs(deps.db, group.id, { orgId: org.id, canExtend: body.canExtend ?? false }, principal, originOf(request));
    return reply.code(201).send(await presentGroup(deps.db, group, principal));
  });

  app.delete('/groups/:id/members/:orgId', async (request, reply) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    api.requireWrite(principal);
    const { id, orgId } = MemberParams.parse(request.params);
    await removeMemberAs(deps.db, id, orgId, principal, originOf(request));
    return reply.code(204).send();
  });
}

/** The group, when the caller's organisation belongs to it; 404 otherwise, as for a missing one. */
async function visibleGroup(db: Kysely<DatabaseSchema>, id: string, principal: Principal): Promise<SharingGroup> {
  await membersVisibleTo(db, id, principal);
  const group = await getSharingGroup(db, id);
  if (group === undefined) throw new EntenteError('not_found', `No sharing group with id "${id}" that your organisation belongs to`);
  return group;
}

function originOf(request: FastifyRequest): RequestOrigin {
  return { address: request.ip, path: `${request.method} ${request.url.split('?')[0] ?? request.url}` };
}

/**
 * The group as the caller may see it: its members only when the caller's
 * organisation is one of them (an admin may create a group for another owner).
 */
async function presentGroup(db: Kysely<DatabaseSchema>, group: SharingGroup, principal: Principal) {
  const members = await membersVisibleTo(db, group.id, principal).catch((error: unknown) => {
    if (isEntenteError(error) && error.code === 'not_found') return undefined;
    throw error;
  });
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
