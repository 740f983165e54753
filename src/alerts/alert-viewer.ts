import type { Kysely } from 'kysely';
import { representsPartnerSql } from '../access/partner-accounts.js';
import { decideCollectionPermissions } from '../access/permissions.js';
import type { Principal } from '../access/principal.js';
import { readScopeOf } from '../access/read-scope.js';
import type { ReadScope } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';

/** Who an alert is shown to, as alert-records.ts `visibleAlerts` needs them. */
export interface AlertViewer {
  readonly userId: string;
  readonly scope: ReadScope;
  readonly readableCollections: readonly string[];
}

/**
 * The viewer of an authenticated principal: their read scope and the
 * collections access/permissions.ts `decideCollectionPermissions` lets them
 * read, decided over every collection and the organisation's grants read in
 * one query (the stream asks this several times a second).
 */
export async function alertViewerOf(db: Kysely<DatabaseSchema>, principal: Principal): Promise<AlertViewer> {
  const rows = await db
    .selectFrom('collections as c')
    .leftJoin('collection_grants as g', (join) => join.onRef('g.collection_id', '=', 'c.id').on('g.org_id', '=', principal.orgId))
    .select(['c.id', 'g.can_read', 'g.can_write'])
    .execute();
  const readable = rows
    .filter((row) => {
      const grant =
        row.can_read === null || row.can_write === null
          ? undefined
          : { collectionId: row.id, orgId: principal.orgId, canRead: Number(row.can_read) !== 0, canWrite: Number(row.can_write) !== 0 };
      return decideCollectionPermissions(principal, grant).canRead;
    })
    .map((row) => row.id);
  return { userId: principal.userId, scope: readScopeOf(principal), readableCollections: readable };
}

/** A watchlist owner as the access policy knows them, for work done on their behalf; undefined when disabled or gone. */
export async function ownerPrincipal(db: Kysely<DatabaseSchema>, userId: string): Promise<Principal | undefined> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'org_id', 'role', 'disabled', representsPartnerSql('users.org_id').as('represents_partner')])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (user === undefined || Number(user.disabled) !== 0) return undefined;
  return { userId: user.id, username: user.username, orgId: user.org_id, role: user.role, scope: 'read', representsPartner: Number(user.represents_partner) !== 0, via: 'system' };
}
