import type { Principal } from '../../access/principal.js';
import { EntenteError } from '../../errors.js';
import type { TaxiiContext } from './taxii-context.js';

/**
 * Throws `not_found` unless the collection holds at least one version of the
 * object that the principal may see. Used only when a filtered answer came
 * back empty, to tell "no such object" (404, TAXII 2.1 §5.6, §5.8) from
 * "nothing matched" (an empty envelope).
 */
export async function requireObjectExists(ctx: TaxiiContext, collectionId: string, objectId: string, principal: Principal): Promise<void> {
  const any = await ctx.store.queryVersions(collectionId, objectId, { limit: 1 }, ctx.readScope(principal));
  if (any.items.length === 0) {
    throw new EntenteError('not_found', `Object ${objectId} not found in collection ${collectionId}`, { object: objectId });
  }
}
