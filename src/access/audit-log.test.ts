import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../store/test-backends.js';
import { appendAudit, entryHash, queryAudit, verifyAuditChain } from './audit-log.js';
import { withSharing } from './sharing-schema.js';

function auditSuite(open: () => Promise<TestStore>): void {
  let test: TestStore;
  beforeEach(async () => {
    test = await open();
    await test.opened.store.migrate();
    for (let i = 1; i <= 6; i++) {
      await appendAudit(
        test.opened.db,
        { action: 'objects.add', actorUser: `u${i % 2}`, actorOrg: 'org-a', target: `indicator--00000000-0000-4000-8000-00000000000${i}`, address: '127.0.0.1', path: 'POST /x', details: { n: i } },
        1_000_000 * i,
      );
    }
  });
  afterEach(async () => {
    await test.dispose();
  });
  const log = () => withSharing(test.opened.db);

  it('verifies an intact chain and reports its length and head', async () => {
    const report = await verifyAuditChain(test.opened.db);
    expect(report).toMatchObject({ ok: true, entries: 6 });
    expect(report.ok && report.head).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finds an edited entry', async () => {
    await log().updateTable('audit_log').set({ details: '{"n":99}' }).where('seq', '=', 3).execute();
    expect(await verifyAuditChain(test.opened.db)).toMatchObject({ ok: false, seq: 3, entries: 2, problem: expect.stringMatching(/altered/) });
  });

  it('finds an edited entry even when its hash was recomputed, at the entry after it', async () => {
    await log().updateTable('audit_log').set({ actor_user: 'someone-else' }).where('seq', '=', 2).execute();
    const [row] = await queryAudit(test.opened.db, { user: 'someone-else' });
    const raw = await log().selectFrom('audit_log').selectAll().where('seq', '=', 2).executeTakeFirstOrThrow();
    const { hash, ...content } = raw;
    const forged = entryHash(content);
    expect(forged).not.toBe(hash);
    await log().updateTable('audit_log').set({ hash: forged }).where('seq', '=', 2).execute();
    expect(row?.seq).toBe(2);
    expect(await verifyAuditChain(test.opened.db)).toMatchObject({ ok: false, seq: 3, problem: expect.stringMatching(/does not follow/) });
  });

  it('finds a deleted entry, and a deletion hidden by renumbering', async () => {
    await log().deleteFrom('audit_log').where('seq', '=', 4).execute();
    expect(await verifyAuditChain(test.opened.db)).toMatchObject({ ok: false, seq: 4, problem: expect.stringMatching(/missing/) });
    await sql`update audit_log set seq = seq - 1 where seq > 4`.execute(test.opened.db);
    expect(await verifyAuditChain(test.opened.db)).toMatchObject({ ok: false, seq: 4 });
  });

  it('finds two reordered entries', async () => {
    await log().updateTable('audit_log').set({ seq: 100 }).where('seq', '=', 2).execute();
    await log().updateTable('audit_log').set({ seq: 2 }).where('seq', '=', 5).execute();
    await log().updateTable('audit_log').set({ seq: 5 }).where('seq', '=', 100).execute();
    expect(await verifyAuditChain(test.opened.db)).toMatchObject({ ok: false, seq: 2 });
  });

  it('queries by user, organisation, object and time', async () => {
    expect((await queryAudit(test.opened.db, { user: 'u1' })).map((r) => r.seq)).toEqual([1, 3, 5]);
    expect(await queryAudit(test.opened.db, { org: 'org-b' })).toEqual([]);
    expect((await queryAudit(test.opened.db, { object: 'indicator--00000000-0000-4000-8000-000000000004' })).map((r) => r.seq)).toEqual([4]);
    expect((await queryAudit(test.opened.db, { since: 5_000_000 })).map((r) => r.details)).toEqual([{ n: 5 }, { n: 6 }]);
    await expect(queryAudit(test.opened.db, { object: '%' })).rejects.toThrow(/not a STIX identifier/);
  });

  it('commits an entry with the transaction it is appended in, or not at all', async () => {
    const crashed = test.opened.db.transaction().execute(async (trx) => {
      await appendAudit(trx, { action: 'rolled-back' });
      throw new Error('crash before commit');
    });
    await expect(crashed).rejects.toThrow('crash before commit');
    expect((await queryAudit(test.opened.db, {})).map((e) => e.action)).not.toContain('rolled-back');
    // Writers append inside their own transactions, then keep working until they commit.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        test.opened.db.transaction().execute(async (trx) => {
          await appendAudit(trx, { action: 'in-transaction', details: { i } });
          await sql`select 1`.execute(trx);
        }),
      ),
    );
    expect(await verifyAuditChain(test.opened.db)).toMatchObject({ ok: true, entries: 16 });
  });

  it('keeps one chain when appenders race', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendAudit(test.opened.db, { action: 'race', details: { i } })));
    expect(await verifyAuditChain(test.opened.db)).toMatchObject({ ok: true, entries: 26 });
  });
}

describe('audit log on SQLite', () => auditSuite(openSqliteForTest));
describeIfPostgres('audit log on PostgreSQL', await postgresProblem(), () => auditSuite(openPostgresForTest));
