import { PostgresAdapter, sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';

/**
 * A follower's batch over several types of one collection: the rows after its
 * cursor in `date_added` order, at most `limit` of them, as one walk per type
 * over (collection_id, type, date_added) — each already ordered by
 * `date_added` and stopped after `limit` rows by `walk` — merged and limited
 * again. The same rows in the same order as one `type in (…)` query, but the
 * cost is (types × limit) whatever the planner believes: with stale
 * statistics PostgreSQL read a single `type in` query through the type index,
 * every matching row of the collection after the cursor, and sorted them
 * (150,000 rows for a batch of 500). read-pages.ts `mergedTypeWalks` reads
 * TAXII pages through it, ordered by their `dateAdded` column.
 *
 * Each walk is wrapped in its own select: SQLite allows ORDER BY and LIMIT
 * only on a whole compound select, not on one of its arms. Each walk starts
 * after the cursor by `typeWalkStart`.
 */
export function typeWalks<Row>(
  types: readonly string[],
  limit: number,
  walk: (type: string) => Expression<Row>,
  orderColumn = 'date_added',
): RawBuilder<Row> {
  const walks = [...new Set(types)].map((type, i) => sql`select * from (${walk(type)}) as ${sql.id(`walk${i}`)}`);
  return sql<Row>`select * from (${sql.join(walks, sql` union all `)}) as merged order by ${sql.ref(orderColumn)} limit ${limit}`;
}

/**
 * Where a walk of `type` starts: after `after` in `collectionId`. On
 * PostgreSQL it is written as a range that only the (collection_id, type,
 * date_added) index can serve. Written as `date_added > after`, the range also
 * suits the (collection_id, date_added) index, and PostgreSQL took that one
 * whenever its statistics predated the rows after the cursor (autovacuum off,
 * or not yet run): it estimated one row there and filtered every row of the
 * collection after the cursor by type. A walk of a type the collection hardly
 * holds then read all of them: 219,572 rows, 0.45 s a batch of a follower
 * projecting a new collection of 230,000 objects beside a million others;
 * 14 ms so. SQLite serves the plain range from the type index, and cannot
 * serve the row comparison as a range.
 */
export function typeWalkStart<DB>(db: Kysely<DB>, collectionId: string, type: string, after: number): RawBuilder<SqlBool> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
    return sql<SqlBool>`collection_id = ${collectionId} and type = ${type} and date_added > ${after}`;
  }
  const key = sql.join([sql.ref('collection_id'), sql.ref('type'), sql.ref('date_added')]);
  return sql<SqlBool>`collection_id = ${collectionId} and type = ${type} and (${key}) > (${collectionId}, ${type}, ${after})`;
}
