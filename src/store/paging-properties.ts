import fc from 'fast-check';
import { expect, it } from 'vitest';
import { meta, newId, sdo } from './contract-fixtures.js';
import type { Collection, ObjectStore, ObjectQuery, VersionSelector } from './object-store.js';

interface Context {
  readonly store: ObjectStore;
  readonly collection: () => Promise<Collection>;
}

const all = { kind: 'all' } as const;

/** A distinct, increasing version timestamp for the n-th version. */
function versionAt(n: number): string {
  return new Date(Date.UTC(2022, 0, 1) + n * 1000).toISOString();
}

const step = fc.record({ newObjects: fc.nat({ max: 8 }), newVersions: fc.nat({ max: 4 }) });

/**
 * TAXII 2.1 §3.4.3 paging, as properties: whatever the page size and whatever
 * is added between two page fetches, a walk returns each row exactly once, and
 * everything present when it ends.
 */
export function pagingProperties(context: () => Context): void {
  async function run(pageSize: number, initial: number, steps: { newObjects: number; newVersions: number }[], versions: VersionSelector[]) {
    const { store, collection } = context();
    const collectionId = (await collection()).id;
    const live: string[] = [];
    let clock = 0;
    const addNew = async (count: number) => {
      const batch = Array.from({ length: count }, () => sdo(newId(), versionAt(clock++)));
      live.push(...batch.map((b) => b.object.id));
      if (batch.length > 0) await store.addObjects(collectionId, batch, meta);
    };
    const addVersions = async (count: number) => {
      const batch = live.slice(0, count).map((id) => sdo(id, versionAt(clock++)));
      if (batch.length > 0) await store.addObjects(collectionId, batch, meta);
    };
    await addNew(initial);

    const seen: string[] = [];
    let next: string | undefined;
    for (let i = 0; ; i++) {
      const query: ObjectQuery = { limit: pageSize, versions, ...(next ? { next } : {}) };
      const page = await store.queryManifest(collectionId, query, { kind: 'all' });
      seen.push(...page.items.map((r) => `${r.id}@${r.version}`));
      if (!page.more) break;
      next = page.next;
      const change = steps[i];
      if (change) {
        await addNew(change.newObjects);
        if (versions.some((v) => v.kind === 'all')) await addVersions(change.newVersions);
      }
    }

    const everything = await store.queryManifest(collectionId, { limit: 100_000, versions }, { kind: 'all' });
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set(everything.items.map((r) => `${r.id}@${r.version}`)));
  }

  it('returns every version exactly once whatever the page size and the inserts between pages', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.nat({ max: 40 }), fc.array(step, { maxLength: 12 }), (size, initial, steps) =>
        run(size, initial, steps, [all]),
      ),
      { numRuns: 25 },
    );
  });

  it('returns every object exactly once (last version) whatever the page size and the new objects between pages', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.nat({ max: 40 }), fc.array(step, { maxLength: 12 }), (size, initial, steps) =>
        run(size, initial, steps, []),
      ),
      { numRuns: 25 },
    );
  });
}
