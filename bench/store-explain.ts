/**
 * Shows the plans of the TAXII page queries (SQLite EXPLAIN QUERY PLAN,
 * PostgreSQL EXPLAIN) on a collection of --objects rows, so one can check
 * that each page walks an index and probes versions per row.
 *
 *   npx tsx bench/store-explain.ts --objects 200000 --backend both
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { CompiledQuery } from 'kysely';
import { dropPostgresSchema } from '../src/store/postgres-dialect.js';
import { benchObject, stixId } from './lib/generate-objects.js';
import { openStore } from '../src/store/open-store.js';
import type { IncomingObject, ObjectQuery } from '../src/store/object-store.js';
import { mergedTypeWalks, pageQuery, resolveFilter } from '../src/store/read-pages.js';
import { encodeCursor } from '../src/store/cursor.js';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '200000' },
    backend: { type: 'string', default: 'both' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    analyze: { type: 'boolean', default: false },
  },
});
const total = Number(values.objects);
const backends = values.backend === 'both' ? ['sqlite', 'postgres'] : [values.backend as string];

for (const backend of backends) {
  const schema = `bench_explain_${process.pid}`;
  const file = join(tmpdir(), `entente-explain-${process.pid}.db`);
  const opened = await openStore(backend === 'sqlite' ? file : values.postgres, backend === 'sqlite' ? {} : { schema });
  try {
    await opened.store.migrate();
    const { id: collectionId } = await opened.store.createCollection({ title: 'explain' });
    for (let start = 0; start < total; start += 5000) {
      const batch: IncomingObject[] = [];
      for (let i = start; i < Math.min(total, start + 5000); i++) {
        const object = benchObject(i);
        batch.push({ object: object as unknown as IncomingObject['object'], json: JSON.stringify(object) });
      }
      await opened.store.addObjects(collectionId, batch, { authorOrg: null, authorUser: null });
    }
    if (backend === 'postgres' && values.analyze) await opened.db.executeQuery(CompiledQuery.raw('analyze objects'));
    const middle = (await opened.store.queryManifest(collectionId, { limit: Math.floor(total / 2) }, { kind: 'all' })).lastAdded ?? 0;
    const cases: [string, Omit<ObjectQuery, 'limit'>][] = [
      ['first page (match[version]=last default)', {}],
      ['page after a cursor', { next: encodeCursor(middle) }],
      ['added_after', { addedAfter: middle }],
      ['match[type]=indicator', { types: ['indicator'] }],
      ['match[type]=indicator,malware,tool (tool is absent)', { types: ['indicator', 'malware', 'tool'] }],
      ['match[id]=two ids', { ids: [stixId('indicator', 0), stixId('malware', 9)] }],
      ['match[version]=first,last', { versions: [{ kind: 'first' }, { kind: 'last' }] }],
      ['match[version]=all, match[spec_version]=2.1', { versions: [{ kind: 'all' }], specVersions: ['2.1'] }],
    ];
    console.log(`\n===== ${backend}: ${total.toLocaleString('en-US')} objects =====`);
    for (const [label, query] of cases) {
      const filter = resolveFilter(collectionId, query, { kind: 'all' });
      const build = (f: typeof filter) => pageQuery(opened.db, f, 1000).select('o.json as json');
      const compiled = mergedTypeWalks(filter, 1000, build)?.compile(opened.db) ?? build(filter).compile();
      const prefix = backend === 'sqlite' ? 'explain query plan ' : 'explain (analyze, costs off, timing off) ';
      const plan = await opened.db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(prefix + compiled.sql, [...compiled.parameters]));
      console.log(`\n--- ${label}`);
      for (const row of plan.rows) console.log(backend === 'sqlite' ? `${row.detail}` : `${row['QUERY PLAN']}`);
    }
  } finally {
    await opened.store.close();
    if (backend === 'sqlite') for (const s of ['', '-wal', '-shm']) rmSync(`${file}${s}`, { force: true });
    else await dropPostgresSchema(values.postgres, schema);
  }
}
