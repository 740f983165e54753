import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAudit } from '../../access/audit-log.js';
import { TLP2_MARKING_IDS } from '../../stix/tlp.js';
import { openSqliteForTest } from '../../store/test-backends.js';
import { startTestServer, type TaxiiTestServer } from '../test-server.js';
import { expectRestError, restClient, signIn, type RestClient } from './rest-test-client.js';

/**
 * REST.md "Federation" over real HTTP: instance A manages its partners through
 * /rest/v1/partners; the partner is B, a second real server on loopback.
 */
const SECRET = 'rest-partners-secret-key-0123456789';
const MEDIA = 'application/taxii+json;version=2.1';
let a: TaxiiTestServer;
let b: TaxiiTestServer;
let admin: RestClient;
let inbox: string;

beforeAll(async () => {
  a = await startTestServer(openSqliteForTest, { secretKey: SECRET });
  b = await startTestServer(openSqliteForTest);
  admin = await signIn(a, 'admin');
  inbox = await a.newCollection();
});
afterAll(async () => {
  await a.close();
  await b.close();
});

const bToken = () => b.auth.writer.slice('Bearer '.length);

function newPartner(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, url: `${b.url}/taxii2/`, token: bToken(), orgs: ['Agency B'], pull: [{ remote: 'shared', local: inbox }], every: 60, ...extra };
}

async function publishOnB(count: number): Promise<string[]> {
  const objects = Array.from({ length: count }, () => ({
    type: 'identity',
    spec_version: '2.1',
    id: `identity--${randomUUID()}`,
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    name: 'an agency',
    object_marking_refs: [TLP2_MARKING_IDS.green],
  }));
  const response = await fetch(`${b.apiRoot}collections/${b.sharedId}/objects/`, {
    method: 'POST',
    headers: { authorization: b.auth.writer, 'content-type': MEDIA, accept: MEDIA },
    body: JSON.stringify({ objects }),
  });
  expect(response.status).toBe(202);
  return objects.map((o) => o.id);
}

