import type { FastifyInstance } from 'fastify';
import { readAuthorised } from './collection-access.js';
import { requireAcceptsTaxii } from './media-types.js';
import { requireObjectExists } from './object-existence.js';
import { requireStixIdentifier } from './path-ids.js';
import { auditServed, readObjectTexts } from './object-texts.js';
import { requestOrigin } from './request-origin.js';
import { OBJECT_QUERY, parseObjectQuery } from './query-params.js';
import { envelopeBytes, sendPage } from './taxii-reply.js';
import { API_ROOT_PATH, type TaxiiContext } from './taxii-context.js';
import { verifiedRead } from './verified-read.js';

/**
 * TAXII 2.1 §5.6 Get An Object: `GET /api/v21/collections/{id}/objects/{object-id}/`
 * → an envelope with the selected versions of one object (the latest unless
 * `match[version]` says otherwise). 404 when the collection holds no version of
 * it that this principal may see; an empty envelope when it does but the
 * filters exclude them all.
 */
export function registerObject(app: FastifyInstance, ctx: TaxiiContext): void {
  app.get<{ Params: { collectionId: string; objectId: string }; Querystring: Record<string, unknown> }>(
    `${API_ROOT_PATH}collections/:collectionId/objects/:objectId/`,
    async (request, reply) => {
      const { authorization } = request.headers;
      const origin = requestOrigin(request);
      const { principal, result } = await verifiedRead(ctx, authorization, async (reader) => {
        requireAcceptsTaxii(request.headers.accept);
        const { query, appliedLimit } = parseObjectQuery(request.query, OBJECT_QUERY, ctx.settings);
        const { objectId } = request.params;
        const { collection, result: read } = await readAuthorised(
          ctx,
          reader,
          request.params.collectionId,
          (collectionId) => readObjectTexts(ctx, reader, authorization, collectionId, { ...query, ids: [objectId] }, origin),
          (authorised) => requireStixIdentifier(objectId, authorised.id),
        );
        if (read.page.count === 0) await requireObjectExists(ctx, collection.id, objectId, reader);
        return { collection, read, appliedLimit };
      });
      const { collection, read, appliedLimit } = result;
      const { page } = read;
      await auditServed(ctx, principal, collection.id, read, origin);
      return sendPage(reply, page, appliedLimit, envelopeBytes(page, 'objects', page.texts));
    },
  );
}
