import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/open-store.js';
import {
  describeIfPostgres,
  openPostgresForTest,
  openSqliteFileForTest,
  postgresProblem,
  TEST_POSTGRES_URL,
} from '../store/test-backends.js';
import { TaxiiClient } from '../taxii/client/index.js';
import { recordFailure } from './health.js';
import { acquireLease, newLeaseOwner } from './lease.js';
import { addPartner, listPartners, removePartner, requirePartner } from './partners.js';
import { pullRule } from './pull.js';
import { startFakeTaxii } from './test-taxii-server.js';
import { openFederationTestDb, TEST_SECRET_KEY } from './test-support.js';

/**
 * Federation's SQL on both backends: partners, health, the pull's one
 * transaction per page, and the lease two servers on one database compete for.
 */
type Opener = typeof openSqliteFileForTest | typeof openPostgresForTest;

function federationSuite(name: string, open: Opener, reopen: (opened: Awaited<ReturnType<Opener>>) => ReturnType<typeof openStore>): void {
  describe(`federation on ${name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('stores partners, pulls with resume after a failure, counts failures, and lets one of two servers hold a lease', async () => {
      let backing: Awaited<ReturnType<Opener>> | undefined;
      const f = await openFederationTestDb(async () => (backing = await open()));
      cleanups.push(f.dispose);
      if (backing === undefined) throw new Error('backend expected');
      const server = await startFakeTaxii({ pageSize: 3 });
      cleanups.push(() => server.close());
      const texts = Array.from({ length: 8 }, () =>
        JSON.stringify({ type: 'identity', spec_version: '2.1', id: `identity--${randomUUID()}`, created: '2025-01-01T00:00:00.000Z', modified: '2025-01-01T00:00:00.000Z', name: 'n' }),
      );
      for (const text of texts) server.add(text);
      const partner = await addPartner(f.db, TEST_SECRET_KEY, {
        name: 'paris',
        discoveryUrl: server.discoveryUrl,
        credentials: { kind: 'basic', username: 'u', password: 'p' },
        orgIds: [f.orgId],
        pull: [{ remoteCollection: server.collectionId, localCollection: f.collectionId, filters: { types: ['identity'] } }],
      });
      expect((await listPartners(f.db)).map((p) => p.name)).toEqual(['paris']);
      const rule = partner.rules[0];
      if (rule === undefined) throw new Error('rule expected');

      const client = new TaxiiClient();
      cleanups.push(() => client.close());
      const source = { apiRootUrl: server.discoveryUrl.replace('/taxii2/', '/root/'), collectionId: server.collectionId };
      let pages = 0;
      const crash = () => {
        if (++pages === 2) throw new Error('crash');
      };
      await expect(pullRule({ store: f.store, client, onPage: crash }, partner, rule, source)).rejects.toThrow('crash');
      // Pages of three, the second from just before the first's last timestamp: [1 2 3] [3 4 5].
      expect(await f.store.countObjects(f.collectionId)).toBe(5);
      expect(await pullRule({ store: f.store, client }, partner, rule, source)).toMatchObject({ added: 3, duplicate: 0 });
      expect(await f.store.countObjects(f.collectionId)).toBe(8);

      const now = Date.now() * 1000;
      await recordFailure(f.db, partner.id, 'boom', now, { failuresBeforeUnhealthy: 2, baseBackoffSeconds: 10, maxBackoffSeconds: 10 });
      await recordFailure(f.db, partner.id, 'boom again', now, { failuresBeforeUnhealthy: 2, baseBackoffSeconds: 10, maxBackoffSeconds: 10 });
      const health = (await requirePartner(f.db, 'paris')).health;
      expect(health).toMatchObject({ consecutiveFailures: 2, lastError: 'boom again' });
      expect(health.unhealthyUntil).toBeGreaterThanOrEqual(now + 5_000_000);

      const second = await reopen(backing);
      cleanups.push(() => second.store.close());
      const [one, two] = [newLeaseOwner(), newLeaseOwner()];
      const taken = await Promise.all([acquireLease(f.db, partner.id, one, 60_000_000, now), acquireLease(second.db, partner.id, two, 60_000_000, now)]);
      expect(taken.filter(Boolean)).toHaveLength(1);

      await removePartner(f.db, 'paris');
      expect(await listPartners(second.db)).toEqual([]);
    });
  });
}

federationSuite('SQLite', openSqliteFileForTest, async (opened) => await openStore((opened as Awaited<ReturnType<typeof openSqliteFileForTest>>).url));
describeIfPostgres('federation on PostgreSQL', await postgresProblem(), () => {
  federationSuite('PostgreSQL', openPostgresForTest, async (opened) =>
    await openStore(TEST_POSTGRES_URL, { schema: (opened as Awaited<ReturnType<typeof openPostgresForTest>>).schema }),
  );
});
