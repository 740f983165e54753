import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteForTest } from '../../store/test-backends.js';
import { startTestServer, type TaxiiTestServer } from '../test-server.js';
import { declineDemoSet } from './intel-demo-set.js';
import { expectRestError, signIn } from './rest-test-client.js';

describe('REST demo set', () => {
  let server: TaxiiTestServer;
  beforeAll(async () => {
    server = await startTestServer(openSqliteForTest);
  });
  afterAll(async () => server.close());

  it('is offered to an admin on an empty store, loads the seed and development articles once, then is no longer offered', async () => {
    const admin = await signIn(server, 'admin');
    const writer = await signIn(server, 'writer');
    expect((await admin.get('/demo')).body).toEqual({ offered: true, empty: true });
    expect((await writer.get('/demo')).body.offered).toBe(false);
    expectRestError(await writer.post('/demo', {}), 403, 'forbidden');

    const loaded = await admin.post('/demo', {});
    expect(loaded.status, loaded.text).toBe(200);
    expect(loaded.body.reports).toBeGreaterThan(10);
    expect(loaded.body.objects).toBeGreaterThan(100);
    const feed = await admin.get('/incidents?limit=500');
    expect(feed.body.items.length).toBeGreaterThan(10);
    expect(feed.body.items.every((i: { marking: string }) => i.marking === 'green')).toBe(true);
    expect((await admin.get('/search?q=Kadyrov')).body.items.length).toBeGreaterThan(0);

    expect((await admin.get('/demo')).body).toEqual({ offered: false, empty: false });
    expectRestError(await admin.post('/demo', {}), 409, 'conflict');
  }, 180_000);

  it('is not offered once `entente serve --empty` declined it', async () => {
    const other = await startTestServer(openSqliteForTest);
    try {
      await declineDemoSet(other.db);
      const admin = await signIn(other, 'admin');
      expect((await admin.get('/demo')).body).toEqual({ offered: false, empty: true });
    } finally {
      await other.close();
    }
  });
});
