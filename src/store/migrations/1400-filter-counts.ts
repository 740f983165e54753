import type { Kysely, Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';
import { backfillFilterCounts } from '../incident-index-aggregates.js';
import type { IncidentIndexTables } from '../incident-index-schema.js';
import type { DatabaseSchema } from '../schema.js';

/**
 * Issue 7 "stay fast at a million incidents": a map or timeline filtered by
 * one country, region, partner, attack type, target type, group or source
 * grouped every matching incident (2.96 s for one country of 15 at 1,000,000).
 *
 * - `intel_filter_day_counts` / `intel_filter_cell_counts`: the counts of
 *   migration 0601 (latest, non-RED incident versions per day or map cell and
 *   per the three columns the visibility condition reads), once more per
 *   filter kind and value the incident holds (store/incident-index-projection.ts
 *   `filterKeysOf`). The projector keeps them in the transaction that indexes
 *   the incidents; readers apply `visibilityCondition` to them as to the
 *   unfiltered counts, and read RED incidents row by row.
 *
 * Existing incident rows are counted by the projector's own rules
 * (`backfillFilterCounts`), so a database indexed before this migration
 * answers as one indexed after it.
 */
export function filterCountsMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      for (const table of ['intel_filter_day_counts', 'intel_filter_cell_counts'] as const) {
        let builder = db.schema
          .createTable(table)
          .addColumn('kind', dialect.keyText, (c) => c.notNull())
          .addColumn('value', dialect.keyText, (c) => c.notNull())
          .addColumn('collection_id', dialect.keyText, (c) => c.notNull());
        builder = table === 'intel_filter_day_counts'
          ? builder.addColumn('event_day', 'integer', (c) => c.notNull())
          : builder.addColumn('cy', 'integer', (c) => c.notNull()).addColumn('cx', 'integer', (c) => c.notNull());
        builder = builder
          .addColumn('tlp', dialect.keyText, (c) => c.notNull())
          .addColumn('author_org', dialect.keyText, (c) => c.notNull())
          .addColumn('sharing_group', dialect.keyText, (c) => c.notNull())
          .addColumn('date_added', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('incidents', 'bigint', (c) => c.notNull())
          .addColumn('killed', 'bigint', (c) => c.notNull());
        if (table === 'intel_filter_cell_counts') builder = builder.addColumn('lat_sum', 'double precision', (c) => c.notNull()).addColumn('lon_sum', 'double precision', (c) => c.notNull());
        // One value's rows together, then by day or cell: a reader takes a value's range (and a day or cell range in it).
        const key: string[] = table === 'intel_filter_day_counts' ? ['kind', 'value', 'collection_id', 'event_day'] : ['kind', 'value', 'collection_id', 'cy', 'cx'];
        // Column names typed loosely: the builder's column type narrowed while the table was assembled in branches.
        await builder.addPrimaryKeyConstraint(`${table}_pkey`, [...key, 'tlp', 'author_org', 'sharing_group'] as never[]).execute();
      }
      await backfillFilterCounts(db as Kysely<DatabaseSchema & IncidentIndexTables>);
    },
  };
}
