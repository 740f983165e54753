import type { FastifyInstance } from 'fastify';
import { EntenteError } from '../../errors.js';
import { microsToTimestamp } from '../../stix/timestamp.js';
import type { StatusDetail, StatusRecord } from '../../store/object-store.js';
import { authoriseCollection } from './collection-access.js';
import { requireAcceptsTaxii } from './media-types.js';
import { requirePlainId } from './path-ids.js';
import { sendTaxii } from './taxii-reply.js';
import { API_ROOT_PATH, type TaxiiContext } from './taxii-context.js';

/** TAXII 2.1 §4.3.1 status resource; empty detail lists are left out. */
export function presentStatus(status: StatusRecord): Record<string, unknown> {
  const details = (name: string, list: readonly StatusDetail[]) => (list.length === 0 ? {} : { [name]: list.map(presentDetail) });
  return {
    id: status.id,
    status: status.status,
    request_timestamp: microsToTimestamp(status.requestTimestamp),
    total_count: status.successes.length + status.failures.length + status.pendings.length,
    success_count: status.successes.length,
    ...details('successes', status.successes),
    failure_count: status.failures.length,
    ...details('failures', status.failures),
    pending_count: status.pendings.length,
    ...details('pendings', status.pendings),
  };
}

function presentDetail(detail: StatusDetail): Record<string, string> {
  return detail.message === undefined
    ? { id: detail.id, version: detail.version }
    : { id: detail.id, version: detail.version, message: detail.message };
}

/**
 * TAXII 2.1 §4.3 Get Status: `GET /api/v21/status/{status-id}/`. A status
 * names the objects of one request, so it is shown only to the organisation
 * that made the request (any of its users: one token may post while another
 * polls), and only while that organisation may still see the collection. To
 * anyone else — instance admins included, who read intelligence as members
 * of their organisation (access/marking-policy.ts) — it does not exist; a
 * status without an owner (written before migration 0800) exists for nobody.
 */
export function registerStatus(app: FastifyInstance, ctx: TaxiiContext): void {
  app.get<{ Params: { statusId: string } }>(`${API_ROOT_PATH}status/:statusId/`, async (request, reply) => {
    const principal = await ctx.authenticator.authenticate(request.headers.authorization);
    requireAcceptsTaxii(request.headers.accept);
    const { statusId } = request.params;
    requirePlainId('Status', statusId);
    const notFound = new EntenteError('not_found', `Status ${statusId} not found`, { status: statusId });
    const status = await ctx.store.getStatus(statusId);
    if (status === undefined || status.owner?.orgId !== principal.orgId) throw notFound;
    try {
      await authoriseCollection(ctx, principal, status.collectionId, 'see');
    } catch {
      throw notFound;
    }
    return sendTaxii(reply, 200, presentStatus(status));
  });
}
