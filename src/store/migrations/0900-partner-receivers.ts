import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/**
 * Issue 5 "a partner's AMBER object is visible to the organisations the
 * partner shared it with": the local organisations that receive what a
 * partner sends.
 *
 * - `partner_receivers`: a partner's receiving local organisations
 *   (`entente partner add --receive-as ORG`). Existing partners receive as
 *   the instance's own organisation "local" (bootstrap), when it exists.
 * - `partners.received_group`: the sharing group "received from <partner>"
 *   (the partner's organisations and its receivers) its AMBER objects are
 *   stored with; kept by federation/received-group.ts.
 *
 * Column types are those of federation/federation-schema.ts.
 */
export function partnerReceiversMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('partner_receivers')
        .addColumn('partner_id', dialect.keyText, (c) => c.notNull().references('partners.id').onDelete('cascade'))
        .addColumn('org_id', dialect.keyText, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('partner_receivers_pkey', ['partner_id', 'org_id'])
        .execute();
      await db.schema.alterTable('partners').addColumn('received_group', dialect.keyText).execute();
      await sql`insert into partner_receivers (partner_id, org_id) select p.id, o.id from partners p, organizations o where o.name = 'local'`.execute(db);
    },
  };
}
