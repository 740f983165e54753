import type { Kysely } from 'kysely';
import { collectionPermissions } from '../access/permissions.js';
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

/** The viewer of an authenticated principal: their read scope and the collections access/permissions.ts lets them read. */
export async function alertViewerOf(db: Kysely<DatabaseSchema>, principal: Principal): Promise<AlertViewer> {
  const collections = await db.selectFrom('collections').select('id').execute();
  const readable: string[] = [];
  for (const { id } of collections) if ((await collectionPermissions(db, principal, id)).canRead) readable.push(id);
  return { userId: principal.userId, scope: readScopeOf(principal), readableCollections: readable };
}

/** A watchlist owner as the access policy knows them, for work done on their behalf; undefined when disabled or gone. */
export async function ownerPrincipal(db: Kysely<DatabaseSchema>, userId: string): Promise<Principal | undefined> {
  const user = await db.selectFrom('users').select(['id', 'username', 'org_id', 'role', 'disabled']).where('id', '=', userId).executeTakeFirst();
  if (user === undefined || Number(user.disabled) !== 0) return undefined;
  return { userId: user.id, username: user.username, orgId: user.org_id, role: user.role, scope: 'read', via: 'system' };
}
