import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/**
 * Issue 4, review gaps: who owns what, decided inside the write.
 *
 * - `statuses.owner_user` / `owner_org`: who made the Add Objects request a
 *   status answers (TAXII 2.1 §4.3); only that organisation may read it.
 *   Statuses from before this migration have no owner and are shown to nobody.
 * - `object_publishers`: the organisation that first published an object id,
 *   in any collection. Writers claim ids here inside their write transaction,
 *   so two organisations publishing one new id at once cannot both win (the
 *   primary key makes the second wait for the first to commit). Filled from
 *   the earliest stored version (`seq` order) of each id already held.
 * - `audit_append_lock`: one row every audit append updates first, so appends
 *   made inside another transaction (a write and its audit entry commit
 *   together) take the chain's next `seq` one after the other, on PostgreSQL
 *   as on SQLite.
 *
 * Column types are those of access/ownership-schema.ts and store/schema.ts.
 */
export function ownershipMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('statuses').addColumn('owner_user', 'text').execute();
      await db.schema.alterTable('statuses').addColumn('owner_org', 'text').execute();

      await db.schema
        .createTable('object_publishers')
        .addColumn('object_id', dialect.keyText, (c) => c.primaryKey())
        .addColumn('org_id', dialect.keyText, (c) => c.notNull().references('organizations.id'))
        .execute();
      await sql`
        insert into object_publishers (object_id, org_id)
        select o.id, o.author_org from objects o
        join organizations g on g.id = o.author_org
        where o.seq = (select min(f.seq) from objects f where f.id = o.id)
      `.execute(db);

      await db.schema
        .createTable('audit_append_lock')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('appends', 'bigint', (c) => c.notNull())
        .execute();
      await sql`insert into audit_append_lock (id, appends) values (1, 0)`.execute(db);
    },
  };
}
