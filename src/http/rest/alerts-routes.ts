import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  AlertStream,
  alertViewerOf,
  createWatchlist,
  deleteWatchlist,
  listWatchlists,
  visibleAlerts,
  watchlistInputSchema,
  type AlertRow,
  type GroupResolver,
} from '../../alerts/index.js';
import type { Principal } from '../../access/principal.js';
import { resolveGroup } from '../../ingest/groups/groups.js';
import { pageOf, pageRequest, pagingQuery, sendPage } from './paging.js';
import type { RestApi } from './rest-api.js';

/** A comment line keeps proxies and browsers from closing an idle stream (REST.md: every 15 s). */
export const PING_INTERVAL_MS = 15_000;

const AlertsQuery = z.object(pagingQuery).strict();
const AlertCursor = z.object({ seq: z.number().int().positive() }).strict();
const WatchlistParams = z.object({ id: z.string().uuid('must be a watchlist id') }).strict();
const LAST_EVENT_ID = /^\d{1,15}$/;

/** Group names resolved with the ingest group table, so "ISIS" follows the Islamic State. */
const groupResolver: GroupResolver = (name) => {
  const match = resolveGroup(name);
  return match === undefined ? undefined : { canonical: match.canonical, aliases: [...match.group.aliases, ...match.group.exact] };
};

/**
 * REST.md "Alerts": a user's watchlists (GET/POST /watchlists, DELETE
 * /watchlists/:id), their alerts (GET /alerts, newest first, paged) and the
 * live stream (GET /alerts/stream, server-sent events). Every alert read —
 * list, stream, webhook — goes through `visibleAlerts`: the alerted object
 * must be in a collection the user may read and pass the store's visibility
 * condition for their scope, at the time it is read.
 */
export function alertsRoutes(api: RestApi): void {
  const { app, deps } = api;
  const stream = new AlertStream(deps.db, {}, deps.logger);
  const open = new Set<ServerResponse>();
  // Streams never end on their own: close them so the server can stop.
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
  });
  app.addHook('onClose', async () => {
    await stream.stop();
  });

  app.get('/watchlists', async (request) => {
    const principal = await api.authenticate(request);
    return { items: await listWatchlists(deps.db, principal.userId) };
  });

  app.post('/watchlists', async (request, reply) => {
    const principal = await api.authenticate(request);
    api.requireWrite(principal);
    const input = watchlistInputSchema.parse(request.body);
    const created = await createWatchlist({ db: deps.db, secretKey: deps.settings.secretKey, resolveGroup: groupResolver }, principal.userId, input);
    await api.audit(request, principal, {
      action: 'watchlist.create',
      target: created.id,
      details: { name: created.name, webhook: created.webhook?.url ?? null },
    });
    return reply.code(201).send(created);
  });

  app.delete('/watchlists/:id', async (request, reply) => {
    const principal = await api.authenticate(request);
    api.requireWrite(principal);
    const { id } = WatchlistParams.parse(request.params);
    await deleteWatchlist(deps.db, principal.userId, id);
    await api.audit(request, principal, { action: 'watchlist.delete', target: id });
    return reply.code(204).send();
  });

  /** Alerts about AMBER, AMBER+STRICT, RED or unknown-level objects are reads of marked intelligence: audited like TAXII reads. */
  const auditReads = async (principal: Principal, rows: readonly AlertRow[], path: string, address: string | null) => {
    const byCollection = new Map<string, (string | null)[]>();
    for (const row of rows) byCollection.set(row.view.collection, [...(byCollection.get(row.view.collection) ?? []), row.auditLabel]);
    for (const [collection, labels] of byCollection) await deps.audit.readsOf(principal, collection, labels, { address, path });
  };

  app.get('/alerts', async (request, reply) => {
    const principal = await api.authenticate(request);
    const page = pageRequest(AlertsQuery.parse(request.query), AlertCursor);
    const rows = await visibleAlerts(deps.db, await alertViewerOf(deps.db, principal), {
      ...(page.after !== undefined ? { beforeSeq: page.after.seq } : {}),
      limit: page.limit + 1,
      order: 'newest',
    });
    const answer = pageOf(rows, page.limit, (row) => ({ seq: row.seq }), (row) => row.view);
    await auditReads(principal, rows.slice(0, page.limit), 'GET /rest/v1/alerts', request.ip);
    return sendPage(reply, page.limit, answer);
  });

  app.get('/alerts/stream', async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = await api.authenticate(request);
    if (stream.openFor(principal.userId) >= stream.maxPerUser) {
      return reply.code(429).header('retry-after', '15').send({
        error: {
          code: 'rate_limited',
          message: `You already have ${stream.maxPerUser} live alert streams open on this server, the most one user may; close another tab or window first`,
        },
      });
    }
    const lastEventId = request.headers['last-event-id'];
    const resumeAfter = typeof lastEventId === 'string' && LAST_EVENT_ID.test(lastEventId) ? Number(lastEventId) : undefined;
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
      // Proxies such as nginx would otherwise hold events back in a buffer.
      'x-accel-buffering': 'no',
    });
    response.write(': connected\n\n');
    open.add(response);
    let stop: (() => void) | undefined;
    const ping = setInterval(() => response.write(': ping\n\n'), PING_INTERVAL_MS);
    response.on('close', () => {
      clearInterval(ping);
      stop?.();
      open.delete(response);
    });
    const send = (row: AlertRow) => {
      response.write(`id: ${row.seq}\nevent: alert\ndata: ${JSON.stringify(row.view)}\n\n`);
      auditReads(principal, [row], 'GET /rest/v1/alerts/stream', request.ip).catch((error: unknown) =>
        deps.logger.error({ err: error }, 'audit log write failed'),
      );
    };
    try {
      const listening = await stream.listen(principal, { send, close: () => response.end() }, resumeAfter);
      if (response.destroyed || response.writableEnded) listening();
      else stop = listening;
    } catch (error) {
      deps.logger.error({ err: error }, 'alert stream could not start');
      response.end();
    }
  });
}
