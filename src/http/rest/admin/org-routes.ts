import { z } from 'zod';
import { DEFAULT_MARKINGS, setDefaultMarking } from '../../../access/organization-defaults.js';
import { createOrganization, getOrganization, type Organization } from '../../../access/organizations.js';
import { EntenteError } from '../../../errors.js';
import { pageOf, pageRequest, pagingQuery, sendPage } from '../paging.js';
import type { RestApi } from '../rest-api.js';
import { IdParams, isoTime } from './admin-shared.js';

const NewOrg = z.object({ name: z.string().min(1).max(200), defaultMarking: z.enum(DEFAULT_MARKINGS).optional() }).strict();
const ListQuery = z.object(pagingQuery).strict();

export function presentOrganization(org: Organization) {
  return { id: org.id, name: org.name, identityId: org.identityId, defaultMarking: org.defaultTlp, createdAt: isoTime(org.createdAt) };
}

/** REST.md "Admin": `GET/POST /orgs`, `GET /orgs/:id` (admin). */
export function orgRoutes(api: RestApi): void {
  const { app, deps } = api;

  app.get('/orgs', async (request, reply) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    const page = pageRequest(ListQuery.parse(request.query), z.string());
    let query = deps.db.selectFrom('organizations').selectAll().orderBy('name').limit(page.limit + 1);
    if (page.after !== undefined) query = query.where('name', '>', page.after);
    const rows = await query.execute();
    return sendPage(reply, page.limit, pageOf(rows, page.limit, (row) => row.name, (row) =>
      presentOrganization({ id: row.id, name: row.name, identityId: row.identity_id, defaultTlp: row.default_tlp, createdAt: Number(row.created_at) }),
    ));
  });

  app.get('/orgs/:id', async (request) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    const { id } = IdParams.parse(request.params);
    const org = await getOrganization(deps.db, id);
    if (org === undefined) throw new EntenteError('not_found', `No organisation with id ${id}`);
    return presentOrganization(org);
  });

  app.post('/orgs', async (request, reply) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    api.requireWrite(principal);
    const body = NewOrg.parse(request.body);
    // One transaction: an organisation never exists with a default other than the one asked for.
    const org = await deps.db.transaction().execute(async (trx) => {
      const created = await createOrganization(trx, { name: body.name });
      if (body.defaultMarking !== undefined) await setDefaultMarking(trx, created.id, body.defaultMarking);
      return (await getOrganization(trx, created.id)) ?? created;
    });
    await api.audit(request, principal, { action: 'org.add', target: org.id, details: { name: org.name, defaultMarking: org.defaultTlp } });
    return reply.code(201).send(presentOrganization(org));
  });
}
