import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../access/principal.js';
import { dialectOf, incidentIndexFor } from '../../store/incident-index.js';
import { IncidentQueries, type Viewer } from '../../store/incident-index-queries.js';
import type { RestApi } from './rest-api.js';

/**
 * What every Intelligence handler starts with: the authenticated principal
 * and its viewer (read scope plus readable collections, REST.md
 * "Intelligence"), after the read model has caught up with every object
 * committed before the request.
 */
export interface IntelContext {
  readonly queries: IncidentQueries;
  begin(request: FastifyRequest): Promise<{ principal: Principal; viewer: Viewer }>;
}

export function intelContext(api: RestApi): IntelContext {
  const index = incidentIndexFor(api.deps.db);
  const queries = new IncidentQueries(api.deps.db, dialectOf(api.deps.db));
  return {
    queries,
    async begin(request) {
      const principal = await api.authenticate(request);
      const [collections] = await Promise.all([api.readableCollections(principal), index.catchUp()]);
      return { principal, viewer: { scope: api.readScope(principal), collections } };
    },
  };
}
