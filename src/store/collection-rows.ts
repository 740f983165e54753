import { randomUUID } from 'node:crypto';
import type { Collection } from './object-store.js';
import type { CollectionsTable } from './schema.js';
import { nowMicros } from './timestamps.js';

/** What a new collection is given; the rest of its row is the store's. */
export interface CollectionFields {
  readonly id?: string | undefined;
  readonly title: string;
  readonly description?: string | undefined;
  readonly alias?: string | undefined;
}

/** The row of a new collection: created now, nothing added yet. */
export function newCollectionRow(fields: CollectionFields): CollectionsTable {
  return {
    id: fields.id ?? randomUUID(),
    title: fields.title,
    description: fields.description ?? null,
    alias: fields.alias ?? null,
    created_at: nowMicros(),
    last_added: 0,
  };
}

export function toCollection(row: CollectionsTable): Collection {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    alias: row.alias,
    createdAt: Number(row.created_at),
  };
}
