import type { FastifyInstance } from 'fastify';
import { authoriseCollection } from './collection-access.js';
import { requireAcceptsTaxii } from './media-types.js';
import { requireObjectExists } from './object-existence.js';
import { requireStixIdentifier } from './path-ids.js';
import { VERSIONS_QUERY, parseObjectQuery } from './query-params.js';
import { requestOrigin } from './request-origin.js';
import { envelopeJson, sendPage } from './taxii-reply.js';
import { API_ROOT_PATH, type TaxiiContext } from './taxii-context.js';
import { verifiedRead } from './verified-read.js';

/**
 * TAXII 2.1 §5.8 Get Object Versions:
 * `GET /api/v21/collections/{id}/objects/{object-id}/versions/` → versions
 * resource (§5.8.1) `{more, versions}`, oldest first, paged like Get Objects
 * (with `next` given beside `more` so that the `next` parameter can be used).
 */
export function registerVersions(app: FastifyInstance, ctx: TaxiiContext): void {
  app.get<{ Params: { collectionId: string; objectId: string }; Querystring: Record<string, unknown> }>(
    `${API_ROOT_PATH}collections/:collectionId/objects/:objectId/versions/`,
    async (request, reply) => {
      const { principal, result } = await verifiedRead(ctx, request.headers.authorization, async (reader) => {
        requireAcceptsTaxii(request.headers.accept);
        const { query, appliedLimit } = parseObjectQuery(request.query, VERSIONS_QUERY, ctx.settings);
        const { collection } = await authoriseCollection(ctx, reader, request.params.collectionId, 'read');
        const { objectId } = request.params;
        requireStixIdentifier(objectId, collection.id);
        const page = await ctx.store.queryVersions(collection.id, objectId, query, ctx.readScope(reader));
        if (page.items.length === 0) await requireObjectExists(ctx, collection.id, objectId, reader);
        return { collection, page, appliedLimit };
      });
      const { collection, page, appliedLimit } = result;
      await ctx.audit?.readsOf(principal, collection.id, page.items.map((item) => item.auditLabel), requestOrigin(request));
      const versions = page.items.map((record) => JSON.stringify(record.version)).join(',');
      return sendPage(reply, page, appliedLimit, envelopeJson(page, 'versions', versions));
    },
  );
}
