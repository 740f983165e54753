import { PostgresAdapter, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAudit, verifyAuditChain, type AuditRecord } from '../src/access/audit-log.js';
import { startTestServer, type TaxiiTestServer } from '../src/http/test-server.js';
import { indicator, suiteContext } from '../src/http/taxii-test-client.js';
import { TLP2_MARKING_IDS } from '../src/stix/tlp.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../src/store/test-backends.js';

/**
 * Issue 4 "Audit" on the four TAXII read paths: a read of an AMBER,
 * AMBER+STRICT or RED object is recorded once per answer, naming the objects;
 * a read of CLEAR or GREEN objects is not; the chain stays intact when reads
 * and writes interleave.
 */
function readAuditSuite(open: () => Promise<TestStore>): void {
  let server: TaxiiTestServer;
  const t = suiteContext(() => server);
  const manifestPath = () => t.objectsPath(server.sharedId).replace(/objects\/$/, 'manifest/');

  beforeAll(async () => {
    server = await startTestServer(open);
  });
  afterAll(async () => {
    await server.close();
  });

  const marked = (level: keyof typeof TLP2_MARKING_IDS) => indicator({ object_marking_refs: [TLP2_MARKING_IDS[level]] });
  const readsOf = async (object: string): Promise<AuditRecord[]> =>
    (await queryAudit(server.db, { object })).filter((entry) => entry.action === 'objects.read-marked');

  it('records one entry per answer on objects, object, versions and manifest, naming the marked objects only', async () => {
    const [amber, strict, red, green] = [marked('amber'), marked('amber+strict'), marked('red'), marked('green')];
    expect((await t.add(server.sharedId, [amber, strict, red, green])).body).toMatchObject({ success_count: 4 });
    const ids = [amber, strict, red, green].map((o) => o.id as string);
    const version = amber.modified as string;

    const paths = [
      `${t.objectsPath(server.sharedId)}?match[id]=${ids.join(',')}`,
      `${t.objectsPath(server.sharedId)}${ids[0]}/`,
      `${t.objectsPath(server.sharedId)}${ids[0]}/versions/`,
      `${manifestPath()}?match[id]=${ids.join(',')}`,
    ];
    for (const path of paths) expect((await t.call(path)).status).toBe(200);

    const entries = await readsOf(ids[0] as string);
    expect(entries.map((e) => e.path)).toEqual(paths.map((path) => `GET ${path}`));
    expect(entries[0]?.details).toEqual({
      objects: [`${ids[0]}@${version} amber`, `${ids[1]}@${version} amber+strict`, `${ids[2]}@${version} red`],
    });
    expect(entries[1]?.details).toEqual({ objects: [`${ids[0]}@${version} amber`] });
    expect(entries.every((e) => e.target === server.sharedId && e.actorUser !== null)).toBe(true);
    expect(await readsOf(ids[3] as string)).toEqual([]);
  });

  it('records nothing for an answer holding only CLEAR and GREEN objects', async () => {
    const [clear, green] = [marked('clear'), marked('green')];
    await t.add(server.sharedId, [clear, green]);
    const before = (await queryAudit(server.db, { limit: 100_000 })).length;
    expect((await t.call(`${t.objectsPath(server.sharedId)}?match[id]=${String(clear.id)},${String(green.id)}`)).body.objects).toHaveLength(2);
    expect((await t.call(`${t.objectsPath(server.sharedId)}${String(green.id)}/`)).status).toBe(200);
    expect((await t.call(`${manifestPath()}?match[id]=${String(clear.id)}`)).status).toBe(200);
    expect((await queryAudit(server.db, { limit: 100_000 })).length).toBe(before);
  });

  it('sends no page of marked objects whose audit entry could not be written', async () => {
    const amber = marked('amber');
    await t.add(server.sharedId, [amber]);
    const onPostgres = server.db.getExecutor().adapter instanceof PostgresAdapter;
    if (onPostgres) {
      await sql`create function refuse_audit() returns trigger language plpgsql as $$ begin raise exception 'audit refused'; end $$`.execute(server.db);
      await sql`create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()`.execute(server.db);
    } else {
      await sql`create trigger refuse_audit before insert on audit_log begin select raise(abort, 'audit refused'); end`.execute(server.db);
    }
    try {
      const answer = await t.call(`${t.objectsPath(server.sharedId)}?match[id]=${String(amber.id)}`);
      expect(answer.status).toBeGreaterThanOrEqual(500);
      expect(JSON.stringify(answer.body)).not.toContain(String(amber.id));
    } finally {
      await sql`drop trigger refuse_audit${onPostgres ? sql` on audit_log` : sql``}`.execute(server.db);
      if (onPostgres) await sql`drop function refuse_audit()`.execute(server.db);
    }
    expect((await t.call(`${t.objectsPath(server.sharedId)}?match[id]=${String(amber.id)}`)).body.objects).toHaveLength(1);
  });

  it('keeps one intact chain when reads of marked objects race with writes', async () => {
    const objects = Array.from({ length: 12 }, () => marked('amber'));
    await t.add(server.sharedId, objects);
    const reads = objects.map((o) => t.call(`${t.objectsPath(server.sharedId)}${String(o.id)}/`));
    const writes = Array.from({ length: 4 }, () => t.add(server.sharedId, [marked('red')]));
    const answers = await Promise.all([...reads, ...writes]);
    expect(answers.map((a) => a.status)).toEqual([...reads.map(() => 200), ...writes.map(() => 202)]);
    for (const o of objects) expect(await readsOf(o.id as string)).toHaveLength(1);
    expect(await verifyAuditChain(server.db)).toMatchObject({ ok: true });
  });
}

describe('read audit over TAXII on SQLite', () => readAuditSuite(openSqliteForTest));

describeIfPostgres('read audit over TAXII on PostgreSQL', await postgresProblem(), () => readAuditSuite(openPostgresForTest));
