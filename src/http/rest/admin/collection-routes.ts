import { z } from 'zod';
import { createGrantedCollection } from '../../../access/granted-collection.js';
import { getCollectionGrant, grantCollection, listCollectionGrants, revokeCollectionGrant, type CollectionGrant } from '../../../access/collection-grants.js';
import { getOrganization } from '../../../access/organizations.js';
import { decideCollectionPermissions } from '../../../access/permissions.js';
import { EntenteError } from '../../../errors.js';
import type { Collection } from '../../../store/object-store.js';
import { pageOf, pageRequest, pagingQuery, sendPage } from '../paging.js';
import type { RestApi } from '../rest-api.js';
import { organizationField } from './admin-shared.js';

const ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NewCollection = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(2000).optional(),
    alias: z.string().regex(ALIAS, 'an alias has 1 to 64 letters, digits, ".", "_" or "-"').optional(),
    org: z.string().min(1).max(200).optional(),
  })
  .strict();
const Grant = z.object({ read: z.boolean(), write: z.boolean() }).strict();
const GrantParams = z.object({ id: z.string().min(1).max(300), orgId: z.string().min(1).max(300) }).strict();
const ListQuery = z.object(pagingQuery).strict();
const Position = z.object({ title: z.string(), id: z.string() }).strict();

/**
 * REST.md "Admin": `GET /collections` (any user: what their organisation may
 * read or write; admins also see every grant), `POST /collections`,
 * `PUT/DELETE /collections/:id/grants/:orgId` (admin).
 */
export function collectionRoutes(api: RestApi): void {
  const { app, deps } = api;

  app.get('/collections', async (request, reply) => {
    const principal = await api.authenticate(request);
    const page = pageRequest(ListQuery.parse(request.query), Position);
    const grants = new Map<string, CollectionGrant>();
    const own = await deps.db.selectFrom('collection_grants').selectAll().where('org_id', '=', principal.orgId).execute();
    for (const row of own) grants.set(row.collection_id, { collectionId: row.collection_id, orgId: row.org_id, canRead: Number(row.can_read) !== 0, canWrite: Number(row.can_write) !== 0 });
    const after = page.after;
    // Collections are few (tens): ordered by title and cut here.
    const listed = (await deps.store.listCollections())
      .map((collection) => ({ collection, rights: decideCollectionPermissions(principal, grants.get(collection.id)) }))
      .filter(({ rights }) => rights.canRead || rights.canWrite)
      .sort((a, b) => a.collection.title.localeCompare(b.collection.title) || a.collection.id.localeCompare(b.collection.id))
      .filter(({ collection: c }) => after === undefined || c.title.localeCompare(after.title) > 0 || (c.title === after.title && c.id > after.id));
    const result = pageOf(listed, page.limit, ({ collection: c }) => ({ title: c.title, id: c.id }), (entry) => entry);
    const items = await Promise.all(
      result.items.map(async ({ collection, rights }) => ({
        ...presentCollection(collection),
        canRead: rights.canRead,
        canWrite: rights.canWrite,
        ...(principal.role === 'admin' ? { grants: await presentGrants(api, collection.id) } : {}),
      })),
    );
    return sendPage(reply, page.limit, { items, ...(result.next === undefined ? {} : { next: result.next }) });
  });

  app.post('/collections', async (request, reply) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    api.requireWrite(principal);
    const body = NewCollection.parse(request.body);
    // As `entente collection add`: the organisation named (default: the caller's) reads and writes it.
    const org = body.org === undefined ? await getOrganization(deps.db, principal.orgId) : await organizationField(deps.db, body.org, 'org');
    if (org === undefined) throw new EntenteError('not_found', `No organisation with id ${principal.orgId}`);
    const created = await createGrantedCollection(deps.db, body, org.id, {
      actorUser: principal.userId,
      actorOrg: principal.orgId,
      address: request.ip,
      path: `${request.method} ${request.url.split('?')[0] ?? request.url}`,
    });
    return reply.code(201).send({ ...presentCollection(created), canRead: true, canWrite: true, grants: await presentGrants(api, created.id) });
  });

  app.put('/collections/:id/grants/:orgId', async (request) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    api.requireWrite(principal);
    const { id, orgId } = GrantParams.parse(request.params);
    const body = Grant.parse(request.body);
    // As `entente collection grant`: writing implies reading.
    const grant = await grantCollection(deps.db, { collectionId: id, orgId, canRead: body.read || body.write, canWrite: body.write });
    await api.audit(request, principal, { action: 'collection.grant', target: id, details: { org: orgId, canRead: grant.canRead, canWrite: grant.canWrite } });
    return { collectionId: id, org: await orgRef(api, orgId), read: grant.canRead, write: grant.canWrite };
  });

  app.delete('/collections/:id/grants/:orgId', async (request, reply) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    api.requireWrite(principal);
    const { id, orgId } = GrantParams.parse(request.params);
    if ((await getCollectionGrant(deps.db, id, orgId)) === undefined) {
      throw new EntenteError('not_found', `Organisation ${orgId} has no grant on collection ${id}`);
    }
    await revokeCollectionGrant(deps.db, id, orgId);
    await api.audit(request, principal, { action: 'collection.revoke', target: id, details: { org: orgId } });
    return reply.code(204).send();
  });
}

function presentCollection(collection: Collection) {
  return { id: collection.id, title: collection.title, description: collection.description, alias: collection.alias };
}

async function orgRef(api: RestApi, orgId: string) {
  const org = await getOrganization(api.deps.db, orgId);
  return { id: orgId, name: org?.name ?? orgId };
}

async function presentGrants(api: RestApi, collectionId: string) {
  const grants = await listCollectionGrants(api.deps.db, collectionId);
  return Promise.all(grants.map(async (g) => ({ org: await orgRef(api, g.orgId), read: g.canRead, write: g.canWrite })));
}
