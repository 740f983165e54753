import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessServices } from '../../access/access-services.js';
import { queryAudit } from '../../access/audit-log.js';
import { AuthFailureLimiter } from '../../access/auth-failure-limiter.js';
import { createOrganization } from '../../access/organizations.js';
import { createUser } from '../../access/users.js';
import { loadSettings } from '../../config/settings.js';
import { openSqliteForTest, type TestStore } from '../../store/test-backends.js';
import { startServer, type RunningServer } from '../server.js';
import { basicAuth, PASSWORD, type TaxiiTestServer } from '../test-server.js';
import { expectRestError, restClient } from './rest-test-client.js';

/** The REST API shares the TAXII lock-out: failures by sign-in or by header count alike, and the refusal is a REST 429. */
describe('REST lock-out after authentication failures', () => {
  let testStore: TestStore;
  let running: RunningServer;
  let server: TaxiiTestServer;

  beforeAll(async () => {
    testStore = await openSqliteForTest();
    const { store, db } = testStore.opened;
    await store.migrate();
    const org = await createOrganization(db, { name: 'Agency A' });
    await createUser(db, { orgId: org.id, username: 'alice', role: 'reader', password: PASSWORD });
    await createUser(db, { orgId: org.id, username: 'bob', role: 'reader', password: PASSWORD });
    const settings = loadSettings({}, { host: '127.0.0.1', port: 0, logLevel: 'silent' });
    const limits = { accountFailures: 3, addressFailures: 8, windowMs: 60_000, lockMs: 60_000 };
    running = await startServer({ settings, store, db, ...accessServices(db, store), authLimiter: new AuthFailureLimiter(limits) });
    // Only url and db are used by the REST client and this suite.
    server = { url: running.url, db } as unknown as TaxiiTestServer;
  });
  afterAll(async () => {
    await running.close();
    await testStore.dispose();
  });

  it('locks an account after repeated failed sign-ins, even for the right password, with a REST 429', async () => {
    const client = restClient(server);
    for (let i = 0; i < 3; i++) {
      expectRestError(await client.post('/session', { username: 'alice', password: `wrong ${i} password` }), 401, 'unauthenticated');
    }
    const locked = await client.post('/session', { username: 'alice', password: PASSWORD });
    expectRestError(locked, 429, 'rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expectRestError(await restClient(server, basicAuth('alice')).get('/session'), 429, 'rate_limited');
    // Another account is not affected by alice's lock.
    expect((await client.post('/session', { username: 'bob', password: PASSWORD })).status).toBe(200);
    const failures = (await queryAudit(testStore.opened.db, {})).filter((e) => e.action === 'auth.failure');
    expect(failures).toHaveLength(3);
  });

  it('failed Authorization headers count towards the address lock-out, audited without the secret', async () => {
    for (let i = 0; i < 5; i++) {
      expectRestError(await restClient(server, `Bearer ent_guess-${i}-xxxxxxxxxxxxxxxxxxxxxxxxxxxxx`).get('/session'), 401, 'unauthenticated');
    }
    expectRestError(await restClient(server, basicAuth('bob')).get('/session'), 429, 'rate_limited');
    const audit = JSON.stringify(await queryAudit(testStore.opened.db, {}));
    expect(audit).toContain('"scheme":"bearer"');
    expect(audit).not.toContain('ent_guess');
    // TAXII answers its own 429 body for the same address.
    const taxii = await fetch(`${running.url}/taxii2/`, { headers: { authorization: basicAuth('bob') } });
    expect(taxii.status).toBe(429);
    expect(((await taxii.json()) as { error_code: string }).error_code).toBe('rate_limited');
  });
});
