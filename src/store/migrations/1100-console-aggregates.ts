import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/**
 * Issue 7 "stay fast at a million incidents": what the console's feed and
 * map pages still read in proportion to the store (store/incident-index*.ts).
 *
 * - `intel_reports.tlp`: the report's `objects` level, copied by the
 *   projector as `intel_incidents.tlp` is (migration 0601), so the visible
 *   RED reports are found by index.
 * - `intel_report_day_counts`: latest, non-RED report versions per
 *   collection, publication day and the three columns the visibility
 *   condition reads, for the timeline's report bars (they scanned every
 *   report on each feed and map load).
 * - `intel_incident_terms.event_day` and `.id`: the feed's sort key on each
 *   term row, indexed after (kind, value), so a feed filtered by one attack
 *   type, target type, group or source walks that term's rows newest first
 *   and stops after a page, instead of sorting every match.
 *
 * Existing rows are filled from the tables they copy.
 */
export function consoleAggregatesMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('intel_reports').addColumn('tlp', dialect.keyText).execute();
      await sql`update intel_reports set tlp = (select o.tlp from objects o where o.collection_id = intel_reports.collection_id and o.date_added = intel_reports.date_added)`.execute(db);
      await db.schema.createIndex('intel_reports_tlp_idx').on('intel_reports').columns(['tlp', 'published_day']).execute();

      await db.schema
        .createTable('intel_report_day_counts')
        .addColumn('collection_id', dialect.keyText, (c) => c.notNull())
        .addColumn('published_day', 'integer', (c) => c.notNull())
        .addColumn('tlp', dialect.keyText, (c) => c.notNull())
        .addColumn('author_org', dialect.keyText, (c) => c.notNull())
        .addColumn('sharing_group', dialect.keyText, (c) => c.notNull())
        .addColumn('date_added', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('reports', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('intel_report_day_counts_pkey', ['collection_id', 'published_day', 'tlp', 'author_org', 'sharing_group'])
        .execute();
      await sql`insert into intel_report_day_counts (collection_id, published_day, tlp, author_org, sharing_group, date_added, reports)
        select r.collection_id, r.published_day, o.tlp, coalesce(o.author_org, ''), coalesce(o.sharing_group, ''), 0, count(*)
        from intel_reports r join objects o on o.collection_id = r.collection_id and o.date_added = r.date_added
        where r.latest = 1 and r.published_day is not null and o.tlp <> 'red'
        group by r.collection_id, r.published_day, o.tlp, coalesce(o.author_org, ''), coalesce(o.sharing_group, '')`.execute(db);

      await db.schema.alterTable('intel_incident_terms').addColumn('event_day', 'integer').execute();
      await db.schema.alterTable('intel_incident_terms').addColumn('id', dialect.keyText).execute();
      await sql`update intel_incident_terms set
        event_day = (select i.event_day from intel_incidents i where i.collection_id = intel_incident_terms.collection_id and i.date_added = intel_incident_terms.date_added),
        id = (select i.id from intel_incidents i where i.collection_id = intel_incident_terms.collection_id and i.date_added = intel_incident_terms.date_added)`.execute(db);
      await db.schema.createIndex('intel_incident_terms_feed_idx').on('intel_incident_terms').columns(['kind', 'value', 'event_day', 'id', 'collection_id']).execute();
    },
  };
}
