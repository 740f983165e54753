import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/**
 * Issue 7 "arriving from a partner": `alerts.partner`, the partner the
 * alerted object was pulled from when the alert was raised. An alert moves to
 * its event's canonical incident (alerts/alert-plan.ts), which no partner
 * sent; the column keeps "from partner X" on it. Existing alerts take the
 * partner of the object they point at now.
 */
export function alertPartnerMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('alerts').addColumn('partner', dialect.keyText).execute();
      await sql`update alerts set partner = (select o.partner from objects o where o.collection_id = alerts.collection_id and o.date_added = alerts.object_added)`.execute(db);
    },
  };
}
