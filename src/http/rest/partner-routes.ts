import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { getOrganization, resolveOrganization } from '../../access/organizations.js';
import type { Principal } from '../../access/principal.js';
import { EntenteError } from '../../errors.js';
import type { PartnerCredentials } from '../../federation/credentials.js';
import { isUnhealthy } from '../../federation/health.js';
import { newLeaseOwner } from '../../federation/lease.js';
import { checkPartner } from '../../federation/partner-check.js';
import { addPartner, listPartners, pushWatermarkKey, removePartner, requirePartner, watermarkKey, type NewRule, type Partner } from '../../federation/partners.js';
import { reportJson } from '../../federation/report-json.js';
import { syncPartner } from '../../federation/sync.js';
import { microsToTimestamp, nowMicros } from '../../store/timestamps.js';
import { pageRequest, pagingQuery, encodeRestCursor, APPLIED_LIMIT_HEADER } from './paging.js';
import type { RestApi } from './rest-api.js';

const text = (max: number) => z.string().min(1).max(max);
const Rule = z.object({ remote: text(256), local: text(256) }).strict();
const Filters = z.array(text(256)).max(100);

/** The fields of `entente partner add`; pull rules are REMOTE→LOCAL, push rules LOCAL→REMOTE, both as `{remote, local}`. */
const NewPartnerBody = z
  .object({
    name: text(64),
    url: text(2048),
    user: text(256).optional(),
    password: text(1024).optional(),
    token: text(4096).optional(),
    orgs: z.array(text(256)).max(100).optional(),
    receiveAs: z.array(text(256)).max(100).optional(),
    pull: z.array(Rule).max(100).optional(),
    push: z.array(Rule).max(100).optional(),
    every: z.number().int().min(1).max(31_536_000).optional(),
    types: Filters.optional(),
    markings: Filters.optional(),
    labels: Filters.optional(),
  })
  .strict();

const NameParams = z.object({ name: text(64) }).strict();
const ListQuery = z.object(pagingQuery).strict();

/**
 * REST.md "Federation": the partners of this instance, for administrators.
 * `GET /partners`, `POST /partners`, `GET /partners/:name`,
 * `DELETE /partners/:name`, `POST /partners/:name/test` (the checks of
 * `entente partner test`) and `POST /partners/:name/sync` (one run now, its
 * summary as `entente sync --json` prints it; it answers when the run ends).
 * Credentials go in and are never given back. Changes, tests and syncs are audited.
 */
export function partnerRoutes(api: RestApi): void {
  const { app, deps } = api;

  const admin = async (request: FastifyRequest, write: boolean): Promise<Principal> => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    if (write) api.requireWrite(principal);
    return principal;
  };

  app.get('/partners', async (request, reply) => {
    await admin(request, false);
    const page = pageRequest(ListQuery.parse(request.query), z.string());
    const after = page.after;
    const partners = (await listPartners(deps.db)).filter((p) => after === undefined || p.name > after);
    const items = partners.slice(0, page.limit);
    const last = items[items.length - 1];
    void reply.header(APPLIED_LIMIT_HEADER, String(page.limit));
    return {
      items: await Promise.all(items.map((p) => present(api, p))),
      ...(partners.length > page.limit && last !== undefined ? { next: encodeRestCursor(last.name) } : {}),
    };
  });

  app.post('/partners', async (request, reply) => {
    const principal = await admin(request, true);
    const body = NewPartnerBody.parse(request.body);
    const filters = { types: body.types ?? [], markings: body.markings ?? [], labels: body.labels ?? [] };
    const rule = async (r: z.infer<typeof Rule>): Promise<NewRule> => ({
      remoteCollection: r.remote,
      localCollection: await localCollectionId(api, r.local),
      filters,
    });
    const orgIds: string[] = [];
    for (const org of body.orgs ?? []) orgIds.push((await resolveOrganization(deps.db, org)).id);
    const receiverOrgIds: string[] = [];
    for (const org of body.receiveAs ?? []) receiverOrgIds.push((await resolveOrganization(deps.db, org)).id);
    const added = await addPartner(deps.db, deps.settings.secretKey, {
      name: body.name,
      discoveryUrl: body.url,
      credentials: credentialsOf(body),
      orgIds,
      receiverOrgIds,
      pull: await Promise.all((body.pull ?? []).map(rule)),
      push: await Promise.all((body.push ?? []).map(rule)),
      ...(body.every !== undefined ? { intervalSeconds: body.every } : {}),
    });
    await api.audit(request, principal, { action: 'partner.add', target: added.id, details: { name: added.name, url: added.discoveryUrl } });
    return reply.code(201).send(await present(api, added));
  });

  app.get('/partners/:name', async (request) => {
    await admin(request, false);
    return await present(api, await requirePartner(deps.db, NameParams.parse(request.params).name));
  });

  app.delete('/partners/:name', async (request, reply) => {
    const principal = await admin(request, true);
    const removed = await removePartner(deps.db, NameParams.parse(request.params).name);
    await api.audit(request, principal, { action: 'partner.remove', target: removed.id, details: { name: removed.name } });
    return reply.code(204).send();
  });

  app.post('/partners/:name/test', async (request) => {
    const principal = await admin(request, false);
    const partner = await requirePartner(deps.db, NameParams.parse(request.params).name);
    const checks = await checkPartner(deps.db, deps.settings.secretKey, partner);
    const ok = checks.every((c) => c.ok);
    await api.audit(request, principal, { action: 'partner.test', target: partner.id, details: { name: partner.name, ok } });
    return { ok, checks };
  });

  app.post('/partners/:name/sync', async (request) => {
    const principal = await admin(request, true);
    const partner = await requirePartner(deps.db, NameParams.parse(request.params).name);
    const report = await syncPartner({ db: deps.db, store: deps.store, secretKey: deps.settings.secretKey, leaseOwner: newLeaseOwner() }, partner);
    await api.audit(request, principal, { action: 'partner.sync', target: partner.id, details: { name: partner.name, outcome: report.outcome } });
    return reportJson(report);
  });
}

