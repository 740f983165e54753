import type { Kysely } from 'kysely';
import type { ObjectStore, ReadScope } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import { createAccessAudit, type AccessAudit } from './access-audit.js';
import { DatabaseAuthenticator } from './authenticator.js';
import { createDeletionRights, type DeletionRights } from './deletion-rights.js';
import { createPermissionCheck } from './permissions.js';
import type { Authenticator, CollectionPermissions, Principal } from './principal.js';
import { createPublisher, type ObjectPublisher } from './publication.js';
import { readScopeOf } from './read-scope.js';

/** Everything a server needs from the access layer, built over one database. */
export interface AccessServices {
  readonly authenticator: Authenticator;
  readonly permissions: (principal: Principal, collectionId: string) => Promise<CollectionPermissions>;
  readonly readScope: (principal: Principal) => ReadScope;
  readonly publish: ObjectPublisher;
  readonly deletionRights: DeletionRights;
  readonly audit: AccessAudit;
}

/**
 * The one way the access policy is wired into a server (`entente serve` and the
 * test servers alike), so no server can be assembled with a read path that
 * skips it.
 */
export function accessServices(db: Kysely<DatabaseSchema>, store: ObjectStore): AccessServices {
  return {
    authenticator: new DatabaseAuthenticator(db),
    permissions: createPermissionCheck(db),
    readScope: readScopeOf,
    publish: createPublisher(db, store),
    deletionRights: createDeletionRights(db),
    audit: createAccessAudit(db),
  };
}
