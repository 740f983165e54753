import type { FastifyInstance } from 'fastify';
import { microsToTimestamp } from '../../stix/timestamp.js';
import type { ManifestRecord } from '../../store/object-store.js';
import { authoriseCollection } from './collection-access.js';
import { requireAcceptsTaxii } from './media-types.js';
import { COLLECTION_QUERY, parseObjectQuery } from './query-params.js';
import { requestOrigin } from './request-origin.js';
import { envelopeBytes, sendPage } from './taxii-reply.js';
import { API_ROOT_PATH, type TaxiiContext } from './taxii-context.js';
import { verifiedRead } from './verified-read.js';

/** TAXII 2.1 §5.3.1 manifest-record. */
export function presentManifestRecord(record: ManifestRecord): string {
  return JSON.stringify({
    id: record.id,
    date_added: microsToTimestamp(record.dateAdded),
    version: record.version,
    media_type: record.mediaType,
  });
}

/**
 * TAXII 2.1 §5.3 Get Object Manifests: `GET /api/v21/collections/{id}/manifest/`
 * with the same filters and paging as Get Objects, answering an envelope of
 * manifest records.
 */
export function registerManifest(app: FastifyInstance, ctx: TaxiiContext): void {
  app.get<{ Params: { collectionId: string }; Querystring: Record<string, unknown> }>(
    `${API_ROOT_PATH}collections/:collectionId/manifest/`,
    async (request, reply) => {
      const { principal, result } = await verifiedRead(ctx, request.headers.authorization, async (reader) => {
        requireAcceptsTaxii(request.headers.accept);
        const { query, appliedLimit } = parseObjectQuery(request.query, COLLECTION_QUERY, ctx.settings);
        const { collection } = await authoriseCollection(ctx, reader, request.params.collectionId, 'read');
        const page = await ctx.store.queryManifest(collection.id, query, ctx.readScope(reader));
        return { collection, page, appliedLimit };
      });
      const { collection, page, appliedLimit } = result;
      await ctx.audit?.readsOf(principal, collection.id, page.items.map((item) => item.auditLabel), requestOrigin(request));
      return sendPage(reply, page, appliedLimit, envelopeBytes(page, 'objects', page.items.map(presentManifestRecord)));
    },
  );
}
