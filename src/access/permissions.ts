import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.js';
import { getCollectionGrant, type CollectionGrant } from './collection-grants.js';
import type { CollectionPermissions, Principal } from './principal.js';

/**
 * The one collection-level access decision (TAXII 2.1 §5.2 `can_read` /
 * `can_write`). Admins read and write every collection; others get what their
 * organisation was granted, writing only as contributor; a read-only token
 * never writes, whatever the role. Object-level rules (markings, sharing
 * groups) are applied on top of this in the store's read scope (issue 4).
 */
export function decideCollectionPermissions(principal: Principal, grant: CollectionGrant | undefined): CollectionPermissions {
  const tokenMayWrite = principal.scope === 'read-write';
  if (principal.role === 'admin') return { canRead: true, canWrite: tokenMayWrite };
  if (grant === undefined) return NONE;
  return {
    canRead: grant.canRead,
    canWrite: grant.canWrite && principal.role === 'contributor' && tokenMayWrite,
  };
}

const NONE: CollectionPermissions = Object.freeze({ canRead: false, canWrite: false });

/** Looks up the principal's organisation grant and decides. */
export async function collectionPermissions(
  db: Kysely<DatabaseSchema>,
  principal: Principal,
  collectionId: string,
): Promise<CollectionPermissions> {
  if (principal.role === 'admin') return decideCollectionPermissions(principal, undefined);
  return decideCollectionPermissions(principal, await getCollectionGrant(db, collectionId, principal.orgId));
}

/** The shape the HTTP server takes: `(principal, collectionId) => permissions`. */
export function createPermissionCheck(
  db: Kysely<DatabaseSchema>,
): (principal: Principal, collectionId: string) => Promise<CollectionPermissions> {
  return (principal, collectionId) => collectionPermissions(db, principal, collectionId);
}
