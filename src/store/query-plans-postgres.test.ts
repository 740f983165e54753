import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { meta, newId, sdo } from './contract-fixtures.js';
import { encodeCursor } from './cursor.js';
import type { ObjectQuery, ReadScope } from './object-store.js';
import { preparedName } from './prepared-statements.js';
import { joinedTextsStatement, mergedTypeWalks, pageQuery, resolveFilter } from './read-pages.js';
import { describeIfPostgres, openPostgresForTest, postgresProblem, type TestStore } from './test-backends.js';
import { explainPlan, planNodes, type PlanNode } from './test-postgres-plans.js';

/**
 * PostgreSQL's planner picks plans from statistics, so unlike SQLite's its
 * plans are only worth pinning on a table with rows in it and statistics
 * taken: several thousand versions over a few types, most of them readable
 * by the viewer, then ANALYZE. A page
 * must start from an index in date_added order (or the id key for match[id])
 * under a Limit, and must never scan or sort the collection.
 */
const TYPES = ['indicator', 'malware', 'tool', 'identity'] as const;
const OBJECTS = 6_000;
const PAGE = 100;

describeIfPostgres('PostgreSQL page query plans', await postgresProblem(), () => {
  let handle: TestStore;
  let collectionId: string;
  const viewer: ReadScope = { kind: 'viewer', userId: 'user--plans', orgId: 'org--plans', community: true };

  beforeAll(async () => {
    handle = await openPostgresForTest();
    await handle.opened.store.migrate();
    collectionId = (await handle.opened.store.createCollection({ title: 'plans' })).id;
    // Mostly readable by the viewer, as in a real collection: a plan chosen for a viewer who sees nothing would sort.
    const objects = Array.from({ length: OBJECTS }, (_, i) => ({
      ...sdo(newId(TYPES[i % TYPES.length]), '2021-01-01T00:00:00.000Z'),
      tlp: i % 5 === 0 ? ('amber' as const) : ('clear' as const),
    }));
    for (let start = 0; start < objects.length; start += 1_000) {
      await handle.opened.store.addObjects(collectionId, objects.slice(start, start + 1_000), meta);
    }
    // A second, smaller collection: the planner then knows how much of the table each holds, which a plan made
    // for the values uses and the generic plan cannot.
    const other = (await handle.opened.store.createCollection({ title: 'other' })).id;
    await handle.opened.store.addObjects(other, Array.from({ length: 1_500 }, () => sdo(newId('indicator'), '2021-01-01T00:00:00.000Z')), meta);
    await sql`analyze`.execute(handle.opened.db);
  }, 120_000);
  afterAll(async () => handle.dispose());

  const explain = (compiled: CompiledQuery): Promise<PlanNode> => explainPlan(handle.opened.db, compiled);

  async function pagePlan(query: Omit<ObjectQuery, 'limit'>, scope: ReadScope): Promise<PlanNode> {
    return explain(pageQuery(handle.opened.db, resolveFilter(collectionId, query, scope), PAGE).compile());
  }

  function expectNoScanOrSortOfObjects(plan: PlanNode): void {
    const all = planNodes(plan);
    expect(all.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'objects')).toEqual([]);
    expect(all.filter((n) => n['Node Type'] === 'Sort' || n['Node Type'] === 'Incremental Sort')).toEqual([]);
  }

  /** The first scan of `objects` met walking down the plan: where the page starts. */
  function firstObjectsScan(plan: PlanNode): PlanNode | undefined {
    return planNodes(plan).find((n) => n['Relation Name'] === 'objects');
  }

  it.each([
    ['no filter', {}, 'objects_collection_date_added_idx'],
    ['a cursor', { next: encodeCursor(OBJECTS / 2) }, 'objects_collection_date_added_idx'],
    ['added_after and first', { addedAfter: 5, versions: [{ kind: 'first' as const }] }, 'objects_collection_date_added_idx'],
    ['one type', { types: ['malware'] }, 'objects_collection_type_date_added_idx'],
  ])('walks an index in date_added order under a Limit with %s, for every reader', async (_label, query, index) => {
    for (const scope of [{ kind: 'all' } as const, viewer]) {
      const plan = await pagePlan(query, scope);
      expect(plan['Node Type']).toBe('Limit');
      const start = firstObjectsScan(plan);
      expect(start?.['Node Type']).toMatch(/^Index (Only )?Scan$/);
      expect(start?.['Index Name']).toBe(index);
      expectNoScanOrSortOfObjects(plan);
    }
  });

  it('walks the type index once per type for several match[type] values', async () => {
    const filter = resolveFilter(collectionId, { types: ['indicator', 'malware', 'tool'] }, viewer);
    const merged = mergedTypeWalks(filter, PAGE, (f) => pageQuery(handle.opened.db, f, PAGE));
    if (merged === undefined) throw new Error('expected one walk per type');
    const plan = await explain(merged.compile(handle.opened.db));
    const walks = planNodes(plan).filter((n) => n['Index Name'] === 'objects_collection_type_date_added_idx');
    expect(walks).toHaveLength(3);
    expect(planNodes(plan).filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'objects')).toEqual([]);
  });

  it('keeps one generic plan for a joined page after a cursor, which walks the date_added index', async () => {
    await handle.opened.db.connection().execute(async (connection) => {
      let name: string | undefined;
      let parameters: readonly unknown[] = [];
      for (let page = 1; page <= 8; page++) {
        const statement = joinedTextsStatement(connection, resolveFilter(collectionId, { next: encodeCursor(page * 500) }, viewer), PAGE);
        const { rows } = await connection.executeQuery(statement);
        expect(rows[0]?.rows).toBe(PAGE + 1);
        name = preparedName(statement.sql);
        parameters = statement.parameters;
      }
      if (name === undefined) throw new Error('the joined page statement is not prepared');
      const { rows } = await sql<{ generic: number }>`select generic_plans::int as generic from pg_prepared_statements where name = ${name}`.execute(connection);
      expect(rows[0]?.generic).toBeGreaterThan(0);
      await sql`set plan_cache_mode = force_generic_plan`.execute(connection);
      try {
        const explained = await sql<{ 'QUERY PLAN': { Plan: PlanNode }[] }>`explain (format json) execute ${sql.raw(name)}(${sql.join(parameters.map((value) => sql.lit(value)))})`.execute(connection);
        const plan = explained.rows[0]?.['QUERY PLAN'][0]?.Plan;
        if (plan === undefined) throw new Error('no generic plan');
        expect(firstObjectsScan(plan)?.['Index Name']).toBe('objects_collection_date_added_idx');
        expectNoScanOrSortOfObjects(plan);
      } finally {
        await sql`reset plan_cache_mode`.execute(connection);
      }
    });
  });

  it('looks match[id] up through the id-first key', async () => {
    const plan = await pagePlan({ ids: [newId(), newId()] }, viewer);
    const start = firstObjectsScan(plan);
    expect(start?.['Index Name']).toBe('objects_id_collection_version_key');
    expect(planNodes(plan).filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'objects')).toEqual([]);
  });
});
