import { z } from 'zod';
import { createToken, listTokens, revokeToken, type ApiToken } from '../../../access/tokens.js';
import { EntenteError } from '../../../errors.js';
import { pageOf, pageRequest, pagingQuery, sendPage } from '../paging.js';
import type { RestApi } from '../rest-api.js';
import { IdParams, IsoDateTime, isoTime, isoTimeOrNull } from './admin-shared.js';
import { manageableUser } from './user-routes.js';

const NewToken = z
  .object({ scope: z.enum(['read', 'read-write']), label: z.string().min(1).max(200).optional(), expiresAt: IsoDateTime.optional() })
  .strict();
const ListQuery = z.object(pagingQuery).strict();
const Position = z.object({ createdAt: z.number().int(), id: z.string() }).strict();

/** A token as listed: its display prefix, never the secret nor its hash. */
function presentToken(token: ApiToken) {
  return {
    id: token.id,
    userId: token.userId,
    prefix: token.prefix,
    scope: token.scope,
    label: token.label,
    createdAt: isoTime(token.createdAt),
    expiresAt: isoTimeOrNull(token.expiresAt),
    revoked: token.revokedAt !== null,
    revokedAt: isoTimeOrNull(token.revokedAt),
    lastUsedAt: isoTimeOrNull(token.lastUsedAt),
  };
}

/**
 * REST.md "Admin": `GET/POST /users/:id/tokens`, `DELETE /tokens/:id`. A user
 * manages their own tokens; an admin anyone's. The secret is in the creation
 * answer only, and never in the audit log.
 */
export function tokenRoutes(api: RestApi): void {
  const { app, deps } = api;

  app.get('/users/:id/tokens', async (request, reply) => {
    const principal = await api.authenticate(request);
    const owner = await manageableUser(api, principal, IdParams.parse(request.params).id);
    const page = pageRequest(ListQuery.parse(request.query), Position);
    // A user holds a handful of tokens: ordered and cut here rather than in SQL.
    const after = page.after;
    const tokens = (await listTokens(deps.db, owner.id))
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
      .filter((t) => after === undefined || t.createdAt > after.createdAt || (t.createdAt === after.createdAt && t.id > after.id));
    return sendPage(reply, page.limit, pageOf(tokens, page.limit, (t) => ({ createdAt: t.createdAt, id: t.id }), presentToken));
  });

  app.post('/users/:id/tokens', async (request, reply) => {
    const principal = await api.authenticate(request);
    // A read-only token must not mint a read-write one.
    api.requireWrite(principal);
    const owner = await manageableUser(api, principal, IdParams.parse(request.params).id);
    const body = NewToken.parse(request.body);
    const { token, record } = await createToken(deps.db, {
      userId: owner.id,
      scope: body.scope,
      ...(body.label !== undefined ? { label: body.label } : {}),
      ...(body.expiresAt !== undefined ? { expiresAt: body.expiresAt } : {}),
    });
    await api.audit(request, principal, {
      action: 'token.create',
      target: record.id,
      details: { user: owner.id, scope: record.scope, expiresAt: isoTimeOrNull(record.expiresAt) },
    });
    return reply.code(201).send({ ...presentToken(record), token });
  });

  app.delete('/tokens/:id', async (request, reply) => {
    const principal = await api.authenticate(request);
    api.requireWrite(principal);
    const { id } = IdParams.parse(request.params);
    const row = await deps.db.selectFrom('api_tokens').select(['id', 'user_id']).where('id', '=', id).executeTakeFirst();
    // Someone else's token answers as an unknown one.
    if (row === undefined || (principal.role !== 'admin' && row.user_id !== principal.userId)) {
      throw new EntenteError('not_found', `No token with id ${id}`);
    }
    await revokeToken(deps.db, id);
    await api.audit(request, principal, { action: 'token.revoke', target: id, details: { user: row.user_id } });
    return reply.code(204).send();
  });
}
