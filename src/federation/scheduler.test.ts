import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { addPartner, requirePartner } from './partners.js';
import { startPartnerScheduler } from './scheduler.js';
import type { PartnerReport } from './sync.js';
import { startFakeTaxii } from './test-taxii-server.js';
import { openFederationTestDb, TEST_SECRET_KEY } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const identity = (id: string) =>
  JSON.stringify({ type: 'identity', spec_version: '2.1', id, created: '2025-01-01T00:00:00.000Z', modified: '2025-01-01T00:00:00.000Z', name: 'x' });

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('partner scheduler', () => {
  it('pulls each partner on its interval, and a dead partner does not hold up the others', async () => {
    const f = await openFederationTestDb();
    cleanups.push(f.dispose);
    const server = await startFakeTaxii({ pageSize: 2 });
    cleanups.push(() => server.close());
    server.add(identity(`identity--${randomUUID()}`));
    const live = await addPartner(f.db, TEST_SECRET_KEY, {
      name: 'live',
      discoveryUrl: server.discoveryUrl,
      credentials: { kind: 'token', token: 't' },
      pull: [{ remoteCollection: 'Fake feed', localCollection: f.collectionId }],
      intervalSeconds: 1,
    });
    await addPartner(f.db, TEST_SECRET_KEY, {
      name: 'dead',
      discoveryUrl: 'http://127.0.0.1:9/taxii2/',
      credentials: { kind: 'token', token: 't' },
      pull: [{ remoteCollection: 'x', localCollection: f.collectionId }],
      intervalSeconds: 1,
    });

    const reports: PartnerReport[] = [];
    const scheduler = startPartnerScheduler({
      sync: { db: f.db, store: f.store, secretKey: TEST_SECRET_KEY, transport: { retry: { maxAttempts: 1 } } },
      tickMs: 50,
      onRun: (report) => reports.push(report),
    });
    cleanups.push(() => scheduler.stop());

    await until(async () => (await f.store.countObjects(f.collectionId)) === 1, 'the first object');
    // Added once that run has ended, so that only a later run can bring it.
    await until(async () => reports.some((r) => r.partner === 'live'), 'the end of the first run');
    server.add(identity(`identity--${randomUUID()}`));
    await until(async () => (await f.store.countObjects(f.collectionId)) === 2, 'the second object, a second later');
    await scheduler.stop();

    const liveRuns = reports.filter((r) => r.partner === 'live');
    expect(liveRuns.length).toBeGreaterThanOrEqual(2);
    expect(liveRuns.every((r) => r.outcome === 'ok')).toBe(true);
    expect(reports.some((r) => r.partner === 'dead' && r.outcome === 'failed')).toBe(true);
    expect(reports.some((r) => r.outcome === 'busy')).toBe(false);
    const runs = (await requirePartner(f.db, live.id)).health;
    expect(runs.lastSuccessAt).not.toBeNull();
    expect((await requirePartner(f.db, 'dead')).health.consecutiveFailures).toBeGreaterThanOrEqual(1);
  });
});
