import type { CollectionPermissions, Principal } from '../../access/principal.js';
import { EntenteError } from '../../errors.js';
import type { Collection } from '../../store/object-store.js';
import { requirePlainId } from './path-ids.js';
import type { TaxiiContext } from './taxii-context.js';

/**
 * What a request needs of a collection:
 * - `see`: its description (§5.2) — readers and writers;
 * - `read`: its objects, manifest, versions (§5.3, §5.4, §5.6, §5.8);
 * - `write`: adding or deleting objects (§5.5, §5.7).
 */
export type CollectionNeed = 'see' | 'read' | 'write';

export interface AuthorisedCollection {
  readonly collection: Collection;
  readonly permissions: CollectionPermissions;
}

/**
 * The one access check of the TAXII endpoints, run before anything else is
 * read. A collection the principal may not read answers exactly as one that
 * does not exist (404), so its existence is never revealed; only a principal
 * who can see a collection is told it may not write to it (403).
 */
export async function authoriseCollection(
  ctx: TaxiiContext,
  principal: Principal,
  collectionId: string,
  need: CollectionNeed,
): Promise<AuthorisedCollection> {
  requirePlainId('Collection', collectionId);
  // Both at once: one round trip less on PostgreSQL; permissions on a missing collection are simply unused.
  const [collection, permissions] = await Promise.all([
    ctx.store.getCollection(collectionId),
    ctx.permissions(principal, collectionId),
  ]);
  const visible = need === 'read' ? permissions.canRead : permissions.canRead || permissions.canWrite;
  if (collection === undefined || !visible) {
    throw new EntenteError('not_found', `Collection ${collectionId} not found`, { collection: collectionId });
  }
  if (need === 'write' && !permissions.canWrite) {
    throw new EntenteError('forbidden', `You may read collection ${collectionId} but not write to it`, {
      collection: collectionId,
    });
  }
  return { collection, permissions };
}
