import { Kysely, Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqlite } from './sqlite-dialect.js';

/** Names of the tables the database holds. */
async function tables(db: Kysely<unknown>): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}

describe('SQLite migrations', () => {
  let db: Kysely<unknown> | undefined;
  afterEach(async () => db?.destroy());

  it('run in one transaction: a migration that fails half-way leaves no table, row or record of the run', async () => {
    db = new Kysely<unknown>({ dialect: createSqlite(':memory:').dialect });
    const migrator = new Migrator({
      db,
      provider: {
        getMigrations: async () => ({
          '0001-first': { up: async (m: Kysely<unknown>) => void (await sql`create table first_table (id integer primary key)`.execute(m)) },
          '0002-half-way': {
            up: async (m: Kysely<unknown>) => {
              await sql`create table second_table (id integer primary key)`.execute(m);
              await sql`insert into second_table (id) values (1)`.execute(m);
              await sql`insert into second_table (id) values (1)`.execute(m);
            },
          },
        }),
      },
    });
    const before = await tables(db);

    const { error } = await migrator.migrateToLatest();

    expect(String(error)).toMatch(/UNIQUE constraint failed: second_table.id/);
    const after = await tables(db);
    expect(after.filter((name) => !before.includes(name) && !name.startsWith('kysely_'))).toEqual([]);
    const recorded = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(db);
    expect(recorded.rows[0]?.n).toBe(0);
  });
});
