import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meta, newId, sdo } from './contract-fixtures.js';
import { encodeCursor } from './cursor.js';
import type { ObjectQuery } from './object-store.js';
import { mergedTypeWalks, pageQuery, resolveFilter } from './read-pages.js';
import { openSqliteForTest, type TestStore } from './test-backends.js';

/**
 * The cost of a page must grow with the page, not the collection: on SQLite
 * (whose planner needs no statistics) every page query walks an index in
 * date_added order and probes versions through (collection_id, id, version).
 * bench/store-explain.ts shows the same plans on PostgreSQL at scale.
 */
describe('SQLite page query plans', () => {
  let handle: TestStore;
  let collectionId: string;
  beforeAll(async () => {
    handle = await openSqliteForTest();
    await handle.opened.store.migrate();
    collectionId = (await handle.opened.store.createCollection({ title: 'plans' })).id;
    await handle.opened.store.addObjects(collectionId, [sdo(newId(), '2021-01-01T00:00:00.000Z')], meta);
  });
  afterAll(async () => handle.dispose());

  async function plan(query: Omit<ObjectQuery, 'limit'>): Promise<string[]> {
    const compiled = pageQuery(handle.opened.db, resolveFilter(collectionId, query, { kind: 'all' }), 100).compile();
    const result = await handle.opened.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
    );
    return result.rows.map((r) => r.detail);
  }

  const versionProbe = /^SEARCH v USING INDEX sqlite_autoindex_objects_1 \(id=\? AND collection_id=\?/;

  it.each([
    ['no filter', {}, 'objects_collection_date_added_idx (collection_id=?)'],
    ['a cursor', { next: encodeCursor(5) }, 'objects_collection_date_added_idx (collection_id=? AND date_added>?)'],
    ['added_after and first', { addedAfter: 5, versions: [{ kind: 'first' as const }] }, 'objects_collection_date_added_idx (collection_id=? AND date_added>?)'],
    ['one type', { types: ['indicator'] }, 'objects_collection_type_date_added_idx (collection_id=? AND type=?)'],
  ])('walks an index in date_added order with %s', async (_label, query, index) => {
    const steps = await plan(query);
    expect(steps[0]).toBe(`SEARCH o USING INDEX ${index}`);
    expect(steps.filter((s) => s.startsWith('SEARCH v'))).not.toHaveLength(0);
    for (const step of steps.filter((s) => s.startsWith('SEARCH v'))) expect(step).toMatch(versionProbe);
    expect(steps.join('\n')).not.toMatch(/SCAN|TEMP B-TREE/);
  });

  it('walks the type index once per type for several match[type] values, each walk bounded by the page', async () => {
    const filter = resolveFilter(collectionId, { types: ['indicator', 'malware', 'tool'] }, { kind: 'all' });
    const merged = mergedTypeWalks(filter, 100, (f) => pageQuery(handle.opened.db, f, 100));
    const compiled = merged?.compile(handle.opened.db);
    if (!compiled) throw new Error('expected one walk per type');
    const result = await handle.opened.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
    );
    const steps = result.rows.map((r) => r.detail);
    expect(steps.filter((s) => s === 'SEARCH o USING INDEX objects_collection_type_date_added_idx (collection_id=? AND type=?)')).toHaveLength(3);
    expect(steps.join('\n')).not.toMatch(/SCAN o\b/);
  });

  it('looks match[id] up by id and sorts only those rows', async () => {
    const steps = await plan({ ids: [newId(), newId()] });
    expect(steps[0]).toBe('SEARCH o USING INDEX sqlite_autoindex_objects_1 (id=? AND collection_id=?)');
    expect(steps.join('\n')).not.toMatch(/SCAN/);
  });
});
