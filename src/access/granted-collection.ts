import type { Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import type { Collection } from '../store/object-store.js';
import { newCollectionRow, toCollection } from '../store/collection-rows.js';
import type { DatabaseSchema } from '../store/schema.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { appendAudit, type AuditEvent } from './audit-log.js';

export interface NewGrantedCollection {
  readonly title: string;
  readonly description?: string | undefined;
  readonly alias?: string | undefined;
}

/** Who creates it, and through what (REST `POST /collections`, CLI `collection add`), as its audit entry records. */
export type CollectionCreator = Pick<AuditEvent, 'actorUser' | 'actorOrg' | 'address' | 'path'>;

/**
 * Creates a collection, grants `orgId` read and write on it and records both in
 * the audit log, in ONE transaction: a failure at any step leaves neither a
 * collection without its grant nor a change without its audit entry.
 */
export async function createGrantedCollection(
  db: Kysely<DatabaseSchema>,
  input: NewGrantedCollection,
  orgId: string,
  creator: CollectionCreator,
): Promise<Collection> {
  const row = newCollectionRow(input);
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('collections').values(row).execute();
      await trx.insertInto('collection_grants').values({ collection_id: row.id, org_id: orgId, can_read: 1, can_write: 1 }).execute();
      await appendAudit(trx, { action: 'collection.add', ...creator, target: row.id, details: { title: row.title, alias: row.alias, org: orgId } });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new EntenteError('conflict', `A collection with alias ${row.alias ?? '(none)'} already exists`, { alias: row.alias });
    throw error;
  }
  return toCollection(row);
}
