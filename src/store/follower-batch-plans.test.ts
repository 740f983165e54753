import { CompiledQuery, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meta, newId, sdo } from './contract-fixtures.js';
import { followerBatch } from './follower-batch.js';
import { explainPlan, planNodes } from './test-postgres-plans.js';
import type { DatabaseSchema } from './schema.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from './test-backends.js';

/**
 * The followers' batch reads (incident index, correlation) must cost about one
 * batch whatever the planner believes: one walk of (collection_id,
 * date_added) under a Limit, never a scan or a sort of the collection.
 */
const BATCH = 50;
const INDEX = 'objects_collection_date_added_idx';
const FOLLOWED = ['incident', 'report', 'relationship', 'location', 'identity', 'intrusion-set'];

async function fill(db: TestStore, objects: number, into?: string): Promise<string> {
  const store = db.opened.store;
  const collectionId = into ?? (await store.createCollection({ title: 'walks' })).id;
  // Mostly indicators (not followed), with followed types among them, as in an imported feed.
  const types = ['indicator', 'indicator', 'indicator', 'incident', 'report', 'relationship', 'location', 'identity', 'intrusion-set'];
  const rows = Array.from({ length: objects }, (_, i) => sdo(newId(types[i % types.length]), '2021-01-01T00:00:00.000Z'));
  for (let start = 0; start < rows.length; start += 1_000) await store.addObjects(collectionId, rows.slice(start, start + 1_000), meta);
  return collectionId;
}

async function expectSameRowsAsTheCollection(db: Kysely<DatabaseSchema>, collectionId: string, after: number): Promise<void> {
  const { rows } = await followerBatch(collectionId, after, BATCH, FOLLOWED).execute(db);
  const held = await db.selectFrom('objects').select(['date_added', 'type', 'json']).where('collection_id', '=', collectionId)
    .where('date_added', '>', after).orderBy('date_added').limit(BATCH).execute();
  expect(rows.map((r) => [Number(r.date_added), r.type, r.json])).toEqual(held.map((r) => [Number(r.date_added), r.type, FOLLOWED.includes(r.type) ? r.json : null]));
  expect(rows).toHaveLength(BATCH);
}

describe('SQLite follower batch plan', () => {
  let handle: TestStore;
  let collectionId: string;
  beforeAll(async () => {
    handle = await openSqliteForTest();
    await handle.opened.store.migrate();
    collectionId = await fill(handle, 900);
  });
  afterAll(async () => handle.dispose());

  it('walks the date_added index after the cursor, and reads every type with the JSON of the followed ones', async () => {
    const db = handle.opened.db;
    const compiled = followerBatch(collectionId, 0, BATCH, FOLLOWED).compile(db);
    const steps = (await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]))).rows.map((r) => r.detail);
    expect(steps).toEqual([`SEARCH objects USING INDEX ${INDEX} (collection_id=? AND date_added>?)`]);
    for (const after of [0, 300]) await expectSameRowsAsTheCollection(db, collectionId, after);
  });
});

describeIfPostgres('PostgreSQL follower batch plan', await postgresProblem(), () => {
  let handle: TestStore;
  let collectionId: string;
  beforeAll(async () => {
    handle = await openPostgresForTest();
    await handle.opened.store.migrate();
    collectionId = await fill(handle, 6_000);
    await sql`analyze`.execute(handle.opened.db);
  }, 120_000);
  afterAll(async () => handle.dispose());

  async function expectOneDateWalk(collection: string, after: number): Promise<void> {
    const db = handle.opened.db;
    const compiled = followerBatch(collection, after, BATCH, FOLLOWED).compile(db);
    const plan = await explainPlan(db, compiled);
    expect(plan['Node Type']).toBe('Limit');
    const all = planNodes(plan);
    expect(all.filter((n) => n['Relation Name'] === 'objects').map((n) => [n['Node Type'], n['Index Name']])).toEqual([['Index Scan', INDEX]]);
    expect(all.filter((n) => n['Node Type'] === 'Sort' || n['Node Type'] === 'Incremental Sort')).toEqual([]);
    await expectSameRowsAsTheCollection(db, collection, after);
  }

  it('walks the date_added index after the cursor under its Limit, with no sort', async () => {
    await expectOneDateWalk(collectionId, 0);
  });

  it('walks it too when the statistics predate the rows after the cursor', async () => {
    // As a follower behind a bulk import: the rows after its cursor came after the last analyze (and below the
    // store's own threshold), so PostgreSQL believes about one row lies there.
    const db = handle.opened.db;
    const followed = await fill(handle, 900);
    await sql`analyze objects`.execute(db);
    const cursor = await db.selectFrom('objects').select((eb) => eb.fn.max('date_added').as('last')).where('collection_id', '=', followed).executeTakeFirstOrThrow();
    await fill(handle, 3_000, followed);
    await expectOneDateWalk(followed, Number(cursor.last));
  });
});
