import { CompiledQuery, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correlationPageQuery } from '../correlate/correlation-follower.js';
import { meta, newId, sdo } from './contract-fixtures.js';
import { followedRowsQuery } from './incident-index.js';
import { withIncidentIndex } from './incident-index-schema.js';
import type { DatabaseSchema } from './schema.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from './test-backends.js';

/**
 * The followers' batch reads (incident index, correlation) must cost about
 * (types × batch) whatever the planner believes: one walk per type over
 * (collection_id, type, date_added), each under its own Limit, merged. With
 * one `type in (…)` query and stale statistics PostgreSQL read every matching
 * row after the cursor through the type index and sorted them all.
 */
const BATCH = 50;
const INDEX = 'objects_collection_type_date_added_idx';

async function fill(db: TestStore, objects: number, into?: string): Promise<string> {
  const store = db.opened.store;
  const collectionId = into ?? (await store.createCollection({ title: 'walks' })).id;
  // Mostly indicators (not followed), with followed types among them, as in an imported feed.
  const types = ['indicator', 'indicator', 'indicator', 'incident', 'report', 'relationship', 'location', 'identity', 'intrusion-set'];
  const rows = Array.from({ length: objects }, (_, i) => sdo(newId(types[i % types.length]), '2021-01-01T00:00:00.000Z'));
  for (let start = 0; start < rows.length; start += 1_000) await store.addObjects(collectionId, rows.slice(start, start + 1_000), meta);
  return collectionId;
}

function queries(db: Kysely<DatabaseSchema>, collectionId: string, after = 0): [string, CompiledQuery, number][] {
  return [
    ['incident index', followedRowsQuery(withIncidentIndex(db), collectionId, after, BATCH).compile(db), 6],
    ['correlation', correlationPageQuery(db, collectionId, after, BATCH).compile(db), 2],
  ];
}

describe('SQLite follower batch plans', () => {
  let handle: TestStore;
  let collectionId: string;
  beforeAll(async () => {
    handle = await openSqliteForTest();
    await handle.opened.store.migrate();
    collectionId = await fill(handle, 900);
  });
  afterAll(async () => handle.dispose());

  it('walks the type index once per type and reads the same rows in the same order as one type-in query', async () => {
    const db = handle.opened.db;
    for (const [label, compiled, walks] of queries(db, collectionId)) {
      const steps = (await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]))).rows.map((r) => r.detail);
      expect(steps.filter((s) => s.includes(`USING INDEX ${INDEX} (collection_id=? AND type=? AND date_added>?)`)), label).toHaveLength(walks);
      expect(steps.join('\n'), label).not.toMatch(/SCAN objects/);
    }
    const types = ['incident', 'relationship', 'report', 'location', 'intrusion-set', 'identity'];
    for (const after of [0, 300]) {
      const merged = (await followedRowsQuery(withIncidentIndex(db), collectionId, after, BATCH).execute(db)).rows.map((r) => Number(r.date_added));
      const single = await db.selectFrom('objects').select('date_added').where('collection_id', '=', collectionId)
        .where('date_added', '>', after).where('type', 'in', types).orderBy('date_added').limit(BATCH).execute();
      expect(merged).toEqual(single.map((r) => Number(r.date_added)));
      expect(merged).toHaveLength(BATCH);
    }
  });
});

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly Plans?: readonly PlanNode[];
}

/** Every node with the node types above it, nearest first. */
function withAncestors(node: PlanNode, above: readonly string[] = []): { node: PlanNode; above: readonly string[] }[] {
  return [{ node, above }, ...(node.Plans ?? []).flatMap((child) => withAncestors(child, [node['Node Type'], ...above]))];
}

describeIfPostgres('PostgreSQL follower batch plans', await postgresProblem(), () => {
  let handle: TestStore;
  let collectionId: string;
  beforeAll(async () => {
    handle = await openPostgresForTest();
    await handle.opened.store.migrate();
    collectionId = await fill(handle, 6_000);
    await sql`analyze`.execute(handle.opened.db);
  }, 120_000);
  afterAll(async () => handle.dispose());

  async function expectTypeWalks(collection: string, after: number): Promise<void> {
    const db = handle.opened.db;
    for (const [label, compiled, walks] of queries(db, collection, after)) {
      const result = await db.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]));
      const plan = result.rows[0]?.['QUERY PLAN'][0]?.Plan;
      if (plan === undefined) throw new Error(`no plan for ${label}`);
      const all = withAncestors(plan);
      const scans = all.filter(({ node }) => node['Relation Name'] === 'objects');
      expect(scans.map(({ node }) => [node['Node Type'], node['Index Name']]), label).toEqual(Array.from({ length: walks }, () => ['Index Scan', INDEX]));
      for (const { above } of scans) {
        // The nearest Limit above the walk comes before any Sort: a Sort there would read every row after the cursor.
        const limit = above.indexOf('Limit');
        expect(limit, label).toBeGreaterThanOrEqual(0);
        expect(above.slice(0, limit).filter((t) => t === 'Sort' || t === 'Incremental Sort'), label).toEqual([]);
      }
    }
  }

  it('walks the type index once per type, each walk under its own Limit with no Sort between, and never scans objects', async () => {
    await expectTypeWalks(collectionId, 0);
  });

  it('walks the type index too when the statistics predate the rows after the cursor', async () => {
    // As a follower behind a bulk import: the rows after its cursor came after the last analyze (and below the
    // store's own threshold), so PostgreSQL believes about one row lies there, and `date_added > cursor` made the
    // (collection_id, date_added) index look as good: a walk of a rare type then read every row after the cursor.
    const db = handle.opened.db;
    const followed = await fill(handle, 900);
    await sql`analyze objects`.execute(db);
    const cursor = await db.selectFrom('objects').select((eb) => eb.fn.max('date_added').as('last')).where('collection_id', '=', followed).executeTakeFirstOrThrow();
    await fill(handle, 3_000, followed);
    await expectTypeWalks(followed, Number(cursor.last));
  });
});
