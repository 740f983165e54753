import type { Kysely, Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';
import { backfillCounts } from '../incident-index-aggregates.js';
import type { IncidentIndexTables } from '../incident-index-schema.js';
import type { DatabaseSchema } from '../schema.js';

/**
 * Issue 7 "stay fast at a million incidents": what the counts of 0601 and
 * 1400 could not answer was grouped from every matching incident.
 *
 * - `intel_cell_month_counts`: the map cell counts of 0601 once more per
 *   month of the incident's day (months since January 1970), RED versions
 *   included as in 1401. The map narrowed to a day range (the timeline's
 *   brush) reads the range's whole months from them and scans only the days
 *   of its partial first and last months, where before it scanned every
 *   incident of the range.
 * - `intel_incidents_killed_idx`, `intel_incidents_casualties_idx`: a
 *   threshold (`minKilled`, `minCasualties`) can be walked from the incidents
 *   above it instead of testing every incident.
 *
 * Existing incident rows are counted by the projector's own rules
 * (`backfillCounts`), so a database indexed before this migration answers as
 * one indexed after it.
 */
export function mapMonthsMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('intel_cell_month_counts')
        .addColumn('collection_id', dialect.keyText, (c) => c.notNull())
        .addColumn('month', 'integer', (c) => c.notNull())
        .addColumn('cy', 'integer', (c) => c.notNull())
        .addColumn('cx', 'integer', (c) => c.notNull())
        .addColumn('tlp', dialect.keyText, (c) => c.notNull())
        .addColumn('author_org', dialect.keyText, (c) => c.notNull())
        .addColumn('sharing_group', dialect.keyText, (c) => c.notNull())
        .addColumn('date_added', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('incidents', 'bigint', (c) => c.notNull())
        .addColumn('killed', 'bigint', (c) => c.notNull())
        .addColumn('lat_sum', 'double precision', (c) => c.notNull())
        .addColumn('lon_sum', 'double precision', (c) => c.notNull())
        // A range of months of a collection is one range of the key.
        .addPrimaryKeyConstraint('intel_cell_month_counts_pkey', ['collection_id', 'month', 'cy', 'cx', 'tlp', 'author_org', 'sharing_group'])
        .execute();
      await db.schema.createIndex('intel_incidents_killed_idx').on('intel_incidents').columns(['killed', 'event_day']).execute();
      await db.schema.createIndex('intel_incidents_casualties_idx').on('intel_incidents').columns(['casualties', 'event_day']).execute();
      await backfillCounts(db as Kysely<DatabaseSchema & IncidentIndexTables>, { unfiltered: false, filtered: false, months: true });
    },
  };
}
