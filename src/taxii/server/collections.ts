import type { FastifyInstance } from 'fastify';
import type { CollectionPermissions } from '../../access/principal.js';
import type { Collection } from '../../store/object-store.js';
import { authoriseCollection } from './collection-access.js';
import { requireAcceptsTaxii, STIX_MEDIA_TYPE } from './media-types.js';
import { sendTaxii } from './taxii-reply.js';
import { API_ROOT_PATH, type TaxiiContext } from './taxii-context.js';

/** TAXII 2.1 §5.2.1 collection resource, with this principal's `can_read` / `can_write`. */
export function presentCollection(collection: Collection, permissions: CollectionPermissions): Record<string, unknown> {
  return {
    id: collection.id,
    title: collection.title,
    ...(collection.description === null ? {} : { description: collection.description }),
    ...(collection.alias === null ? {} : { alias: collection.alias }),
    can_read: permissions.canRead,
    can_write: permissions.canWrite,
    media_types: [STIX_MEDIA_TYPE],
  };
}

/**
 * TAXII 2.1 §5.1 Get Collections (`GET /api/v21/collections/`) and §5.2 Get A
 * Collection (`GET /api/v21/collections/{id}/`). Only collections the principal
 * may read or write are listed; with none, the resource is `{}` (§5.1.1
 * `collections` is optional).
 */
export function registerCollections(app: FastifyInstance, ctx: TaxiiContext): void {
  app.get(`${API_ROOT_PATH}collections/`, async (request, reply) => {
    const principal = await ctx.authenticator.authenticate(request.headers.authorization);
    requireAcceptsTaxii(request.headers.accept);
    const all = await ctx.store.listCollections();
    const visible: Record<string, unknown>[] = [];
    for (const collection of all) {
      const permissions = await ctx.permissions(principal, collection.id);
      if (permissions.canRead || permissions.canWrite) visible.push(presentCollection(collection, permissions));
    }
    return sendTaxii(reply, 200, visible.length === 0 ? {} : { collections: visible });
  });

  app.get<{ Params: { collectionId: string } }>(`${API_ROOT_PATH}collections/:collectionId/`, async (request, reply) => {
    const principal = await ctx.authenticator.authenticate(request.headers.authorization);
    requireAcceptsTaxii(request.headers.accept);
    const { collection, permissions } = await authoriseCollection(ctx, principal, request.params.collectionId, 'see');
    return sendTaxii(reply, 200, presentCollection(collection, permissions));
  });
}
