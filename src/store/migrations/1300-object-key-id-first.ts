import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';

/**
 * One id-first unique key on `objects` in place of two random-key indexes.
 *
 * Every stored version used to add a random key to both the unique
 * (collection_id, id, version) key and `objects_id_idx` (id), the index the
 * cross-collection look-ups (first publisher, deletion rights, identical
 * copies) need. A unique key on (id, collection_id, version) serves both: a
 * collection's look-up by id gives both leading columns, a look-up by id alone
 * the first. Bulk import maintains one random-key B-tree fewer.
 *
 * PostgreSQL swaps the indexes in place. SQLite cannot drop a constraint
 * declared in CREATE TABLE, so the table is rebuilt (on a store of a million
 * objects this takes tens of seconds, once, inside the migrations'
 * transaction, see sqlite-dialect.ts): same columns, same rows, same `seq`
 * values and AUTOINCREMENT high-water mark, so followers that remember a `seq`
 * read on unaffected.
 */
export function objectKeyMigration(dialect: DialectSql): Migration {
  return {
    // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect.name === 'postgres') {
        await sql`create unique index objects_id_collection_version_key on objects (id, collection_id, version)`.execute(db);
        await sql`alter table objects drop constraint objects_collection_id_version_key`.execute(db);
        await sql`drop index objects_id_idx`.execute(db);
        return;
      }
      await rebuildSqliteObjects(db);
    },
  };
}

const OLD_KEY = 'constraint "objects_collection_id_version_key" unique ("collection_id", "id", "version")';
const NEW_KEY = 'constraint "objects_id_collection_version_key" unique ("id", "collection_id", "version")';

async function rebuildSqliteObjects(db: Kysely<unknown>): Promise<void> {
  const table = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'objects'`.execute(db);
  const created = table.rows[0]?.sql;
  if (created === undefined || !created.includes(OLD_KEY) || !created.startsWith('CREATE TABLE "objects" (')) {
    throw new Error(`Migration 1300 expects the objects table of migration 0001; found: ${created ?? 'no objects table'}`);
  }
  const indexes = await sql<{ name: string; sql: string }>`
    select name, sql from sqlite_master
    where type = 'index' and tbl_name = 'objects' and sql is not null and name <> 'objects_id_idx'
  `.execute(db);
  const sequence = await sql<{ seq: number }>`select seq from sqlite_sequence where name = 'objects'`.execute(db);

  const rebuilt = created.replace(OLD_KEY, NEW_KEY).replace('CREATE TABLE "objects" (', 'CREATE TABLE "objects_rebuilt" (');
  await sql.raw(rebuilt).execute(db);
  await sql`insert into objects_rebuilt select * from objects order by seq`.execute(db);
  await sql`drop table objects`.execute(db);
  await sql`alter table objects_rebuilt rename to objects`.execute(db);
  for (const index of indexes.rows) await sql.raw(index.sql).execute(db);

  // Deleted rows above the highest remaining seq must not have their numbers handed out again.
  const highWater = sequence.rows[0]?.seq ?? 0;
  await sql`update sqlite_sequence set seq = max(seq, ${highWater}) where name = 'objects'`.execute(db);
  await sql`
    insert into sqlite_sequence (name, seq)
    select 'objects', ${highWater} where ${highWater} > 0 and not exists (select 1 from sqlite_sequence where name = 'objects')
  `.execute(db);
}
