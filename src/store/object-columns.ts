import type { ObjectsTable } from './schema.js';

/** A row of `objects` as the writer inserts it (`seq` is assigned by the database). */
export type InsertRow = Omit<ObjectsTable, 'seq'>;

/** Every inserted column, in one fixed order the bulk inserts bind by. */
export const OBJECT_COLUMNS = [
  'collection_id',
  'id',
  'type',
  'spec_version',
  'version',
  'version_raw',
  'created',
  'modified',
  'date_added',
  'json',
  'author_org',
  'author_user',
  'partner',
  'sharing_group',
  'tlp',
  'media_type',
  'multi_version',
] as const satisfies readonly (keyof InsertRow)[];

/** The key that identifies a stored version. */
export interface VersionKey {
  readonly id: string;
  readonly version: string;
}
