import { z } from 'zod';
import { verifyAuditChain } from '../../../access/audit-log.js';
import { withSharing } from '../../../access/sharing-schema.js';
import { EntenteError } from '../../../errors.js';
import { pageOf, pageRequest, pagingQuery, sendPage } from '../paging.js';
import type { RestApi } from '../rest-api.js';
import { IsoDateTime, isoTime, organizationField } from './admin-shared.js';

const AuditQuery = z
  .object({
    ...pagingQuery,
    user: z.string().min(1).max(200).optional(),
    org: z.string().min(1).max(200).optional(),
    object: z.string().min(1).max(300).optional(),
    since: IsoDateTime.optional(),
    until: IsoDateTime.optional(),
  })
  .strict();
/** A STIX id holds only [a-z0-9-], so it cannot carry a LIKE wildcard into the details search. */
const STIX_ID = /^[a-z0-9-]+--[0-9a-f-]{36}$/;

/**
 * REST.md "Admin": `GET /audit` (newest first, filtered by user, organisation,
 * object and time) and `GET /audit/verify` (the hash chain, access/audit-log.ts).
 * Admins only.
 */
export function auditRoutes(api: RestApi): void {
  const { app, deps } = api;

  app.get('/audit', async (request, reply) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    const query = AuditQuery.parse(request.query);
    const page = pageRequest(query, z.number().int().positive());
    let select = withSharing(deps.db).selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(page.limit + 1);
    if (query.user !== undefined) {
      const user = await deps.db
        .selectFrom('users')
        .select('id')
        .where((eb) => eb.or([eb('username', '=', query.user ?? ''), eb('id', '=', query.user ?? '')]))
        .executeTakeFirst();
      if (user === undefined) throw new EntenteError('invalid_input', `user: no user named or with id "${query.user}"`, { field: 'user' });
      select = select.where('actor_user', '=', user.id);
    }
    if (query.org !== undefined) select = select.where('actor_org', '=', (await organizationField(deps.db, query.org, 'org')).id);
    const object = query.object;
    if (object !== undefined) {
      select = STIX_ID.test(object)
        ? select.where((eb) => eb.or([eb('target', '=', object), eb('details', 'like', `%${object}%`)]))
        : select.where('target', '=', object);
    }
    if (query.since !== undefined) select = select.where('at', '>=', query.since);
    if (query.until !== undefined) select = select.where('at', '<', query.until);
    if (page.after !== undefined) select = select.where('seq', '<', page.after);
    const rows = await select.execute();
    const names = await actorNames(api, rows);
    return sendPage(reply, page.limit, pageOf(rows, page.limit, (row) => Number(row.seq), (row) => ({
      seq: Number(row.seq),
      at: isoTime(Number(row.at)),
      actor: {
        user: row.actor_user,
        org: row.actor_org,
        ...(row.actor_user !== null && names.users.has(row.actor_user) ? { username: names.users.get(row.actor_user) } : {}),
        ...(row.actor_org !== null && names.orgs.has(row.actor_org) ? { orgName: names.orgs.get(row.actor_org) } : {}),
      },
      action: row.action,
      ...(row.target !== null ? { object: row.target } : {}),
      ...(row.address !== null ? { address: row.address } : {}),
      ...(row.path !== null ? { path: row.path } : {}),
      details: JSON.parse(row.details) as Record<string, unknown>,
    })));
  });

  app.get('/audit/verify', async (request) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    const report = await verifyAuditChain(deps.db);
    return report.ok
      ? { ok: true, entries: report.entries, head: report.head }
      : { ok: false, entries: report.entries, firstBad: { seq: report.seq, reason: report.problem } };
  });
}

/** User names and organisation names of a page's actors, in two queries. */
async function actorNames(api: RestApi, rows: readonly { actor_user: string | null; actor_org: string | null }[]) {
  const userIds = [...new Set(rows.map((r) => r.actor_user).filter((id): id is string => id !== null))];
  const orgIds = [...new Set(rows.map((r) => r.actor_org).filter((id): id is string => id !== null))];
  const users = userIds.length === 0 ? [] : await api.deps.db.selectFrom('users').select(['id', 'username']).where('id', 'in', userIds).execute();
  const orgs = orgIds.length === 0 ? [] : await api.deps.db.selectFrom('organizations').select(['id', 'name']).where('id', 'in', orgIds).execute();
  return { users: new Map(users.map((u) => [u.id, u.username])), orgs: new Map(orgs.map((o) => [o.id, o.name])) };
}