describe('REST /partners', () => {
  it('is for administrators only: 401 without credentials, 403 for other roles', async () => {
    expectRestError(await restClient(a).get('/partners'), 401, 'unauthenticated');
    expectRestError(await restClient(a, a.auth.writer).get('/partners'), 403, 'forbidden');
    expectRestError(await restClient(a, a.auth.reader).post('/partners', newPartner('nope')), 403, 'forbidden');
    expectRestError(await (await signIn(a, 'writer')).delete('/partners/anything'), 403, 'forbidden');
  });

  it('adds a partner, shows it without its credentials, tests it, syncs it, and removes it; every change audited', async () => {
    const created = await admin.post('/partners', newPartner('bee', { receiveAs: ['Agency A'] }));
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      name: 'bee',
      url: `${b.url}/taxii2/`,
      auth: 'token',
      orgs: [{ name: 'Agency B' }],
      receivers: [{ name: 'Agency A' }],
      every: 60,
      pull: [{ remote: 'shared', local: inbox }],
      push: [],
      health: { state: 'never-run', consecutiveFailures: 0 },
    });
    expect(created.text).not.toContain(bToken());
    const stored = await sql<{ credentials: string }>`select credentials from partners where name = 'bee'`.execute(a.db);
    expect(stored.rows[0]?.credentials).not.toContain(bToken());

    const listed = await admin.get('/partners');
    expect(listed.status).toBe(200);
    expect(listed.headers.get('x-entente-applied-limit')).toBe('50');
    expect(listed.body.items.map((p: { name: string }) => p.name)).toContain('bee');
    expect((await admin.get('/partners/bee')).body).toEqual(created.body);

    const tested = await admin.post('/partners/bee/test');
    expect(tested.status, tested.text).toBe(200);
    expect(tested.body.ok).toBe(true);
    expect(tested.body.checks.map((c: { check: string }) => c.check)).toEqual(expect.arrayContaining(['credentials', 'reachability']));

    const ids = await publishOnB(7);
    const synced = await admin.post('/partners/bee/sync');
    expect(synced.status, synced.text).toBe(200);
    expect(synced.body).toMatchObject({ partner: 'bee', outcome: 'ok', rules: [{ direction: 'pull', remote: 'shared', local: inbox, added: 7, duplicate: 0 }] });
    const held = await a.store.queryObjectTexts(inbox, { limit: 100 }, { kind: 'all' });
    expect(held.items.map((i) => (JSON.parse(i.json) as { id: string }).id).sort()).toEqual([...ids].sort());
    const after = (await admin.get('/partners/bee')).body;
    expect(after.health).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
    expect(after.health.lastRunAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(after.health.lastPulled).toMatch(/^\d{4}-\d\d-\d\dT/);

    expect((await admin.delete('/partners/bee')).status).toBe(204);
    expectRestError(await admin.get('/partners/bee'), 404, 'not_found');
    expectRestError(await admin.post('/partners/bee/sync'), 404, 'not_found');

    const actions = (await queryAudit(a.db, {})).map((e) => e.action).filter((action) => action.startsWith('partner.'));
    expect(actions).toEqual(['partner.add', 'partner.test', 'partner.sync', 'partner.remove']);
  });

  it('reports a failing partner in its health and the test checks, saying what fails', async () => {
    const created = await admin.post('/partners', newPartner('wrong-token', { token: 'not-a-token-of-b' }));
    expect(created.status, created.text).toBe(201);
    const tested = await admin.post('/partners/wrong-token/test');
    expect(tested.body.ok).toBe(false);
    expect(tested.body.checks.find((c: { ok: boolean }) => !c.ok).detail).toMatch(/401|authenticat|credential/i);
    const synced = await admin.post('/partners/wrong-token/sync');
    expect(synced.body.outcome).toBe('failed');
    const shown = (await admin.get('/partners/wrong-token')).body;
    expect(shown.health.state).toMatch(/^(failing|unhealthy)$/);
    expect(shown.health.lastError).toBeTypeOf('string');
  });

  it('refuses bad input with a clear error and stores nothing', async () => {
    expectRestError(await admin.post('/partners', { ...newPartner('x'), colour: 'blue' }), 400, 'validation');
    expectRestError(await admin.post('/partners', newPartner('both', { user: 'u', password: 'p' })), 400, 'validation');
    expectRestError(await admin.post('/partners', { name: 'none', url: `${b.url}/taxii2/` }), 400, 'validation');
    expectRestError(await admin.post('/partners', newPartner('bad url', {})), 400, 'validation');
    expectRestError(await admin.post('/partners', newPartner('creds-in-url', { url: `http://u:p@127.0.0.1:1/taxii2/` })), 400, 'validation');
    expectRestError(await admin.post('/partners', newPartner('no-such-collection', { pull: [{ remote: 'shared', local: 'nowhere' }] })), 404, 'not_found');
    expectRestError(await admin.post('/partners', newPartner('no-such-org', { orgs: ['Nobody'] })), 404, 'not_found');
    expectRestError(await admin.post('/partners', newPartner('every', { every: 0 })), 400, 'validation');
    expect((await admin.post('/partners', newPartner('twice'))).status).toBe(201);
    expectRestError(await admin.post('/partners', newPartner('twice')), 409, 'conflict');
    const names = (await admin.get('/partners')).body.items.map((p: { name: string }) => p.name);
    expect(names.filter((n: string) => ['x', 'both', 'none', 'bad url', 'creds-in-url', 'no-such-collection', 'no-such-org', 'every'].includes(n))).toEqual([]);
  });

  it('pages the list by name with an opaque cursor', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) expect((await admin.post('/partners', newPartner(name))).status).toBe(201);
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.get(`/partners?limit=2${cursor === undefined ? '' : `&cursor=${cursor}`}`);
      expect(page.status, page.text).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      all.push(...page.body.items.map((p: { name: string }) => p.name));
      cursor = page.body.next;
    } while (cursor !== undefined);
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining(['page-a', 'page-b', 'page-c']));
    expect(new Set(all).size).toBe(all.length);
    expectRestError(await admin.get('/partners?cursor=not-ours!'), 400, 'validation');
  });
});
