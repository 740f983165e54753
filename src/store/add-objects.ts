import { sql, type Kysely, type Transaction } from 'kysely';
import { EntenteError } from '../errors.js';
import type { DialectSql } from './dialect-sql.js';
import type { AddResult, IncomingObject, WriteMeta } from './object-store.js';
import { pendingRow, toInsertRow, type PendingRow } from './object-row.js';
import type { InsertRow } from './object-columns.js';
import type { DatabaseSchema } from './schema.js';
import { nowMicros } from './timestamps.js';

const IDS_PER_LOOKUP = 500;


/**
 * Stores a batch in one transaction (TAXII 2.1 §5.5 Add Objects).
 *
 * The first statement bumps the collection's `last_added` and takes its row
 * lock (PostgreSQL) or the write lock (SQLite) until commit, so date_added
 * values are unique, strictly increasing per collection and in commit order,
 * even with several servers writing to one PostgreSQL. Rows go in with
 * bulk INSERT … ON CONFLICT DO NOTHING (see DialectSql.insertObjects): a version already held
 * is reported as `duplicate` and keeps the date it was first added.
 */
export async function addObjects(
  db: Kysely<DatabaseSchema>,
  dialect: DialectSql,
  collectionId: string,
  objects: readonly IncomingObject[],
  meta: WriteMeta,
): Promise<AddResult[]> {
  const pending = objects.map(pendingRow);
  // Within one batch the first of two equal versions is the one stored.
  const firstIndex = new Map<string, number>();
  const unique: { row: PendingRow; index: number }[] = [];
  pending.forEach((row, index) => {
    if (row.version === undefined) {
      unique.push({ row, index });
      return;
    }
    const key = versionKey(row.id, row.version);
    if (!firstIndex.has(key)) {
      firstIndex.set(key, index);
      unique.push({ row, index });
    }
  });

  return db.transaction().execute(async (trx) => {
    const base = await reserveDates(trx, dialect, collectionId, Math.max(unique.length, 1));
    const rows = unique.map(({ row }, i) => toInsertRow(row, collectionId, base + i, meta));
    const inserted = new Set((await dialect.insertObjects(trx, rows)).map((k) => versionKey(k.id, k.version)));
    const added = new Map(rows.filter((r) => inserted.has(versionKey(r.id, r.version))).map((r) => [versionKey(r.id, r.version), r.date_added]));
    const missing = rows.filter((row) => !added.has(versionKey(row.id, row.version)));
    const existing = await lookUpDates(trx, collectionId, missing);

    const rowOf = new Map<number, InsertRow>();
    unique.forEach(({ index }, i) => rowOf.set(index, rows[i] as InsertRow));
    return pending.map((incoming, index): AddResult => {
      const own = rowOf.get(index);
      const row = own ?? rowOf.get(firstIndex.get(versionKey(incoming.id, incoming.version ?? '')) ?? -1);
      if (!row) throw new Error(`internal: no row for ${incoming.id}`);
      const key = versionKey(row.id, row.version);
      const fresh = own ? added.get(key) : undefined;
      const dateAdded = added.get(key) ?? existing.get(key);
      if (dateAdded === undefined) throw new Error(`internal: ${incoming.id} neither inserted nor found`);
      return {
        id: row.id,
        version: incoming.versionRaw ?? row.version_raw,
        status: fresh === undefined ? 'duplicate' : 'added',
        dateAdded,
      };
    });
  });
}

function versionKey(id: string, version: string): string {
  return `${id}\u0000${version}`;
}

/** Reserves `count` consecutive date_added values, the first at least now and after every earlier one. */
async function reserveDates(
  trx: Transaction<DatabaseSchema>,
  dialect: DialectSql,
  collectionId: string,
  count: number,
): Promise<number> {
  const now = nowMicros();
  const row = await trx
    .updateTable('collections')
    .set((eb) => ({
      last_added: dialect.greatest(eb('last_added', '+', count), sql.lit(now + count - 1)),
    }))
    .where('id', '=', collectionId)
    .returning('last_added')
    .executeTakeFirst();
  if (!row) {
    throw new EntenteError('not_found', `Collection ${collectionId} does not exist`, { collectionId });
  }
  return row.last_added - count + 1;
}

/** The date_added of versions that were already stored. */
async function lookUpDates(
  trx: Transaction<DatabaseSchema>,
  collectionId: string,
  rows: readonly InsertRow[],
): Promise<Map<string, number>> {
  const dates = new Map<string, number>();
  const ids = [...new Set(rows.map((row) => row.id))];
  const wanted = new Set(rows.map((row) => versionKey(row.id, row.version)));
  for (let start = 0; start < ids.length; start += IDS_PER_LOOKUP) {
    const found = await trx
      .selectFrom('objects')
      .select(['id', 'version', 'date_added'])
      .where('collection_id', '=', collectionId)
      .where('id', 'in', ids.slice(start, start + IDS_PER_LOOKUP))
      .execute();
    for (const row of found) {
      const key = versionKey(row.id, row.version);
      if (wanted.has(key)) dates.set(key, row.date_added);
    }
  }
  return dates;
}
