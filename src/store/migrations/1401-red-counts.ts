import { sql, type Kysely, type Migration } from 'kysely';
import { backfillCounts } from '../incident-index-aggregates.js';
import type { IncidentIndexTables } from '../incident-index-schema.js';
import type { DatabaseSchema } from '../schema.js';

/**
 * Issue 7: the RED part of the counted map and timeline read every RED
 * incident of the viewer's collections, row by row, to find the few the
 * viewer may see.
 *
 * The day and cell counts, unfiltered (migration 0601) and filtered (1400),
 * now count RED incident versions too: a count row's visibility lets the
 * author's organisation see them (author_org) and no recipient (its
 * `date_added` is 0, which no row's recipients name), so a reader adds row by
 * row only the RED incidents it was sent to and did not write, found from
 * its recipient rows (`object_recipients_recipient_idx`).
 *
 * The RED rows of the four count tables are rebuilt from the indexed
 * incidents, whatever an earlier back-fill put there.
 */
export const redCountsMigration: Migration = {
  // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('object_recipients_recipient_idx').on('object_recipients').columns(['recipient_id', 'recipient_kind']).execute();
    for (const table of ['intel_day_counts', 'intel_cell_counts', 'intel_filter_day_counts', 'intel_filter_cell_counts']) {
      await sql`delete from ${sql.table(table)} where tlp = 'red'`.execute(db);
    }
    await backfillCounts(db as Kysely<DatabaseSchema & IncidentIndexTables>, { unfiltered: true, filtered: true, months: false, level: 'red' });
  },
};
