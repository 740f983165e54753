import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../../access/principal.js';
import { withCorrelation } from '../../correlate/correlation-schema.js';
import { Correlator, canonicalIdOf, membersOf, type CorrelationAudit } from '../../correlate/correlator.js';
import { EntityStore, type EntityRecord } from '../../correlate/entity-store.js';
import { visibleObjectIds } from '../../correlate/report-objects.js';
import { RELIABILITY_GRADES, gradeSource, listSources } from '../../correlate/source-reliability.js';
import { EntenteError } from '../../errors.js';
import { microsToTimestamp } from '../../store/timestamps.js';
import { APPLIED_LIMIT_HEADER, encodeRestCursor, pageRequest, pagingQuery } from './paging.js';
import type { RestApi } from './rest-api.js';

const Id = z.string().min(1).max(300);
const IdParams = z.object({ id: Id }).strict();
const ListQuery = z.object(pagingQuery).strict();
const ReliabilityBody = z.object({ reliability: z.enum(RELIABILITY_GRADES as [string, ...string[]]) }).strict();
const SplitBody = z.object({ members: z.array(Id).min(1).max(1000).optional() }).strict();

/**
 * REST.md "Correlation and grading":
 * - `GET /sources`: outlets, agencies and partners with their Admiralty
 *   reliability (any signed-in user); `PUT /sources/:id/reliability` (admin, audited).
 * - `GET /entities/:id`: an entity (person, group, organisation, place; any
 *   of its objects' ids) with its aliases, who introduced each, and its
 *   merges — only what comes from objects and reports the viewer may see; 404
 *   when it sees none of them.
 * - `POST /entities/:id/split` `{members?}` (admin, audited): undoes a merge —
 *   the latest one, or takes `members` out. `:id` may also be a canonical
 *   incident (or one of its report incidents): members are then report incidents.
 */
export function correlateRoutes(api: RestApi): void {
  const { app, deps } = api;
  const cdb = withCorrelation(deps.db);

  const admin = async (request: FastifyRequest): Promise<Principal> => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    api.requireWrite(principal);
    return principal;
  };

  app.get('/sources', async (request, reply) => {
    await api.authenticate(request);
    const page = pageRequest(ListQuery.parse(request.query), z.string());
    const rows = await listSources(cdb, { ...(page.after !== undefined ? { after: page.after } : {}), limit: page.limit + 1 });
    const items = rows.slice(0, page.limit);
    void reply.header(APPLIED_LIMIT_HEADER, String(page.limit));
    const last = items.at(-1);
    return { items, ...(rows.length > page.limit && last !== undefined ? { next: encodeRestCursor(last.id) } : {}) };
  });

  app.put('/sources/:id/reliability', async (request) => {
    const principal = await admin(request);
    const { id } = IdParams.parse(request.params);
    const { reliability } = ReliabilityBody.parse(request.body);
    const { before, after } = await gradeSource(cdb, id, reliability);
    await api.audit(request, principal, { action: 'source.grade', target: id, details: { name: after.name, from: before.reliability, to: after.reliability } });
    return after;
  });

  app.get('/entities/:id', async (request) => {
    const principal = await api.authenticate(request);
    const { id } = IdParams.parse(request.params);
    return visibleEntity(api, principal, id);
  });

  app.post('/entities/:id/split', async (request) => {
    const principal = await admin(request);
    const { id } = IdParams.parse(request.params);
    const { members } = SplitBody.parse(request.body ?? {});
    const audit: CorrelationAudit = (event) => api.audit(request, principal, event);
    const canonicalId = id.startsWith('incident--') ? ((await canonicalIdOf(deps.db, id)) ?? id) : undefined;
    if (canonicalId !== undefined) {
      const held = await membersOf(deps.db, canonicalId);
      const visible = await visibleObjectIds(deps.db, held.map((m) => m.incidentId), await restrictionOf(api, principal));
      if (visible.size === 0) throw notFound(id);
      return { kind: 'incident', ...(await new Correlator(deps.db, deps.store, { audit }).split(canonicalId, members ?? [])) };
    }
    await visibleEntity(api, principal, id);
    return { kind: 'entity', ...(await new EntityStore(deps.db, audit).split(id, members ?? [])) };
  });
}

async function restrictionOf(api: RestApi, principal: Principal): Promise<{ scope: ReturnType<RestApi['readScope']>; collections: string[] }> {
  return { scope: api.readScope(principal), collections: await api.readableCollections(principal) };
}

function notFound(id: string): EntenteError {
  return new EntenteError('not_found', `No entity ${id} that you may see`, { id });
}

/** The entity as the principal may see it: its visible objects, the aliases visible reports introduced, merges among visible objects. */
async function visibleEntity(api: RestApi, principal: Principal, id: string): Promise<unknown> {
  const entity = await new EntityStore(api.deps.db).entity(id);
  if (entity === undefined) throw notFound(id);
  const reports = entity.aliases.flatMap((a) => (a.introducedBy.report !== undefined ? [a.introducedBy.report] : []));
  const visible = await visibleObjectIds(api.deps.db, [...entity.mentions, ...reports], await restrictionOf(api, principal));
  const mentions = entity.mentions.filter((m) => visible.has(m));
  if (mentions.length === 0) throw notFound(id);
  return present(entity, mentions, visible);
}

function present(entity: EntityRecord, mentions: readonly string[], visible: ReadonlySet<string>): unknown {
  return {
    id: entity.id,
    type: entity.type,
    name: entity.name,
    objects: mentions,
    aliases: entity.aliases
      .filter((a) => visible.has(a.mentionId) && (a.introducedBy.report === undefined || visible.has(a.introducedBy.report)))
      .map((a) => ({ alias: a.alias, introducedBy: a.introducedBy, at: microsToTimestamp(a.at) })),
    merges: entity.merges
      .map((m) => ({ ...m, left: m.members.left.filter((x) => visible.has(x)), right: m.members.right.filter((x) => visible.has(x)) }))
      .filter((m) => m.left.length > 0 && m.right.length > 0)
      .map((m) => ({
        id: m.id,
        members: [...m.left, ...m.right],
        joined: m.right,
        reason: m.reason,
        confidence: Math.round(m.confidence * 100),
        at: microsToTimestamp(m.at),
        ...(m.splitAt !== undefined ? { splitAt: microsToTimestamp(m.splitAt) } : {}),
      })),
  };
}
