import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/**
 * Issue 7: the incident read model the console's feed, map, timeline and
 * search query (store/incident-index*.ts). Every row is keyed to the `objects`
 * row it was projected from, (collection_id, date_added), so a reader joins
 * `objects` and applies the one visibility condition to it: the read model
 * never decides who sees what.
 *
 * - `intel_incidents`: one row per stored incident version, with the columns
 *   the console filters and sorts on; `latest` marks the newest version in
 *   its collection. Sorted by (event_day, id, collection_id), the feed's
 *   keyset.
 * - `intel_incident_terms`: the many-valued filters (attack and target
 *   types, groups, sources), one row per value, probed by the feed.
 * - `intel_links`: located-at and attributed-to relationships, so an incident
 *   can be completed whichever order its objects arrive in.
 * - `intel_reports`: report versions (title, outlet, publication day) and
 *   full-text search over their text: an FTS5 table keyed by rowid on
 *   SQLite, a tsvector column with a GIN index on PostgreSQL.
 * - `intel_actors`: groups, people and organisations by lower-cased name,
 *   for search and the actor page.
 * - `intel_cursors`: how far the projector has read each collection, by
 *   `date_added` (unique and monotonic per collection).
 */
export function incidentIndexMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('intel_incidents')
        .addColumn('collection_id', dialect.keyText, (c) => c.notNull())
        .addColumn('date_added', 'bigint', (c) => c.notNull())
        .addColumn('id', dialect.keyText, (c) => c.notNull())
        .addColumn('version', dialect.keyText, (c) => c.notNull())
        .addColumn('latest', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('event_date', 'text', (c) => c.notNull())
        .addColumn('event_day', 'integer', (c) => c.notNull())
        .addColumn('date_precision', 'text', (c) => c.notNull())
        .addColumn('date_approximate', 'integer', (c) => c.notNull())
        .addColumn('place_name', 'text')
        .addColumn('country', 'text')
        .addColumn('region', 'text')
        .addColumn('city', 'text')
        .addColumn('lat', 'real')
        .addColumn('lon', 'real')
        .addColumn('attack_type', 'text', (c) => c.notNull())
        .addColumn('attack_types', 'text', (c) => c.notNull())
        .addColumn('target_types', 'text', (c) => c.notNull())
        .addColumn('killed', 'integer')
        .addColumn('wounded', 'integer')
        .addColumn('casualties', 'integer', (c) => c.notNull())
        .addColumn('perpetrators', 'text', (c) => c.notNull())
        .addColumn('claimed', 'integer')
        .addColumn('report_id', dialect.keyText)
        .addColumn('sources', 'text', (c) => c.notNull())
        .addColumn('canonical', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('intel_incidents_pkey', ['collection_id', 'date_added'])
        .execute();
      await db.schema.createIndex('intel_incidents_feed_idx').on('intel_incidents').columns(['latest', 'event_day', 'id', 'collection_id']).execute();
      await db.schema.createIndex('intel_incidents_id_idx').on('intel_incidents').columns(['id', 'collection_id']).execute();
      await db.schema.createIndex('intel_incidents_country_idx').on('intel_incidents').columns(['country', 'event_day']).execute();
      await db.schema.createIndex('intel_incidents_report_idx').on('intel_incidents').columns(['report_id']).execute();
      await db.schema.createIndex('intel_incidents_place_idx').on('intel_incidents').columns(['lat', 'lon']).execute();

      await db.schema
        .createTable('intel_incident_terms')
        .addColumn('kind', dialect.keyText, (c) => c.notNull())
        .addColumn('value', dialect.keyText, (c) => c.notNull())
        .addColumn('collection_id', dialect.keyText, (c) => c.notNull())
        .addColumn('date_added', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('intel_incident_terms_pkey', ['kind', 'value', 'collection_id', 'date_added'])
        .execute();
      await db.schema.createIndex('intel_incident_terms_row_idx').on('intel_incident_terms').columns(['collection_id', 'date_added']).execute();

      await db.schema
        .createTable('intel_links')
        .addColumn('collection_id', dialect.keyText, (c) => c.notNull())
        .addColumn('date_added', 'bigint', (c) => c.notNull())
        .addColumn('id', dialect.keyText, (c) => c.notNull())
        .addColumn('relationship_type', dialect.keyText, (c) => c.notNull())
        .addColumn('source_ref', dialect.keyText, (c) => c.notNull())
        .addColumn('target_ref', dialect.keyText, (c) => c.notNull())
        .addColumn('attribution_type', 'text')
        .addColumn('claim_channel', 'text')
        .addColumn('reported_by_ref', dialect.keyText)
        .addPrimaryKeyConstraint('intel_links_pkey', ['collection_id', 'date_added'])
        .execute();
      await db.schema.createIndex('intel_links_source_idx').on('intel_links').columns(['source_ref', 'collection_id']).execute();
      await db.schema.createIndex('intel_links_target_idx').on('intel_links').columns(['target_ref', 'collection_id']).execute();

      await db.schema
        .createTable('intel_reports')
        .addColumn('collection_id', dialect.keyText, (c) => c.notNull())
        .addColumn('date_added', 'bigint', (c) => c.notNull())
        .addColumn('id', dialect.keyText, (c) => c.notNull())
        .addColumn('latest', 'integer', (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('outlet', 'text')
        .addColumn('published_day', 'integer')
        .addPrimaryKeyConstraint('intel_reports_pkey', ['collection_id', 'date_added'])
        .execute();
      await db.schema.createIndex('intel_reports_id_idx').on('intel_reports').columns(['id', 'collection_id']).execute();
      await db.schema.createIndex('intel_reports_day_idx').on('intel_reports').columns(['latest', 'published_day']).execute();
      if (dialect.name === 'sqlite') {
        // Contentless: the text is the report's own JSON in `objects`; rowid is intel_reports' rowid.
        await sql`create virtual table intel_report_fts using fts5(text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`.execute(db);
      } else {
        await sql`alter table intel_reports add column tsv tsvector`.execute(db);
        await sql`create index intel_reports_tsv_idx on intel_reports using gin (tsv)`.execute(db);
      }

      await db.schema
        .createTable('intel_actors')
        .addColumn('collection_id', dialect.keyText, (c) => c.notNull())
        .addColumn('date_added', 'bigint', (c) => c.notNull())
        .addColumn('id', dialect.keyText, (c) => c.notNull())
        .addColumn('type', dialect.keyText, (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', dialect.keyText, (c) => c.notNull())
        .addPrimaryKeyConstraint('intel_actors_pkey', ['collection_id', 'date_added'])
        .execute();
      await db.schema.createIndex('intel_actors_name_idx').on('intel_actors').columns(['name_key']).execute();
      await db.schema.createIndex('intel_actors_id_idx').on('intel_actors').columns(['id', 'collection_id']).execute();

      await db.schema
        .createTable('intel_cursors')
        .addColumn('collection_id', dialect.keyText, (c) => c.primaryKey())
        .addColumn('last_added', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
