import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.js';
import type { Principal } from './principal.js';

/**
 * Who may delete what (TAXII 2.1 §5.7, the REST API): the organisation that
 * authored a version, or an instance admin. Deleting is decided only among
 * the versions the principal may see (the caller selects them through its
 * ReadScope), so a hidden version stays hidden (404) and a visible version of
 * another organisation is refused (403) rather than removed.
 */
export type DeletionDecision = 'allowed' | 'forbidden';

/** The shape the TAXII server takes: whether `principal` may delete these versions (as `version_raw`) of one object. */
export type DeletionRights = (
  principal: Principal,
  collectionId: string,
  objectId: string,
  versions: readonly string[],
) => Promise<DeletionDecision>;

export async function mayDeleteVersions(
  db: Kysely<DatabaseSchema>,
  principal: Principal,
  collectionId: string,
  objectId: string,
  versions: readonly string[],
): Promise<DeletionDecision> {
  if (principal.role === 'admin') return 'allowed';
  if (versions.length === 0) return 'allowed';
  const authors = await db
    .selectFrom('objects')
    .select('author_org')
    .distinct()
    .where('collection_id', '=', collectionId)
    .where('id', '=', objectId)
    .where('version_raw', 'in', [...versions])
    .execute();
  // A partner's version (no author organisation here) is nobody's to delete but an admin's.
  return authors.every((row) => row.author_org === principal.orgId) ? 'allowed' : 'forbidden';
}

export function createDeletionRights(db: Kysely<DatabaseSchema>): DeletionRights {
  return (principal, collectionId, objectId, versions) => mayDeleteVersions(db, principal, collectionId, objectId, versions);
}
