import { sql, type Kysely, type Transaction } from 'kysely';
import { EntenteError } from '../errors.js';
import type { DialectSql } from './dialect-sql.js';
import type { AddOptions, AddResult, HeldVersions, IncomingObject, WriteMeta } from './object-store.js';
import { pendingRow, toInsertRow, type PendingRow } from './object-row.js';
import type { InsertRow } from './object-columns.js';
import type { DatabaseSchema } from './schema.js';
import { nowMicros } from './timestamps.js';

const IDS_PER_STATEMENT = 500;

type Trx = Transaction<DatabaseSchema>;

/**
 * Stores a batch in one transaction (TAXII 2.1 §5.5 Add Objects).
 *
 * The first statement bumps the collection's `last_added` and takes its row
 * lock (PostgreSQL) or the write lock (SQLite) until commit, so date_added
 * values are unique, strictly increasing per collection and in commit order,
 * even with several servers writing to one PostgreSQL. Under that lock one
 * statement per few hundred ids reads the versions already held: those are
 * reported as `duplicate` (with the date they were first added) and not stored
 * again, and objects that gain a second version are flagged `multi_version`
 * so that readers probe versions only for them.
 */
export async function addObjects(
  db: Kysely<DatabaseSchema>,
  dialect: DialectSql,
  collectionId: string,
  objects: readonly IncomingObject[],
  meta: WriteMeta,
  options: AddOptions = {},
): Promise<AddResult[]> {
  const given = objects.map(pendingRow);
  let inserted = 0;
  const results = await db.transaction().execute(async (trx) => {
    const base = await reserveDates(trx, dialect, collectionId, Math.max(given.length, 1));
    const verdict = options.beforeInsert === undefined ? undefined : await options.beforeInsert(trx);
    const pending = verdict === undefined ? given : given.filter((_, i) => !verdict.skip.has(i));
    const held = verdict?.held !== undefined ? copyOf(verdict.held) : await heldVersions(trx, collectionId, pending);
    const storedBefore = new Set(held.keys());
    const perId = new Map<string, number>();
    for (const row of pending) perId.set(row.id, (perId.get(row.id) ?? 0) + 1);

    const results: AddResult[] = [];
    const fresh: InsertRow[] = [];
    const gained = new Set<string>();
    pending.forEach((row: PendingRow, i) => {
      const versions = held.get(row.id);
      const before = row.version === undefined ? undefined : versions?.get(row.version);
      if (before !== undefined) {
        results.push({ id: row.id, version: row.versionRaw ?? row.version ?? '', status: 'duplicate', dateAdded: before });
        return;
      }
      const repeated = (perId.get(row.id) ?? 0) > 1;
      const insert = toInsertRow(row, collectionId, base + i, meta, versions !== undefined || repeated);
      if (storedBefore.has(row.id)) gained.add(row.id);
      // A later equal version in the same batch is a duplicate of this one (only an id the batch holds twice has
      // a later version: the others are not recorded, a Map per object being a good part of a bulk import's work).
      if (versions) versions.set(insert.version, insert.date_added);
      else if (repeated) held.set(row.id, new Map([[insert.version, insert.date_added]]));
      fresh.push(insert);
      results.push({ id: row.id, version: insert.version_raw, status: 'added', dateAdded: insert.date_added });
    });

    const stored = await dialect.insertObjects(trx, fresh);
    if (stored.length !== fresh.length) {
      // Impossible while the collection lock is held; refuse rather than report wrong statuses.
      throw new EntenteError('conflict', `Collection ${collectionId} changed during the write; retry it`, { collectionId });
    }
    await markMultiVersion(trx, collectionId, [...gained]);
    if (options.watermark !== undefined) await setWatermark(trx, options.watermark);
    if (options.afterInsert !== undefined) await options.afterInsert(trx, results);
    inserted = fresh.length;
    return results;
  });
  await dialect.afterInsert(db, inserted);
  return results;
}

/** Reserves `count` consecutive date_added values, the first at least now and after every earlier one. */
async function reserveDates(trx: Trx, dialect: DialectSql, collectionId: string, count: number): Promise<number> {
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

/** id → (normalised version → date_added) of every version already stored for the batch's ids. */
async function heldVersions(trx: Trx, collectionId: string, rows: readonly PendingRow[]): Promise<Map<string, Map<string, number>>> {
  const held = new Map<string, Map<string, number>>();
  const ids = [...new Set(rows.map((row) => row.id))];
  for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
    const found = await trx
      .selectFrom('objects')
      .select(['id', 'version', 'date_added'])
      .where('collection_id', '=', collectionId)
      .where('id', 'in', ids.slice(start, start + IDS_PER_STATEMENT))
      .execute();
    for (const row of found) {
      const versions = held.get(row.id) ?? new Map<string, number>();
      versions.set(row.version, row.date_added);
      held.set(row.id, versions);
    }
  }
  return held;
}

/** A copy the batch may extend with the versions it adds. */
function copyOf(held: HeldVersions): Map<string, Map<string, number>> {
  return new Map([...held].map(([id, versions]) => [id, new Map(versions)]));
}

/** Flags the earlier versions of objects that have just gained another one. */
async function markMultiVersion(trx: Trx, collectionId: string, ids: readonly string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
    await trx
      .updateTable('objects')
      .set({ multi_version: 1 })
      .where('collection_id', '=', collectionId)
      .where('id', 'in', ids.slice(start, start + IDS_PER_STATEMENT))
      .where('multi_version', '=', 0)
      .execute();
  }
}

/** Upserts a watermark inside the write's transaction (so it commits, or not, with the objects). */
async function setWatermark(trx: Trx, watermark: { readonly key: string; readonly value: string }): Promise<void> {
  const row = { key: watermark.key, value: watermark.value, updated_at: nowMicros() };
  await trx
    .insertInto('watermarks')
    .values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at }))
    .execute();
}
