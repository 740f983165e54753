import type { FastifyInstance } from 'fastify';
import { EntenteError } from '../../errors.js';
import { nowMicros } from '../../store/timestamps.js';
import type { RequestOrigin } from '../../access/access-audit.js';
import type { Principal } from '../../access/principal.js';
import type { AddResult, IncomingObject, StatusDetail } from '../../store/object-store.js';
import { authoriseCollection, readAuthorised } from './collection-access.js';
import { sortIncomingObjects } from './incoming-objects.js';
import { requireAcceptsTaxii, requireTaxiiContentType } from './media-types.js';
import { deleteObjectVersions } from './object-deletion.js';
import { requireStixIdentifier } from './path-ids.js';
import { COLLECTION_QUERY, DELETE_QUERY, parseObjectQuery } from './query-params.js';
import { parseEnvelope } from './raw-envelope.js';
import { isBodyStream, readBodyText } from './request-body.js';
import { requestOrigin } from './request-origin.js';
import { presentStatus } from './status.js';
import { envelopeBytes, sendPage, sendTaxii } from './taxii-reply.js';
import { API_ROOT_PATH, type TaxiiContext } from './taxii-context.js';
import { verifiedRead } from './verified-read.js';

/**
 * Resolves once the work already begun has gone as far as it can without
 * waiting: a statement begun is then on its way to the database.
 */
function afterPendingWork(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Stores what the validator accepted, under the sharing rules when the server has them. */
async function storeAccepted(
  ctx: TaxiiContext,
  principal: Principal,
  collectionId: string,
  accepted: readonly IncomingObject[],
  invalid: readonly StatusDetail[],
  origin: RequestOrigin,
): Promise<{ results: AddResult[]; failures: StatusDetail[] }> {
  if (accepted.length === 0) return { results: [], failures: [...invalid] };
  if (ctx.publish === undefined) {
    const results = await ctx.store.addObjects(collectionId, accepted, { authorOrg: principal.orgId, authorUser: principal.userId });
    return { results, failures: [...invalid] };
  }
  const outcome = await ctx.publish(principal, collectionId, accepted, origin);
  const refused = outcome.failures.map(({ id, version, message }) => ({ id, version, message }));
  return { results: outcome.results, failures: [...invalid, ...refused] };
}

type CollectionRoute = { Params: { collectionId: string }; Querystring: Record<string, unknown> };
type ObjectRoute = { Params: { collectionId: string; objectId: string }; Querystring: Record<string, unknown> };

const OBJECTS_PATH = `${API_ROOT_PATH}collections/:collectionId/objects/`;

/**
 * TAXII 2.1 §5.4 Get Objects, §5.5 Add Objects and §5.7 Delete An Object.
 * Pages are assembled from each object's stored JSON text, never re-serialised.
 */
export function registerObjects(app: FastifyInstance, ctx: TaxiiContext): void {
  /** §5.4: an envelope of the objects matching the filters, oldest `date_added` first. */
  app.get<CollectionRoute>(OBJECTS_PATH, async (request, reply) => {
    // Pages are read, then audited, in two statements: read with the append in one statement (as a GET by id
    // is, object-texts.ts), 1,000-object pages took longer (a walk of 1,000,000 objects 10.7 and 12.5 s before,
    // 13.5 and 19.1 s so, the same server CPU, load 1-3, 2026-11-26; of joined pages on PostgreSQL 39,606 and
    // 48,926 objects/s before, 36,304 and 46,231 so, load 2-4, 2026-11-27). Nor did a second statement beside
    // the read that read the page's labels and appended them: 99,785-112,542 objects/s against 107,694-116,316
    // read, then appended (PostgreSQL's CPU 6.3-6.8 s against 4.1-4.4 s a walk, 2026-11-27).
    const { principal, result } = await verifiedRead(ctx, request.headers.authorization, async (reader) => {
      requireAcceptsTaxii(request.headers.accept);
      const { query, appliedLimit } = parseObjectQuery(request.query, COLLECTION_QUERY, ctx.settings);
      const { collection, result: page } = await readAuthorised(ctx, reader, request.params.collectionId, (collectionId) =>
        ctx.store.queryJoinedTexts(collectionId, query, ctx.readScope(reader)),
      );
      return { collection, page, appliedLimit };
    });
    const { collection, page, appliedLimit } = result;
    // The body is written while the database appends the page's audit entry, and sent once that entry is written.
    const [, body] = await Promise.all([
      ctx.audit?.readsOf(principal, collection.id, page.auditLabels, requestOrigin(request)),
      afterPendingWork().then(() => envelopeBytes(page, 'objects', page.texts)),
    ]);
    return sendPage(reply, page, appliedLimit, body);
  });

  /**
   * §5.5: stores the valid objects of the envelope and answers 202 with a
   * status resource (§4.3.1): stored and already-held objects are successes,
   * invalid ones failures that say why. Processing completes before answering,
   * so the status is always `complete`.
   */
  app.post<CollectionRoute>(OBJECTS_PATH, async (request, reply) => {
    const principal = await ctx.authenticator.authenticate(request.headers.authorization);
    requireAcceptsTaxii(request.headers.accept);
    requireTaxiiContentType(request.headers['content-type']);
    const { collection } = await authoriseCollection(ctx, principal, request.params.collectionId, 'write');
    const requestTimestamp = nowMicros();
    const text = isBodyStream(request.body)
      ? await readBodyText(request.body, request.headers['content-length'], ctx.settings.maxBodyBytes)
      : '';
    const elements = parseEnvelope(text, {
      maxDepth: ctx.settings.maxJsonDepth,
      maxObjects: ctx.settings.maxObjectsPerEnvelope,
    });
    const sorted = sortIncomingObjects(elements, requestTimestamp);
    const { results, failures } = await storeAccepted(ctx, principal, collection.id, sorted.accepted, sorted.failures, requestOrigin(request));
    const successes: StatusDetail[] = results.map((result) =>
      result.status === 'duplicate'
        ? { id: result.id, version: result.version, message: 'This version was already in the collection; kept once' }
        : { id: result.id, version: result.version },
    );
    const status = await ctx.store.createStatus({
      collectionId: collection.id,
      requestTimestamp,
      successes,
      failures,
      pendings: [],
      owner: { userId: principal.userId, orgId: principal.orgId },
    });
    return sendTaxii(reply, 202, presentStatus(status));
  });

  /**
   * §5.7: deletes the selected versions of one object (every version unless
   * `match[version]` narrows it: deleting an object removes it). 404 when none
   * matched.
   */
  app.delete<ObjectRoute>(`${OBJECTS_PATH}:objectId/`, async (request, reply) => {
    const principal = await ctx.authenticator.authenticate(request.headers.authorization);
    requireAcceptsTaxii(request.headers.accept);
    const { query } = parseObjectQuery(request.query, DELETE_QUERY, ctx.settings);
    const { collection } = await authoriseCollection(ctx, principal, request.params.collectionId, 'write');
    const { objectId } = request.params;
    requireStixIdentifier(objectId, collection.id);
    const deleted = await deleteObjectVersions(ctx, collection.id, objectId, query, principal, requestOrigin(request));
    await ctx.audit?.record({
      action: 'objects.delete',
      actorUser: principal.userId,
      actorOrg: principal.orgId,
      target: objectId,
      ...requestOrigin(request),
      details: { collection: collection.id, deleted },
    });
    if (deleted === 0) {
      throw new EntenteError('not_found', `Object ${objectId} has no matching version in collection ${collection.id}`, {
        object: objectId,
      });
    }
    return sendTaxii(reply, 200, '');
  });
}