function credentialsOf(body: z.infer<typeof NewPartnerBody>): PartnerCredentials {
  const basic = body.user !== undefined || body.password !== undefined;
  if (basic === (body.token !== undefined)) {
    throw new EntenteError('invalid_input', 'Give either "user" and "password", or "token"', { field: 'token' });
  }
  if (body.token !== undefined) return { kind: 'token', token: body.token };
  if (body.user === undefined || body.password === undefined) throw new EntenteError('invalid_input', '"user" and "password" go together', { field: 'password' });
  return { kind: 'basic', username: body.user, password: body.password };
}

async function localCollectionId(api: RestApi, idOrAlias: string): Promise<string> {
  const collections = await api.deps.store.listCollections();
  const found = collections.find((c) => c.id === idOrAlias) ?? collections.find((c) => c.alias === idOrAlias);
  if (found === undefined) throw new EntenteError('not_found', `No local collection with id or alias "${idOrAlias}" (see GET /rest/v1/collections)`, { field: 'local' });
  return found.id;
}

/**
 * A partner as REST.md gives it. `health.state`: `never-run`, `ok`, `failing`
 * (the last run failed; retried on schedule) or `unhealthy` (failed repeatedly;
 * not retried before `unhealthyUntil`). `lastPulled`: the partner's
 * X-TAXII-Date-Added-Last the pull rules have reached (the latest of them);
 * `lastPushed`: the local date_added the push rules have sent up to.
 */
async function present(api: RestApi, partner: Partner) {
  const orgRef = async (id: string) => ({ id, name: (await getOrganization(api.deps.db, id))?.name ?? id });
  const receivers = await Promise.all(partner.receiverOrgIds.map(orgRef));
  const orgs = await Promise.all(
    partner.orgIds.map(async (id) => ({ id, name: (await getOrganization(api.deps.db, id))?.name ?? id })),
  );
  const pulled: string[] = [];
  const pushed: number[] = [];
  for (const rule of partner.rules) {
    if (rule.direction === 'pull') {
      const mark = await api.deps.store.getWatermark(watermarkKey(rule.id));
      if (mark !== undefined) pulled.push(mark);
    } else {
      const mark = await api.deps.store.getWatermark(pushWatermarkKey(rule.id));
      if (mark !== undefined) pushed.push(Number(mark));
    }
  }
  const h = partner.health;
  const state = h.lastRunAt === null ? 'never-run' : h.consecutiveFailures === 0 ? 'ok' : isUnhealthy(h, nowMicros()) ? 'unhealthy' : 'failing';
  const at = (name: string, micros: number | null): Record<string, string> => (micros === null ? {} : { [name]: microsToTimestamp(micros) });
  const lastPulled = pulled.sort().at(-1);
  return {
    id: partner.id,
    name: partner.name,
    url: partner.discoveryUrl,
    auth: partner.authKind,
    orgs,
    receivers,
    every: partner.intervalSeconds,
    pull: partner.rules.filter((r) => r.direction === 'pull').map((r) => ({ remote: r.remoteCollection, local: r.localCollection, filters: r.filters })),
    push: partner.rules.filter((r) => r.direction === 'push').map((r) => ({ local: r.localCollection, remote: r.remoteCollection, filters: r.filters })),
    health: {
      state,
      ...at('lastRunAt', h.lastRunAt),
      ...at('lastSuccessAt', h.lastSuccessAt),
      consecutiveFailures: h.consecutiveFailures,
      ...(h.lastError !== null ? { lastError: h.lastError } : {}),
      ...at('unhealthyUntil', h.unhealthyUntil),
      ...(lastPulled !== undefined ? { lastPulled } : {}),
      ...(pushed.length > 0 ? { lastPushed: microsToTimestamp(Math.max(...pushed)) } : {}),
    },
  };
}
