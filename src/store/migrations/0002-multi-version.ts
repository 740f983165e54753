import type { Kysely, Migration } from 'kysely';

/**
 * `objects.multi_version`: set once an object has a second version, so that
 * pages skip the per-row first/last version probes for the (many) objects that
 * have only one.
 */
export const multiVersionMigration: Migration = {
  // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('objects')
      .addColumn('multi_version', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
