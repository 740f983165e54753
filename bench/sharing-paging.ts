import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createOrganization } from '../src/access/organizations.js';
import { openStore } from '../src/store/open-store.js';
import type { ObjectStore, ReadScope } from '../src/store/object-store.js';

/**
 * Issue 4 benchmark: paging a collection where half the objects (AMBER+STRICT
 * of another organisation) are hidden from the viewer, against the whole
 * collection with no restriction. Usage:
 *   node --import tsx bench/sharing-paging.ts [objects=100000] [db=sqlite|postgres://…]
 */
const total = Number(process.argv[2] ?? 100_000);
const url = process.argv[3] ?? join(mkdtempSync(join(tmpdir(), 'entente-bench-')), 'bench.db');
const schema = `bench_${randomUUID().slice(0, 8)}`;
const opened = await openStore(url, url.startsWith('postgres') ? { schema } : {});
const { store, db } = opened;
await store.migrate();
const a = await createOrganization(db, { name: `A ${randomUUID()}` });
const b = await createOrganization(db, { name: `B ${randomUUID()}` });
const collection = await store.createCollection({ title: 'bench' });

const BATCH = 1000;
for (let start = 0; start < total; start += BATCH) {
  for (const org of [a, b]) {
    const objects = Array.from({ length: BATCH / 2 }, () => {
      const object = { type: 'note', spec_version: '2.1', id: `note--${randomUUID()}`, created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', content: 'x' };
      return { object, json: JSON.stringify(object), tlp: 'amber+strict' as const };
    });
    await store.addObjects(collection.id, objects, { authorOrg: org.id, authorUser: null });
  }
}

async function walk(s: ObjectStore, scope: ReadScope): Promise<{ ms: number; pages: number; objects: number }> {
  const started = performance.now();
  let next: string | undefined;
  let pages = 0;
  let objects = 0;
  do {
    const page = await s.queryObjects(collection.id, { limit: 1000, ...(next === undefined ? {} : { next }) }, scope);
    pages++;
    objects += page.items.length;
    next = page.more ? page.next : undefined;
  } while (next !== undefined);
  return { ms: performance.now() - started, pages, objects };
}

const viewer: ReadScope = { kind: 'viewer', userId: randomUUID(), orgId: a.id, community: true };
for (let round = 1; round <= 3; round++) {
  const all = await walk(store, { kind: 'all' });
  const seen = await walk(store, viewer);
  const perPageAll = all.ms / all.pages;
  const perPageViewer = seen.ms / seen.pages;
  console.log(
    `round ${round}: all ${all.objects} objects in ${all.pages} pages ${all.ms.toFixed(0)} ms (${perPageAll.toFixed(2)} ms/page); ` +
      `viewer ${seen.objects} objects in ${seen.pages} pages ${seen.ms.toFixed(0)} ms (${perPageViewer.toFixed(2)} ms/page); ` +
      `per page ×${(perPageViewer / perPageAll).toFixed(2)}, per object ×${(seen.ms / seen.objects / (all.ms / all.objects)).toFixed(2)}`,
  );
}
if (url.startsWith('postgres')) await sql.raw(`drop schema "${schema}" cascade`).execute(db);
await store.close();
if (!url.startsWith('postgres')) rmSync(join(url, '..'), { recursive: true, force: true });
