import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { withFederation } from './federation-schema.js';
import { backoffSeconds, isDue } from './health.js';
import { acquireLease, newLeaseOwner, releaseLease } from './lease.js';
import { addPartner, requirePartner } from './partners.js';
import { syncPartner, syncPartners, type SyncDeps } from './sync.js';
import { startFakeTaxii } from './test-taxii-server.js';
import { openFederationTestDb, TEST_SECRET_KEY, type FederationTestDb } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const identity = (id: string) =>
  JSON.stringify({ type: 'identity', spec_version: '2.1', id, created: '2025-01-01T00:00:00.000Z', modified: '2025-01-01T00:00:00.000Z', name: 'x' });

async function fixture(): Promise<FederationTestDb> {
  const opened = await openFederationTestDb();
  cleanups.push(opened.dispose);
  return opened;
}

async function fakeServer(options: Parameters<typeof startFakeTaxii>[0], objects = 3) {
  const server = await startFakeTaxii(options);
  cleanups.push(() => server.close());
  for (let i = 0; i < objects; i++) server.add(identity(`identity--${randomUUID()}`));
  return server;
}

function deps(f: FederationTestDb, overrides: Partial<SyncDeps> = {}): SyncDeps {
  return {
    db: f.db,
    store: f.store,
    secretKey: TEST_SECRET_KEY,
    leaseOwner: newLeaseOwner(),
    transport: { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 } },
    health: { failuresBeforeUnhealthy: 2, baseBackoffSeconds: 60, maxBackoffSeconds: 600 },
    ...overrides,
  };
}

async function partnerFor(f: FederationTestDb, name: string, server: { discoveryUrl: string; collectionId: string }, token: string) {
  return await addPartner(f.db, TEST_SECRET_KEY, {
    name,
    discoveryUrl: server.discoveryUrl,
    credentials: { kind: 'token', token },
    pull: [{ remoteCollection: 'Fake feed', localCollection: f.collectionId }],
  });
}

