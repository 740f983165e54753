import { randomUUID } from 'node:crypto';
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEntenteError } from '../errors.js';
import type { IncomingObject } from './object-store.js';
import { pendingRow, toInsertRow } from './object-row.js';
import { CopyRows } from './postgres-copy.js';
import { copyLine, copyObjects } from './postgres-object-copy.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from './test-backends.js';

const META = { authorOrg: null, authorUser: null };

/** A note whose JSON text is `text`'s property values laid out as given (pretty-printed, escaped…). */
function note(json: (id: string) => string): IncomingObject {
  const id = `note--${randomUUID()}`;
  const text = json(id);
  return { object: JSON.parse(text) as IncomingObject['object'], json: text };
}

const plain = (content: string) => (id: string) =>
  JSON.stringify({ type: 'note', spec_version: '2.1', id, created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', content, object_refs: [id] });

/** JSON texts holding every character COPY's text format escapes, and some it does not. */
const AWKWARD: readonly ((id: string) => string)[] = [
  plain('a backslash \\ and an escaped quote " and \\N and \\.'),
  plain('a tab\tand a newline\nand a carriage return\r in the text'),
  plain('unicode: é 東京 🛰️ ‏עברית‎ and \u0001 control'),
  // Pretty-printed: raw newlines and tabs between the tokens, kept as written.
  (id) => JSON.stringify(JSON.parse(plain('pretty')(id)), null, '\t').replace(/\n/g, '\r\n'),
  (id) => `{"type":"note","spec_version":"2.1","id":"${id}","created":"2024-01-01T00:00:00.000Z","content":"\\\\N","object_refs":["${id}"]}`,
];

/** Every write of object rows, whatever the backend's bulk path, keeps each object's JSON text exactly. */
function bulkInsertSuite(open: () => Promise<TestStore>): void {
  let test: TestStore;
  let collectionId: string;

  beforeAll(async () => {
    test = await open();
    await test.opened.store.migrate();
    collectionId = (await test.opened.store.createCollection({ title: 'bulk' })).id;
  });
  afterAll(async () => test.dispose());

  const storedJson = async (ids: readonly string[]) => {
    const rows = await test.opened.db.selectFrom('objects').select(['id', 'json']).where('collection_id', '=', collectionId).where('id', 'in', ids).execute();
    return new Map(rows.map((row) => [row.id, row.json]));
  };

  it('stores the JSON text of each object exactly as given, whatever characters it holds', async () => {
    const objects = AWKWARD.map(note);
    const results = await test.opened.store.addObjects(collectionId, objects, META);
    expect(results.map((r) => r.status)).toEqual(objects.map(() => 'added'));
    const stored = await storedJson(objects.map((o) => o.object.id));
    for (const object of objects) expect(stored.get(object.object.id)).toBe(object.json);
  });

  it('stores a batch of thousands in one write, each once, sent again a duplicate', async () => {
    const objects = Array.from({ length: 4_321 }, (_, i) => note(plain(`object ${i}\t${'\\'.repeat(i % 3)}`)));
    const added = await test.opened.store.addObjects(collectionId, objects, META);
    expect(added.filter((r) => r.status === 'added')).toHaveLength(objects.length);
    const again = await test.opened.store.addObjects(collectionId, objects.slice(0, 10), META);
    expect(again.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 'duplicate'));
    const stored = await storedJson(objects.map((o) => o.object.id));
    expect(stored.size).toBe(objects.length);
    for (const object of objects) expect(stored.get(object.object.id)).toBe(object.json);
  });
}

describe('COPY text format', () => {
  it('escapes backslash, tab, newline and carriage return, writes null as \\N', () => {
    const incoming = note(plain('x'));
    const row = { ...toInsertRow(pendingRow(incoming), 'c', 7, META, false), json: 'a\\b\tc\nd\re', created: null };
    const fields = copyLine(row).split('\t');
    expect(copyLine(row).endsWith('\n')).toBe(true);
    expect(fields).toHaveLength(17);
    expect(fields).toContain('a\\\\b\\tc\\nd\\re');
    expect(fields).toContain('\\N');
    expect(fields).toContain('7');
  });
});

describe('bulk insert on SQLite', () => bulkInsertSuite(openSqliteForTest));
describeIfPostgres('bulk insert on PostgreSQL', await postgresProblem(), () => {
  bulkInsertSuite(openPostgresForTest);

  describe('a version stored twice', () => {
    let test: TestStore;
    let collectionId: string;
    beforeAll(async () => {
      test = await openPostgresForTest();
      await test.opened.store.migrate();
      collectionId = (await test.opened.store.createCollection({ title: 'conflict' })).id;
    });
    afterAll(async () => test.dispose());

    it('fails the whole COPY as a conflict, stores nothing of it, and the connection goes on', async () => {
      const [held] = await test.opened.store.addObjects(collectionId, [note(plain('held'))], META);
      const heldRow = await test.opened.db.selectFrom('objects').selectAll().where('collection_id', '=', collectionId).executeTakeFirstOrThrow();
      // Past the first chunks sent, so the server refuses it while the rest is still being written.
      const rows = Array.from({ length: 5_000 }, (_, i) => toInsertRow(pendingRow(note(plain(`new ${i}`))), collectionId, 1e15 + i, META, false));
      const { seq: _seq, ...again } = heldRow;
      rows.splice(4_000, 0, { ...again, date_added: 2e15 });
      const failure = await test.opened.db
        .transaction()
        .execute((trx) => copyObjects(trx, rows))
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(isEntenteError(failure) && failure.code === 'conflict').toBe(true);
      expect(await test.opened.store.countObjects(collectionId)).toBe(1);
      // The pool's connections are usable again: the next write and read go through.
      const next = await test.opened.store.addObjects(collectionId, [note(plain('after'))], META);
      expect(next[0]?.status).toBe('added');
      expect(held?.status).toBe('added');
      expect(await test.opened.store.countObjects(collectionId)).toBe(2);
    });

    it('stops sending when the server refuses a COPY while rows are still being sent, reports its error, and the connection goes on', async () => {
      let sent = 0;
      function* chunks(): Generator<string> {
        // The server takes half a second over the first row, so the socket fills while it does; the second row is
        // malformed; 20 MB follow, more than the socket takes before the server answers.
        yield '7\tslow\nnot a number\tx\n';
        for (; sent < 200; sent += 1) yield '1\ty\n'.repeat(25_000);
      }
      const failure = await test.opened.db
        .transaction()
        .execute(async (trx) => {
          await sql`create temporary table copied (n integer check (n <> 7 or pg_sleep(0.5)::text = ''), t text) on commit drop`.execute(trx);
          await trx.executeQuery(CompiledQuery.raw('copy copied (n, t) from stdin', [new CopyRows(chunks())]));
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(String(failure)).toMatch(/invalid input syntax for type integer/);
      expect(sent).toBeLessThan(200);
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(test.opened.db);
      expect(rows).toEqual([{ one: 1 }]);
    });
  });
});
