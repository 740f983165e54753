import type { Kysely, Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/**
 * Issue 6: correlation (src/correlate), as correlate/correlation-schema.ts types it.
 *
 * Incidents:
 * - `correlation_block_keys`: the blocking keys (correlate/blocking.ts) each
 *   report incident is filed under; a new incident finds its candidates with
 *   one `WHERE key IN (…)` walk of the primary key, whatever the store's size.
 * - `correlation_members`: which canonical incident each report incident
 *   belongs to, with the features it was compared on (JSON).
 * - `correlation_canonicals`: the canonical incidents and the last version written.
 * - `correlation_merges`: every join (why, score, confidence) and whether an
 *   analyst split it again; `correlation_cannot_link`: pairs a split forbids
 *   merging again; `correlation_links`: campaign links (same day, other place).
 * Entities:
 * - `entity_mentions` (which entity each person, group, organisation or
 *   place object belongs to), `entity_keys` (name keys for look-up),
 *   `entity_aliases` (who introduced each alias: a report or a partner),
 *   `entity_merges` and `entity_split_sides` (reversible merges).
 * Grading and following:
 * - `correlation_sources`: Admiralty reliability per outlet, agency or partner.
 * - `correlation_cursors`: how far the correlator has read each collection.
 */
export function correlationMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      const key = dialect.keyText;
      await db.schema
        .createTable('correlation_block_keys')
        .addColumn('key', key, (c) => c.notNull())
        .addColumn('incident_id', key, (c) => c.notNull())
        .addColumn('added', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('correlation_block_keys_pkey', ['key', 'incident_id'])
        .execute();
      await db.schema.createIndex('correlation_block_keys_incident_idx').on('correlation_block_keys').columns(['incident_id']).execute();
      await db.schema
        .createTable('correlation_members')
        .addColumn('incident_id', key, (c) => c.primaryKey())
        .addColumn('canonical_id', key, (c) => c.notNull())
        .addColumn('report_id', key, (c) => c.notNull())
        .addColumn('collection_id', key, (c) => c.notNull())
        .addColumn('features', 'text', (c) => c.notNull())
        .addColumn('added_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('correlation_members_canonical_idx').on('correlation_members').columns(['canonical_id', 'incident_id']).execute();
      await db.schema
        .createTable('correlation_canonicals')
        .addColumn('canonical_id', key, (c) => c.primaryKey())
        .addColumn('cluster_key', key, (c) => c.notNull().unique())
        .addColumn('modified', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('correlation_merges')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('canonical_id', key, (c) => c.notNull())
        .addColumn('incident_id', key, (c) => c.notNull())
        .addColumn('absorbed', 'text', (c) => c.notNull())
        .addColumn('score', 'double precision', (c) => c.notNull())
        .addColumn('reasons', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('split_at', 'bigint')
        .execute();
      await db.schema.createIndex('correlation_merges_canonical_idx').on('correlation_merges').columns(['canonical_id', 'at']).execute();
      await db.schema
        .createTable('correlation_cannot_link')
        .addColumn('a', key, (c) => c.notNull())
        .addColumn('b', key, (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('correlation_cannot_link_pkey', ['a', 'b'])
        .execute();
      await db.schema.createIndex('correlation_cannot_link_b_idx').on('correlation_cannot_link').columns(['b', 'a']).execute();
      await db.schema
        .createTable('correlation_links')
        .addColumn('a', key, (c) => c.notNull())
        .addColumn('b', key, (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('correlation_links_pkey', ['a', 'b'])
        .execute();
      await db.schema.createIndex('correlation_links_b_idx').on('correlation_links').columns(['b', 'a']).execute();

      await db.schema
        .createTable('entity_mentions')
        .addColumn('mention_id', key, (c) => c.primaryKey())
        .addColumn('entity_id', key, (c) => c.notNull())
        .addColumn('kind', key, (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text')
        .addColumn('country', 'text')
        .addColumn('added_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('entity_mentions_entity_idx').on('entity_mentions').columns(['entity_id', 'mention_id']).execute();
      await db.schema
        .createTable('entity_keys')
        .addColumn('key', key, (c) => c.notNull())
        .addColumn('mention_id', key, (c) => c.notNull())
        .addPrimaryKeyConstraint('entity_keys_pkey', ['key', 'mention_id'])
        .execute();
      await db.schema
        .createTable('entity_aliases')
        .addColumn('mention_id', key, (c) => c.notNull())
        .addColumn('alias', key, (c) => c.notNull())
        .addColumn('report_id', key, (c) => c.notNull().defaultTo(''))
        .addColumn('partner', key, (c) => c.notNull().defaultTo(''))
        .addColumn('added_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('entity_aliases_pkey', ['mention_id', 'alias', 'report_id', 'partner'])
        .execute();
      await db.schema
        .createTable('entity_merges')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('entity_id', key, (c) => c.notNull())
        .addColumn('left_ids', 'text', (c) => c.notNull())
        .addColumn('right_ids', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('confidence', 'double precision', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('split_at', 'bigint')
        .execute();
      await db.schema.createIndex('entity_merges_entity_idx').on('entity_merges').columns(['entity_id', 'at']).execute();
      await db.schema
        .createTable('entity_split_sides')
        .addColumn('mention_id', key, (c) => c.notNull())
        .addColumn('merge_id', key, (c) => c.notNull())
        .addColumn('side', key, (c) => c.notNull())
        .addPrimaryKeyConstraint('entity_split_sides_pkey', ['mention_id', 'merge_id', 'side'])
        .execute();

      await db.schema
        .createTable('correlation_sources')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', key, (c) => c.notNull())
        .addColumn('kind', key, (c) => c.notNull())
        .addColumn('reliability', key, (c) => c.notNull().defaultTo('F'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('correlation_sources_name_idx').on('correlation_sources').columns(['name_key', 'kind']).unique().execute();
      await db.schema
        .createTable('correlation_cursors')
        .addColumn('collection_id', key, (c) => c.primaryKey())
        .addColumn('date_added', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
