import { sql, type RawBuilder } from 'kysely';
import type { TlpLevel } from './schema.js';

export interface FollowerRow {
  readonly id: string;
  readonly type: string;
  readonly tlp: TlpLevel;
  readonly date_added: number;
  /** The object's JSON for the followed types; null for the others, which the follower passes over. */
  readonly json: string | null;
}

/**
 * A read-model follower's batch (incident index, correlation): the next
 * `limit` rows of `collectionId` after `after`, in `date_added` order,
 * whatever their type, so the follower's cursor moves past what it does not
 * follow too. It is one walk of (collection_id, date_added) under a Limit —
 * the plan of every TAXII page — and costs `limit` rows whatever the
 * planner's statistics say.
 *
 * Reading the followed types only, PostgreSQL, with statistics older than the
 * rows after the cursor (autovacuum off, or not yet run), chose plans that
 * read every row after the cursor for each batch: as one `type in (…)` query,
 * the type index and a sort (1.17 s a batch, 2026-11-27); as one walk per type,
 * the date index filtered by type, so a walk of a type the collection hardly
 * holds read all of them (219,572 rows and 0.45 s a batch, while `entente
 * serve` projected a new collection of 230,000 objects beside a million
 * others, taking most of a core from every request).
 */
export function followerBatch(collectionId: string, after: number, limit: number, followed: readonly string[]): RawBuilder<FollowerRow> {
  return sql<FollowerRow>`select id, type, tlp, date_added, case when type in (${sql.join(followed)}) then json end as json
    from objects where collection_id = ${collectionId} and date_added > ${after} order by date_added limit ${limit}`;
}
