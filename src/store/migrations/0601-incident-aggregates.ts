import type { Kysely, Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/**
 * Issue 7: counts the console's zoomed-out map and unfiltered timeline read
 * instead of scanning a million incidents (store/incident-index-aggregates.ts).
 *
 * - `intel_incidents.tlp`: the effective level of the incident's `objects`
 *   row, copied by the projector (rows are immutable), so the RED incidents —
 *   whose audience is per row and cannot be counted in advance — are found by
 *   index.
 * - `intel_day_counts` / `intel_cell_counts`: latest incident versions that
 *   are not RED, counted per collection, incident day (or map cell of
 *   360/256 degrees) and the three columns the visibility condition reads
 *   (tlp, author_org, sharing_group; '' for none), so a reader applies the
 *   same `visibilityCondition` to them. `date_added` is always 0: it only
 *   lets that condition's RED branch compile, and no row here is RED.
 */
export function incidentAggregatesMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('intel_incidents').addColumn('tlp', dialect.keyText).execute();
      await db.schema.createIndex('intel_incidents_tlp_idx').on('intel_incidents').columns(['tlp', 'event_day']).execute();
      for (const table of ['intel_day_counts', 'intel_cell_counts'] as const) {
        let builder = db.schema
          .createTable(table)
          .addColumn('collection_id', dialect.keyText, (c) => c.notNull());
        builder = table === 'intel_day_counts'
          ? builder.addColumn('event_day', 'integer', (c) => c.notNull())
          : builder.addColumn('cy', 'integer', (c) => c.notNull()).addColumn('cx', 'integer', (c) => c.notNull());
        builder = builder
          .addColumn('tlp', dialect.keyText, (c) => c.notNull())
          .addColumn('author_org', dialect.keyText, (c) => c.notNull())
          .addColumn('sharing_group', dialect.keyText, (c) => c.notNull())
          .addColumn('date_added', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('incidents', 'bigint', (c) => c.notNull())
          .addColumn('killed', 'bigint', (c) => c.notNull());
        if (table === 'intel_cell_counts') builder = builder.addColumn('lat_sum', 'double precision', (c) => c.notNull()).addColumn('lon_sum', 'double precision', (c) => c.notNull());
        const key: string[] = table === 'intel_day_counts' ? ['collection_id', 'event_day'] : ['collection_id', 'cy', 'cx'];
        // Column names typed loosely: the builder's column type narrowed while the table was assembled in branches.
        await builder.addPrimaryKeyConstraint(`${table}_pkey`, [...key, 'tlp', 'author_org', 'sharing_group'] as never[]).execute();
      }
    },
  };
}
