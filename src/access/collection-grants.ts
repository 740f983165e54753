import type { Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import type { DatabaseSchema } from '../store/schema.js';

/**
 * Per-organisation read/write on a collection (DESIGN.md: "Collections grant
 * read/write to organisations"). No row means no access.
 */
export interface CollectionGrant {
  readonly collectionId: string;
  readonly orgId: string;
  readonly canRead: boolean;
  readonly canWrite: boolean;
}

/** Sets (replaces) an organisation's rights on a collection, in one transaction. */
export async function grantCollection(db: Kysely<DatabaseSchema>, grant: CollectionGrant): Promise<CollectionGrant> {
  const [collection, org] = await Promise.all([
    db.selectFrom('collections').select('id').where('id', '=', grant.collectionId).executeTakeFirst(),
    db.selectFrom('organizations').select('id').where('id', '=', grant.orgId).executeTakeFirst(),
  ]);
  if (collection === undefined) throw new EntenteError('not_found', `No collection with id ${grant.collectionId}`);
  if (org === undefined) throw new EntenteError('not_found', `No organisation with id ${grant.orgId}`);
  const values = { can_read: grant.canRead ? 1 : 0, can_write: grant.canWrite ? 1 : 0 };
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('collection_grants')
      .set(values)
      .where('collection_id', '=', grant.collectionId)
      .where('org_id', '=', grant.orgId)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) {
      await trx.insertInto('collection_grants').values({ collection_id: grant.collectionId, org_id: grant.orgId, ...values }).execute();
    }
  });
  return grant;
}

export async function revokeCollectionGrant(db: Kysely<DatabaseSchema>, collectionId: string, orgId: string): Promise<void> {
  await db.deleteFrom('collection_grants').where('collection_id', '=', collectionId).where('org_id', '=', orgId).execute();
}

export async function getCollectionGrant(
  db: Kysely<DatabaseSchema>,
  collectionId: string,
  orgId: string,
): Promise<CollectionGrant | undefined> {
  const row = await db
    .selectFrom('collection_grants')
    .selectAll()
    .where('collection_id', '=', collectionId)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return row === undefined ? undefined : toGrant(row);
}

export async function listCollectionGrants(db: Kysely<DatabaseSchema>, collectionId: string): Promise<CollectionGrant[]> {
  const rows = await db.selectFrom('collection_grants').selectAll().where('collection_id', '=', collectionId).orderBy('org_id').execute();
  return rows.map(toGrant);
}

function toGrant(row: { collection_id: string; org_id: string; can_read: number; can_write: number }): CollectionGrant {
  return {
    collectionId: row.collection_id,
    orgId: row.org_id,
    canRead: Number(row.can_read) !== 0,
    canWrite: Number(row.can_write) !== 0,
  };
}
