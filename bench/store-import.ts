/**
 * The store alone (no HTTP, no validation): bulk insert through
 * ObjectStore.addObjects in batches, then a walk through every object with
 * limit=1000, first page against last page.
 *
 *   npx tsx bench/store-import.ts                       # 1,000,000 objects, SQLite and PostgreSQL
 *   npx tsx bench/store-import.ts --objects 100000 --backend sqlite --batch 1000
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { dropPostgresSchema } from '../src/store/postgres-dialect.js';
import { benchObject } from './lib/generate-objects.js';
import { openStore } from '../src/store/open-store.js';
import type { IncomingObject, ObjectStore } from '../src/store/object-store.js';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '1000' },
    backend: { type: 'string', default: 'both' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    keep: { type: 'boolean', default: false },
  },
});
const total = Number(values.objects);
const batchSize = Number(values.batch);
const backends = values.backend === 'both' ? ['sqlite', 'postgres'] : [values.backend as string];
const all = { kind: 'all' } as const;

function batchAt(start: number, count: number): IncomingObject[] {
  const batch: IncomingObject[] = [];
  for (let i = start; i < start + count; i++) {
    const object = benchObject(i);
    batch.push({ object: object as unknown as IncomingObject['object'], json: JSON.stringify(object) });
  }
  return batch;
}

/** Wall time in addObjects, and this process's CPU time in it (on a shared machine the CPU figure is the steadier one). */
async function importAll(store: ObjectStore, collectionId: string): Promise<{ storeMs: number; cpuMs: number }> {
  let storeMs = 0;
  let cpuMs = 0;
  for (let start = 0; start < total; start += batchSize) {
    const batch = batchAt(start, Math.min(batchSize, total - start));
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await store.addObjects(collectionId, batch, { authorOrg: null, authorUser: null });
    const cpu = process.cpuUsage(cpu0);
    storeMs += performance.now() - t0;
    cpuMs += (cpu.user + cpu.system) / 1000;
    if ((start / batchSize) % 100 === 99 && process.stderr.isTTY) process.stderr.write(`  ${(start + batch.length).toLocaleString('en-US')}\r`);
  }
  return { storeMs, cpuMs };
}

async function walkAll(store: ObjectStore, collectionId: string) {
  const pages: number[] = [];
  let next: string | undefined;
  let count = 0;
  const t0 = performance.now();
  for (;;) {
    const p0 = performance.now();
    const page = await store.queryObjects(collectionId, { limit: 1000, ...(next ? { next } : {}) }, all);
    pages.push(performance.now() - p0);
    count += page.items.length;
    if (!page.more) break;
    next = page.next;
  }
  const ms = performance.now() - t0;
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
  return { count, ms, first: avg(pages.slice(0, 10)), last: avg(pages.slice(-10)) };
}

for (const backend of backends) {
  const schema = `bench_store_${process.pid}`;
  const file = join(tmpdir(), `entente-store-bench-${process.pid}.db`);
  const url = backend === 'sqlite' ? file : values.postgres;
  const opened = await openStore(url, backend === 'sqlite' ? {} : { schema });
  try {
    await opened.store.migrate();
    const collection = await opened.store.createCollection({ title: 'bench' });
    const { storeMs, cpuMs } = await importAll(opened.store, collection.id);
    const stored = await opened.store.countObjects(collection.id);
    const walked = await walkAll(opened.store, collection.id);
    console.log(
      `${backend}: import ${stored.toLocaleString('en-US')} objects in batches of ${batchSize}: ` +
        `${Math.round(stored / (storeMs / 1000)).toLocaleString('en-US')} objects/s (addObjects time ${(storeMs / 1000).toFixed(1)} s; ` +
        `${Math.round(stored / (cpuMs / 1000)).toLocaleString('en-US')} objects per CPU-second of this process` +
        `${backend === 'postgres' ? ', server CPU not counted' : ''})`,
    );
    console.log(
      `${backend}: walk ${walked.count.toLocaleString('en-US')} objects, limit 1000: ` +
        `${Math.round(walked.count / (walked.ms / 1000)).toLocaleString('en-US')} objects/s; ` +
        `first 10 pages ${walked.first.toFixed(2)} ms/page, last 10 pages ${walked.last.toFixed(2)} ms/page`,
    );
  } finally {
    await opened.store.close();
    if (!values.keep) {
      if (backend === 'sqlite') for (const s of ['', '-wal', '-shm']) rmSync(`${file}${s}`, { force: true });
      else await dropPostgresSchema(values.postgres, schema);
    }
  }
}
