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

/**
 * `authoriseCollection(…, 'read')` with `read` of the collection started beside
 * the check instead of after it, so on PostgreSQL the grant look-up and the
 * read are one round trip apart instead of two. `read` may have no effect
 * the check has not allowed: when the check refuses, its error is thrown
 * (404, exactly as `authoriseCollection` answers) and whatever `read` found
 * or threw is dropped unseen; then `check` runs (what the caller would have
 * checked between authorising and reading, e.g. the object id), and only then
 * is `read`'s outcome the answer, so errors come in the sequential order. The
 * audit of what was read is written after, by the caller — or, for a GET by
 * id on PostgreSQL, by `read`'s own statement, which appends it only when
 * read-guard.ts finds the same grant in SQL.
 */
export async function readAuthorised<T>(
  ctx: TaxiiContext,
  principal: Principal,
  collectionId: string,
  read: (collectionId: string) => Promise<T>,
  check: (collection: Collection) => void = () => undefined,
): Promise<AuthorisedCollection & { readonly result: T }> {
  requirePlainId('Collection', collectionId);
  // Started in an async function so that even a synchronous throw of `read` waits behind the check.
  const early = (async () => read(collectionId))().then(
    (value) => ({ ok: true, value }) as const,
    (error: unknown) => ({ ok: false, error }) as const,
  );
  const authorised = await authoriseCollection(ctx, principal, collectionId, 'read');
  check(authorised.collection);
  const outcome = await early;
  if (!outcome.ok) throw outcome.error;
  return { ...authorised, result: outcome.value };
}
