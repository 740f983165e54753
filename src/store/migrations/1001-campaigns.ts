import type { Kysely, Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/**
 * Issue 6 "simultaneous attacks in different cities … may be linked as parts
 * of one coordinated campaign": the STIX campaigns correlate/campaign-linker.ts
 * writes over the `correlation_links` of migration 0400, as
 * correlate/campaign-schema.ts types them.
 *
 * - `correlation_campaigns`: each campaign, the key its id derives from, the
 *   last version written (`modified`) and what it was built from (JSON).
 * - `correlation_campaign_members`: which campaign each canonical incident
 *   is part of (one at most: campaigns are the connected groups of links).
 * - an index on `correlation_merges.split_at`: the correlation follower looks
 *   for new splits (to refresh their campaigns) on every poll.
 */
export function campaignsMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      const key = dialect.keyText;
      await db.schema
        .createTable('correlation_campaigns')
        .addColumn('campaign_id', key, (c) => c.primaryKey())
        .addColumn('campaign_key', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('modified', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('correlation_campaign_members')
        .addColumn('canonical_id', key, (c) => c.primaryKey())
        .addColumn('campaign_id', key, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('correlation_merges_split_idx').on('correlation_merges').columns(['split_at']).execute();
      await db.schema.createIndex('correlation_campaign_members_campaign_idx').on('correlation_campaign_members').columns(['campaign_id', 'canonical_id']).execute();
    },
  };
}
