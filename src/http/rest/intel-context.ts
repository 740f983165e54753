import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Principal } from '../../access/principal.js';
import { dialectOf, incidentIndexFor } from '../../store/incident-index.js';
import { IncidentQueries, type Viewer } from '../../store/incident-index-queries.js';
import type { RestApi } from './rest-api.js';

/**
 * What every Intelligence handler starts with: the authenticated principal
 * and its viewer (read scope plus readable collections, REST.md
 * "Intelligence"), after the read model has caught up with every object
 * committed before the request — or, when a large backlog is being worked
 * through (a bulk import, a first pull), after {@link CATCH_UP_WAIT_MS}, with
 * the read model as it stands: the follower in `entente serve` finishes it.
 * Once that follower has stopped (the server is stopping) the catch-up does
 * nothing, and the request is answered at once from the read model as it stands.
 */
export interface IntelContext {
  readonly queries: IncidentQueries;
  begin(request: FastifyRequest): Promise<{ principal: Principal; viewer: Viewer }>;
}

export const CATCH_UP_WAIT_MS = 10_000;

export function intelContext(api: RestApi): IntelContext {
  const index = incidentIndexFor(api.deps.db);
  const queries = new IncidentQueries(api.deps.db, dialectOf(api.deps.db));
  return {
    queries,
    async begin(request) {
      const principal = await api.authenticate(request);
      const [collections] = await Promise.all([api.readableCollections(principal), caughtUpOrWaited(index.catchUp(), api.deps.logger)]);
      return { principal, viewer: { scope: api.readScope(principal), collections } };
    },
  };
}

/** Waits for `catchUp`, at most `waitMs`; never throws. */
export async function caughtUpOrWaited(catchUp: Promise<unknown>, logger: Logger, waitMs = CATCH_UP_WAIT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
  });
  // A failed catch-up is retried by the follower; this answer uses the read model as it stands.
  const caughtUp = catchUp.then(
    () => undefined,
    (error: unknown) => logger.warn({ err: error }, 'incident index: catching up before a query failed'),
  );
  await Promise.race([caughtUp, waited]);
  clearTimeout(timer);
}