describe('syncPartners', () => {
  it('records a failing partner, sets it aside after repeated failures, and still syncs the others', async () => {
    const f = await fixture();
    const good = await fakeServer({ pageSize: 2, token: 'good' });
    const bad = await fakeServer({ pageSize: 2, token: 'expected' });
    const refused = await partnerFor(f, 'refused', bad, 'wrong');
    const working = await partnerFor(f, 'working', good, 'good');

    const [first, second] = await syncPartners(deps(f), [refused, working]);
    expect(first).toMatchObject({ partner: 'refused', outcome: 'failed', error: expect.stringContaining('401') });
    expect(second).toMatchObject({ partner: 'working', outcome: 'ok', rules: [{ counts: { added: 3 } }] });

    const once = await requirePartner(f.db, 'refused');
    expect(once.health).toMatchObject({ consecutiveFailures: 1, unhealthyUntil: null, lastSuccessAt: null });
    expect(once.health.lastError).toContain('401');
    await syncPartner(deps(f), once);
    const twice = await requirePartner(f.db, 'refused');
    expect(twice.health.consecutiveFailures).toBe(2);
    expect(twice.health.unhealthyUntil).toBeGreaterThan(Date.now() * 1000 + 29 * 1_000_000);
    expect(isDue(twice, Date.now() * 1000 + 3600 * 1_000_000)).toBe(true);
    expect(isDue(twice, Date.now() * 1000)).toBe(false);

    const healthy = await requirePartner(f.db, 'working');
    expect(healthy.health).toMatchObject({ consecutiveFailures: 0, lastError: null });
    expect(healthy.health.lastSuccessAt).not.toBeNull();
  });

  it('says which collection is missing, and a success afterwards clears the failures', async () => {
    const f = await fixture();
    const server = await fakeServer({ pageSize: 5 });
    const partner = await addPartner(f.db, TEST_SECRET_KEY, {
      name: 'typo',
      discoveryUrl: server.discoveryUrl,
      credentials: { kind: 'token', token: 't' },
      pull: [{ remoteCollection: 'Fake fed', localCollection: f.collectionId }],
    });
    const report = await syncPartner(deps(f), partner);
    expect(report.error).toContain('no collection "Fake fed"');
    expect(report.error).toContain('Fake feed');
    await withFederation(f.db).updateTable('partner_rules').set({ remote_collection: 'Fake feed' }).execute();
    expect((await syncPartner(deps(f), await requirePartner(f.db, 'typo'))).outcome).toBe('ok');
    expect((await requirePartner(f.db, 'typo')).health.consecutiveFailures).toBe(0);
  });

  it("gives unmarked objects the default level of the partner's organisation, and marked ones their own", async () => {
    const f = await fixture();
    const server = await fakeServer({ pageSize: 5 }, 1);
    const green = JSON.stringify({
      type: 'identity',
      spec_version: '2.1',
      id: `identity--${randomUUID()}`,
      created: '2025-01-01T00:00:00.000Z',
      modified: '2025-01-01T00:00:00.000Z',
      name: 'g',
      object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
    });
    server.add(green);
    const partner = await addPartner(f.db, TEST_SECRET_KEY, {
      name: 'org',
      discoveryUrl: server.discoveryUrl,
      credentials: { kind: 'token', token: 't' },
      orgIds: [f.orgId],
      pull: [{ remoteCollection: 'Fake feed', localCollection: f.collectionId }],
    });
    expect((await syncPartner(deps(f), partner)).outcome).toBe('ok');
    const rows = await f.db.selectFrom('objects').select(['json', 'tlp', 'author_org']).orderBy('date_added').execute();
    expect(rows.map((r) => [r.tlp, r.author_org])).toEqual([
      ['amber', f.orgId],
      ['green', f.orgId],
    ]);
  });

  it('rides out 503s with the client retries', async () => {
    const f = await fixture();
    const server = await fakeServer({ pageSize: 2, failures: 2 });
    const report = await syncPartner(deps(f), await partnerFor(f, 'flaky', server, 't'));
    expect(report).toMatchObject({ outcome: 'ok', rules: [{ counts: { added: 3 } }] });
  });

  it('does not run a partner whose lease another live process holds', async () => {
    const f = await fixture();
    const server = await fakeServer({ pageSize: 2 });
    const partner = await partnerFor(f, 'leased', server, 't');
    const other = newLeaseOwner();
    expect(await acquireLease(f.db, partner.id, other, 60_000_000, Date.now() * 1000)).toBe(true);
    const report = await syncPartner(deps(f), partner);
    expect(report).toMatchObject({ outcome: 'busy', error: expect.stringContaining(other) });
    expect(await f.store.countObjects(f.collectionId)).toBe(0);
    await releaseLease(f.db, partner.id, other);
    expect((await syncPartner(deps(f), partner)).outcome).toBe('ok');
  });
});

describe('leases', () => {
  it('expire, and are taken over at once from a dead process on this host', async () => {
    const f = await fixture();
    const partner = await addPartner(f.db, TEST_SECRET_KEY, { name: 'p', discoveryUrl: 'http://127.0.0.1:1/', credentials: { kind: 'token', token: 't' } });
    const now = Date.now() * 1000;
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const deadOwner = `${hostname()}:${dead}:abcd`;
    const me = newLeaseOwner();
    expect(await acquireLease(f.db, partner.id, deadOwner, 60_000_000, now)).toBe(true);
    expect(await acquireLease(f.db, partner.id, me, 60_000_000, now)).toBe(true);
    const live = `${hostname()}:${process.pid}:other`;
    expect(await acquireLease(f.db, partner.id, live, 60_000_000, now)).toBe(false);
    expect(await acquireLease(f.db, partner.id, live, 60_000_000, now + 61_000_000)).toBe(true);
  });

  it('back off exponentially, with jitter, up to the cap', () => {
    const policy = { failuresBeforeUnhealthy: 3, baseBackoffSeconds: 60, maxBackoffSeconds: 600 };
    expect(backoffSeconds(policy, 2)).toBeUndefined();
    expect(backoffSeconds(policy, 3, () => 1)).toBe(60);
    expect(backoffSeconds(policy, 4, () => 1)).toBe(120);
    expect(backoffSeconds(policy, 4, () => 0)).toBe(60);
    expect(backoffSeconds(policy, 20, () => 1)).toBe(600);
  });
});
