import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAudit, verifyAuditChain } from '../src/access/audit-log.js';
import { grantCollection } from '../src/access/collection-grants.js';
import { SHARING_EXTENSION_ID } from '../src/access/sharing-extension.js';
import { createSharingGroup, removeGroupMember } from '../src/access/sharing-groups.js';
import { findUserByUsername } from '../src/access/users.js';
import { basicAuth, startTestServer, type TaxiiTestServer } from '../src/http/test-server.js';
import { suiteContext, indicator } from '../src/http/taxii-test-client.js';
import { TLP2_MARKING_IDS } from '../src/stix/tlp.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../src/store/test-backends.js';

/**
 * Issue 4 over HTTP: an organisation that may read a collection still sees
 * only what the markings allow, on every TAXII read path, and a hidden object
 * answers 404 exactly like a missing one.
 */
function sharingSuite(open: () => Promise<TestStore>): void {
  let server: TaxiiTestServer;
  let orgA: string;
  let orgB: string;
  const t = suiteContext(() => server);
  const outsider = () => server.auth.outsider;

  beforeAll(async () => {
    server = await startTestServer(open);
    orgA = (await findUserByUsername(server.db, 'writer'))?.orgId as string;
    orgB = (await findUserByUsername(server.db, 'outsider'))?.orgId as string;
    await grantCollection(server.db, { collectionId: server.sharedId, orgId: orgB, canRead: true, canWrite: true });
  });
  afterAll(async () => {
    await server.close();
  });

  const sharing = (payload: Record<string, unknown>) => ({
    extensions: { [SHARING_EXTENSION_ID]: { extension_type: 'property-extension', ...payload } },
  });

  /** Whether `auth` sees `id` through objects, object, versions and manifest — all four must agree. */
  async function sees(auth: string, id: string): Promise<boolean> {
    const objects = await t.call(`${t.objectsPath(server.sharedId)}?limit=50&match[id]=${id}`, { auth });
    const object = await t.call(`${t.objectsPath(server.sharedId)}${id}/`, { auth });
    const versions = await t.call(`${t.objectsPath(server.sharedId)}${id}/versions/`, { auth });
    const manifest = await t.call(`${t.objectsPath(server.sharedId).replace(/objects\/$/, 'manifest/')}?match[id]=${id}`, { auth });
    const answers = [
      (objects.body.objects ?? []).some((o) => o.id === id),
      object.status === 200,
      versions.status === 200,
      ((manifest.body.objects as { id: string }[] | undefined) ?? []).some((o) => o.id === id),
    ];
    if (!answers[1]) {
      t.expectError(object, 404);
      t.expectError(versions, 404);
    }
    expect(new Set(answers).size).toBe(1);
    return answers[0] as boolean;
  }

  it('hides an object without markings (the default AMBER) from another organisation, 404 like a missing one', async () => {
    const amber = indicator();
    expect((await t.add(server.sharedId, [amber])).body).toMatchObject({ success_count: 1 });
    expect(await sees(server.auth.reader, amber.id as string)).toBe(true);
    expect(await sees(outsider(), amber.id as string)).toBe(false);
    const missing = await t.call(`${t.objectsPath(server.sharedId)}indicator--${randomUUID()}/`, { auth: outsider() });
    const hidden = await t.call(`${t.objectsPath(server.sharedId)}${String(amber.id)}/`, { auth: outsider() });
    expect(hidden.status).toBe(missing.status);
    expect(Object.keys(hidden.body).sort()).toEqual(Object.keys(missing.body).sort());
  });

  it('shows CLEAR and GREEN to the other organisation, AMBER+STRICT and RED to nobody unnamed', async () => {
    const marked = (level: keyof typeof TLP2_MARKING_IDS) => indicator({ object_marking_refs: [TLP2_MARKING_IDS[level]] });
    const [clear, green, strict, red] = [marked('clear'), marked('green'), marked('amber+strict'), marked('red')];
    expect((await t.add(server.sharedId, [clear, green, strict, red])).body).toMatchObject({ success_count: 4 });
    expect(await sees(outsider(), clear.id as string)).toBe(true);
    expect(await sees(outsider(), green.id as string)).toBe(true);
    expect(await sees(outsider(), strict.id as string)).toBe(false);
    expect(await sees(outsider(), red.id as string)).toBe(false);
    expect(await sees(server.auth.reader, red.id as string)).toBe(true);
  });

  it('shows RED to the users named as recipients', async () => {
    const red = indicator({ object_marking_refs: [TLP2_MARKING_IDS.red], ...sharing({ recipient_usernames: ['outsider'] }) });
    expect((await t.add(server.sharedId, [red])).body).toMatchObject({ success_count: 1 });
    expect(await sees(outsider(), red.id as string)).toBe(true);
  });

  it('shows AMBER published to a sharing group to its members, and hides it again when a member is removed', async () => {
    const group = await createSharingGroup(server.db, { name: `partners ${randomUUID()}`, ownerOrg: orgA, members: [{ orgId: orgB, canExtend: false }] });
    const amber = indicator({ object_marking_refs: [TLP2_MARKING_IDS.amber], ...sharing({ sharing_group_ref: group.id }) });
    expect((await t.add(server.sharedId, [amber])).body).toMatchObject({ success_count: 1 });
    expect(await sees(outsider(), amber.id as string)).toBe(true);
    await removeGroupMember(server.db, group.id, orgB, orgA);
    expect(await sees(outsider(), amber.id as string)).toBe(false);
  });

  it('refuses publishing to a group the publisher is not in, and re-publishing another organisation’s object wider', async () => {
    const group = await createSharingGroup(server.db, { name: `closed ${randomUUID()}`, ownerOrg: orgA });
    const amber = indicator();
    await t.add(server.sharedId, [amber]);
    const before = await server.store.countObjects(server.sharedId);
    const intoGroup = indicator({ object_marking_refs: [TLP2_MARKING_IDS.amber], ...sharing({ sharing_group_ref: group.id }) });
    const widened = { ...amber, modified: '2025-01-01T00:00:00.000Z', object_marking_refs: [TLP2_MARKING_IDS.clear] };
    const answer = await t.add(server.sharedId, [intoGroup, widened], { auth: outsider() });
    expect(answer.body).toMatchObject({ success_count: 0, failure_count: 2 });
    const messages = (answer.body.failures as { message: string }[]).map((f) => f.message);
    expect(messages[0]).toMatch(/not a sharing group your organisation belongs to/);
    expect(messages[1]).toMatch(/first published by another organisation/);
    expect(await server.store.countObjects(server.sharedId)).toBe(before);
    expect(await sees(outsider(), amber.id as string)).toBe(false);
  });

  it('does not let another organisation delete an object it cannot see', async () => {
    const amber = indicator();
    await t.add(server.sharedId, [amber]);
    const deleted = await t.call(`${t.objectsPath(server.sharedId)}${String(amber.id)}/`, { method: 'DELETE', auth: outsider() });
    t.expectError(deleted, 404);
    expect(await sees(server.auth.reader, amber.id as string)).toBe(true);
  });

  it('records writes, deletions, reads of marked objects and authentication failures in an intact chain, without secrets', async () => {
    const amber = indicator();
    const clear = indicator({ object_marking_refs: [TLP2_MARKING_IDS.clear] });
    await t.add(server.sharedId, [amber, clear]);
    await t.call(`${t.objectsPath(server.sharedId)}${String(amber.id)}/`, { auth: server.auth.reader });
    await t.call(`${t.objectsPath(server.sharedId)}${String(clear.id)}/`, { auth: server.auth.reader });
    await t.call(`${t.objectsPath(server.sharedId)}${String(amber.id)}/`, { method: 'DELETE' });
    const wrong = await t.call(t.objectsPath(server.sharedId), { auth: basicAuth('reader', 'not the password') });
    t.expectError(wrong, 401);

    const about = async (object: string) => (await queryAudit(server.db, { object })).map((e) => e.action);
    expect(await about(amber.id as string)).toEqual(['objects.add', 'objects.read-marked', 'objects.delete']);
    expect(await about(clear.id as string)).toEqual(['objects.add']);
    const failures = (await queryAudit(server.db, {})).filter((e) => e.action === 'auth.failure');
    expect(failures.at(-1)).toMatchObject({ details: { scheme: 'basic', username: 'reader' }, address: '127.0.0.1' });
    const text = JSON.stringify(await queryAudit(server.db, { limit: 100_000 }));
    for (const header of Object.values(server.auth)) expect(text).not.toContain(header.replace(/^Bearer /, ''));
    expect(text).not.toContain('not the password');
    expect(await verifyAuditChain(server.db)).toMatchObject({ ok: true });
  });
}

describe('sharing over TAXII on SQLite', () => sharingSuite(openSqliteForTest));
describeIfPostgres('sharing over TAXII on PostgreSQL', await postgresProblem(), () => sharingSuite(openPostgresForTest));
