import { sql, type Expression, type RawBuilder } from 'kysely';

/**
 * A TAXII page over several types of one collection (read-pages.ts
 * `mergedTypeWalks`): the rows after the cursor in `orderColumn` order, at
 * most `limit` of them, as one walk per type over (collection_id, type,
 * date_added) — each already ordered and stopped after `limit` rows by `walk`
 * — merged and limited again. The same rows in the same order as one
 * `type in (…)` query, but the cost is (types × limit) whatever the planner
 * believes: with stale statistics PostgreSQL read a single `type in` query
 * through the type index, every matching row after the cursor, and sorted
 * them (150,000 rows for a batch of 500).
 *
 * Each walk is wrapped in its own select: SQLite allows ORDER BY and LIMIT
 * only on a whole compound select, not on one of its arms.
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
