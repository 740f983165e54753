import type { FastifyInstance } from 'fastify';
import { authoriseCollection } from './collection-access.js';
import { requireAcceptsTaxii } from './media-types.js';
import { requireObjectExists } from './object-existence.js';
import { requireStixIdentifier } from './path-ids.js';
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
      const { principal, result } = await verifiedRead(ctx, request.headers.authorization, async (reader) => {
        requireAcceptsTaxii(request.headers.accept);
        const { query, appliedLimit } = parseObjectQuery(request.query, OBJECT_QUERY, ctx.settings);
        const { collection } = await authoriseCollection(ctx, reader, request.params.collectionId, 'read');
        const { objectId } = request.params;
        requireStixIdentifier(objectId, collection.id);
        const page = await ctx.store.queryObjectTexts(collection.id, { ...query, ids: [objectId] }, ctx.readScope(reader));
        if (page.items.length === 0) await requireObjectExists(ctx, collection.id, objectId, reader);
        return { collection, page, appliedLimit };
      });
      const { collection, page, appliedLimit } = result;
      await ctx.audit?.readsOf(principal, collection.id, page.items.map((item) => item.auditLabel), requestOrigin(request));
      return sendPage(reply, page, appliedLimit, envelopeBytes(page, 'objects', page.items.map((item) => item.json)));
    },
  );
}
