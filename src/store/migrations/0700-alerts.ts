import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/**
 * Issue 7: watchlists and alerts (src/alerts/).
 *
 * - `watchlists`: what a user follows (the terms as given and as resolved,
 *   JSON) and an optional webhook whose secret is sealed (never in clear).
 * - `alert_cursors`: per collection, the last `date_added` the alert follower
 *   has matched; advanced compare-and-set in the transaction that records the
 *   alerts, so two servers never record one step twice.
 * - `alert_sequence`: one row handing out alert `seq` numbers under its row
 *   lock, so alerts commit in `seq` order and a tail by `seq` never skips one.
 * - `alerts`: one per watchlist and matched object, pointing at the object
 *   row (collection_id, object_added) through which every read re-applies
 *   the access policy.
 * - `alert_deliveries`: one webhook delivery per alert, with its attempts,
 *   next attempt time and the lease of the process sending it.
 *
 * Column types are those of alerts/alerts-schema.ts.
 */
export function alertsMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('watchlists')
        .addColumn('id', dialect.keyText, (c) => c.primaryKey())
        .addColumn('user_id', dialect.keyText, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('match', 'text', (c) => c.notNull())
        .addColumn('terms', 'text', (c) => c.notNull())
        .addColumn('webhook_url', 'text')
        .addColumn('webhook_secret', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('watchlists_user_idx').on('watchlists').columns(['user_id', 'created_at']).execute();

      await db.schema
        .createTable('alert_cursors')
        .addColumn('collection_id', dialect.keyText, (c) => c.primaryKey())
        .addColumn('last_added', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('alert_sequence')
        .addColumn('name', dialect.keyText, (c) => c.primaryKey())
        .addColumn('last_seq', 'bigint', (c) => c.notNull())
        .execute();
      await sql`insert into alert_sequence (name, last_seq) values ('alerts', 0)`.execute(db);

      await db.schema
        .createTable('alerts')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('id', dialect.keyText, (c) => c.notNull().unique())
        .addColumn('watchlist_id', dialect.keyText, (c) => c.notNull().references('watchlists.id').onDelete('cascade'))
        .addColumn('user_id', dialect.keyText, (c) => c.notNull())
        .addColumn('collection_id', dialect.keyText, (c) => c.notNull())
        .addColumn('object_id', dialect.keyText, (c) => c.notNull())
        .addColumn('object_added', 'bigint', (c) => c.notNull())
        .addColumn('incident_id', dialect.keyText)
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('reasons', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('alerts_watchlist_object_key', ['watchlist_id', 'object_id'])
        .execute();
      // Lists and the live stream read "this user's alerts after/before seq".
      await db.schema.createIndex('alerts_user_seq_idx').on('alerts').columns(['user_id', 'seq']).execute();

      await db.schema
        .createTable('alert_deliveries')
        .addColumn('alert_seq', 'bigint', (c) => c.primaryKey().references('alerts.seq').onDelete('cascade'))
        .addColumn('watchlist_id', dialect.keyText, (c) => c.notNull().references('watchlists.id').onDelete('cascade'))
        .addColumn('state', dialect.keyText, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('delivered_at', 'bigint')
        .execute();
      await db.schema.createIndex('alert_deliveries_due_idx').on('alert_deliveries').columns(['state', 'next_attempt_at']).execute();
      await db.schema.createIndex('alert_deliveries_watchlist_idx').on('alert_deliveries').columns(['watchlist_id', 'state']).execute();
    },
  };
}
