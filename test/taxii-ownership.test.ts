import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAudit, verifyAuditChain } from '../src/access/audit-log.js';
import { grantCollection } from '../src/access/collection-grants.js';
import { createToken } from '../src/access/tokens.js';
import { createUser, findUserByUsername } from '../src/access/users.js';
import { indicator, suiteContext } from '../src/http/taxii-test-client.js';
import { startTestServer, type TaxiiTestServer } from '../src/http/test-server.js';
import { TLP2_MARKING_IDS } from '../src/stix/tlp.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../src/store/test-backends.js';

/**
 * Who owns what over real HTTP (issue 4 review): a status resource answers
 * only the organisation that made the request, and an object is deleted only
 * by the organisation that published it or an instance admin — 404 to whoever
 * cannot see it, 403 to whoever can.
 */
function ownershipSuite(open: () => Promise<TestStore>): void {
  let server: TaxiiTestServer;
  let orgB: string;
  /** An admin of the instance in organisation B (the test server's `admin` is in A, with `writer`). */
  let adminB: string;
  const t = suiteContext(() => server);
  const clear = () => indicator({ object_marking_refs: [TLP2_MARKING_IDS.clear] });

  beforeAll(async () => {
    server = await startTestServer(open);
    orgB = (await findUserByUsername(server.db, 'outsider'))?.orgId as string;
    await grantCollection(server.db, { collectionId: server.sharedId, orgId: orgB, canRead: true, canWrite: true });
    const user = await createUser(server.db, { orgId: orgB, username: 'admin-b', role: 'admin', password: 'correct horse battery staple' });
    adminB = `Bearer ${(await createToken(server.db, { userId: user.id, scope: 'read-write' })).token}`;
  });
  afterAll(async () => {
    await server.close();
  });

  const statusPath = (id: unknown) => `/api/v21/status/${String(id)}/`;

  it('shows a status to the organisation that made the request, and to nobody else, admins included', async () => {
    const posted = await t.add(server.sharedId, [clear()]);
    expect(posted.status).toBe(202);
    const own = await t.call(statusPath(posted.body.id));
    expect(own.body).toEqual(posted.body);
    expect((await t.call(statusPath(posted.body.id), { auth: server.auth.reader })).body).toEqual(posted.body);
    expect((await t.call(statusPath(posted.body.id), { auth: server.auth.admin })).body).toEqual(posted.body);

    // B may read the collection, and knows the id: still no.
    const asOther = await t.call(statusPath(posted.body.id), { auth: server.auth.outsider });
    t.expectError(asOther, 404);
    t.expectError(await t.call(statusPath(posted.body.id), { auth: adminB }), 404);
    const missing = await t.call(statusPath('00000000-0000-4000-8000-000000000000'), { auth: server.auth.outsider });
    expect(asOther.status).toBe(missing.status);
    expect(Object.keys(asOther.body).sort()).toEqual(Object.keys(missing.body).sort());

    const byB = await t.add(server.sharedId, [clear()], { auth: server.auth.outsider });
    expect((await t.call(statusPath(byB.body.id), { auth: adminB })).status).toBe(200);
    t.expectError(await t.call(statusPath(byB.body.id), { auth: server.auth.admin }), 404);
    expect(JSON.stringify((await t.call(statusPath(byB.body.id), { auth: server.auth.writer })).body)).not.toContain(
      String((byB.body.successes as { id: string }[])[0]?.id),
    );
  });

  it('lets only the publishing organisation or an instance admin delete an object: 403 to one who sees it, 404 to one who does not', async () => {
    const visible = clear();
    const hidden = indicator({ object_marking_refs: [TLP2_MARKING_IDS['amber+strict']] });
    await t.add(server.sharedId, [visible, hidden]);
    const objectPath = (o: Record<string, unknown>) => `${t.objectsPath(server.sharedId)}${String(o.id)}/`;

    const refused = await t.call(objectPath(visible), { method: 'DELETE', auth: server.auth.outsider });
    t.expectError(refused, 403);
    expect(refused.body.description).toMatch(/published by another organisation/);
    t.expectError(await t.call(objectPath(hidden), { method: 'DELETE', auth: server.auth.outsider }), 404);
    expect((await t.call(objectPath(visible))).status).toBe(200);
    expect((await t.call(objectPath(hidden))).status).toBe(200);

    const [refusal] = (await queryAudit(server.db, { object: visible.id as string })).filter((e) => e.action === 'objects.delete-refused');
    expect(refusal).toMatchObject({ actorOrg: orgB, address: '127.0.0.1', details: { collection: server.sharedId } });
    expect(refusal?.path).toMatch(/^DELETE /);

    // An instance admin of B sees the CLEAR object and may delete it; A's own writer deletes the other.
    expect((await t.call(objectPath(visible), { method: 'DELETE', auth: adminB })).status).toBe(200);
    expect((await t.call(objectPath(hidden), { method: 'DELETE' })).status).toBe(200);
    t.expectError(await t.call(objectPath(visible)), 404);
    t.expectError(await t.call(objectPath(hidden)), 404);
    expect(await verifyAuditChain(server.db)).toMatchObject({ ok: true });
  });

  it('lets a member of the publishing organisation delete what a colleague published', async () => {
    const orgA = (await findUserByUsername(server.db, 'writer'))?.orgId as string;
    const colleague = await createUser(server.db, { orgId: orgA, username: 'colleague', role: 'contributor', password: 'correct horse battery staple' });
    const auth = `Bearer ${(await createToken(server.db, { userId: colleague.id, scope: 'read-write' })).token}`;
    const object = clear();
    await t.add(server.sharedId, [object, { ...object, modified: '2025-01-01T00:00:00.000Z' }]);
    const path = `${t.objectsPath(server.sharedId)}${String(object.id)}/`;
    expect((await t.call(path, { method: 'DELETE', auth })).status).toBe(200);
    t.expectError(await t.call(`${path}versions/`), 404);
  });
}

describe('ownership over TAXII on SQLite', () => ownershipSuite(openSqliteForTest));
describeIfPostgres('ownership over TAXII on PostgreSQL', await postgresProblem(), () => ownershipSuite(openPostgresForTest));
