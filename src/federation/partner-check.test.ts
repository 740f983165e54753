import { afterEach, describe, expect, it } from 'vitest';
import { checkPartner } from './partner-check.js';
import { addPartner } from './partners.js';
import { startFakeTaxii } from './test-taxii-server.js';
import { openFederationTestDb, TEST_SECRET_KEY, type FederationTestDb } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const transport = { retry: { maxAttempts: 1 }, timeoutMs: 5_000 };

async function setUp(): Promise<{ f: FederationTestDb; discoveryUrl: string }> {
  const f = await openFederationTestDb();
  cleanups.push(f.dispose);
  const server = await startFakeTaxii({ pageSize: 5, token: 'right' });
  cleanups.push(() => server.close());
  return { f, discoveryUrl: server.discoveryUrl };
}

const summary = (results: { check: string; ok: boolean }[]) => results.map((r) => `${r.ok ? 'ok' : 'FAIL'} ${r.check}`);

describe('partner test', () => {
  it('passes every check when all is well, naming each rule', async () => {
    const { f, discoveryUrl } = await setUp();
    const partner = await addPartner(f.db, TEST_SECRET_KEY, {
      name: 'good',
      discoveryUrl,
      credentials: { kind: 'token', token: 'right' },
      pull: [{ remoteCollection: 'Fake feed', localCollection: f.collectionId }],
    });
    const results = await checkPartner(f.db, TEST_SECRET_KEY, partner, transport);
    expect(summary(results)).toEqual(['ok credentials', 'ok reachability', 'ok authentication', 'ok API root', `ok pull Fake feed → ${f.collectionId}`]);
  });

  it('says the credentials were refused, the collection is missing, or the collection is read-only for a push', async () => {
    const { f, discoveryUrl } = await setUp();
    const refused = await addPartner(f.db, TEST_SECRET_KEY, { name: 'refused', discoveryUrl, credentials: { kind: 'token', token: 'wrong' } });
    const results = await checkPartner(f.db, TEST_SECRET_KEY, refused, transport);
    expect(summary(results)).toEqual(['ok credentials', 'ok reachability', 'FAIL authentication']);
    expect(results[2]?.detail).toContain('401');

    const rules = await addPartner(f.db, TEST_SECRET_KEY, {
      name: 'rules',
      discoveryUrl,
      credentials: { kind: 'token', token: 'right' },
      pull: [{ remoteCollection: 'Missing feed', localCollection: f.collectionId }],
      push: [{ remoteCollection: 'Fake feed', localCollection: f.collectionId }],
    });
    const ruleResults = await checkPartner(f.db, TEST_SECRET_KEY, rules, transport);
    expect(summary(ruleResults).slice(4)).toEqual([`FAIL pull Missing feed → ${f.collectionId}`, `FAIL push ${f.collectionId} → Fake feed`]);
    expect(ruleResults[4]?.detail).toContain('it offers: Fake feed');
    expect(ruleResults[5]?.detail).toContain('can_write: false');
  });

  it('tells an unreachable host and a key that cannot open the credentials', async () => {
    const { f } = await setUp();
    const partner = await addPartner(f.db, TEST_SECRET_KEY, { name: 'gone', discoveryUrl: 'http://127.0.0.1:9/taxii2/', credentials: { kind: 'token', token: 't' } });
    const results = await checkPartner(f.db, TEST_SECRET_KEY, partner, transport);
    expect(summary(results)).toEqual(['ok credentials', 'FAIL reachability']);
    expect(results[1]?.detail).toContain('ECONNREFUSED');
    const locked = await checkPartner(f.db, 'a different key entirely', partner, transport);
    expect(summary(locked)).toEqual(['FAIL credentials']);
    expect(locked[0]?.detail).toContain('ENTENTE_SECRET_KEY');
  });
});
