import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch } from 'undici';
import { AuthFailureLimiter } from '../src/access/auth-failure-limiter.js';
import { DatabaseAuthenticator } from '../src/access/authenticator.js';
import { createOrganization } from '../src/access/organizations.js';
import { createPermissionCheck } from '../src/access/permissions.js';
import { readScopeOf } from '../src/access/read-scope.js';
import { createUser } from '../src/access/users.js';
import { loadSettings } from '../src/config/settings.js';
import { startServer } from '../src/http/server.js';
import { openSqliteForTest, type TestStore } from '../src/store/test-backends.js';

const PASSWORD = 'correct horse battery staple';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('authentication lock-out over HTTP', () => {
  let test: TestStore;
  let server: { url: string; close: () => Promise<void> };
  const discovery = async (authorization: string) => {
    const response = await fetch(`${server.url}/taxii2/`, { headers: { authorization, accept: 'application/taxii+json;version=2.1' } });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() };
  };

  beforeAll(async () => {
    test = await openSqliteForTest();
    const { store, db } = test.opened;
    await store.migrate();
    const org = await createOrganization(db, { name: 'A' });
    for (const username of ['alice', 'bob']) await createUser(db, { orgId: org.id, username, role: 'reader', password: PASSWORD });
    server = await startServer({
      settings: loadSettings({}, { host: '127.0.0.1', port: 0, logLevel: 'silent' }),
      store,
      authenticator: new DatabaseAuthenticator(db),
      permissions: createPermissionCheck(db),
      readScope: readScopeOf,
      authLimiter: new AuthFailureLimiter({ accountFailures: 3, addressFailures: 1000, windowMs: 60_000, lockMs: 60_000 }),
    });
  });
  afterAll(async () => {
    await server.close();
    await test.dispose();
  });

  it('locks an account name out after repeated failures, even with the right password, and alike for names that do not exist', async () => {
    expect((await discovery(basic('alice', PASSWORD))).status).toBe(200);
    for (const user of ['alice', 'ghost']) {
      for (let i = 0; i < 3; i++) expect((await discovery(basic(user, 'wrong password'))).status).toBe(401);
    }
    const alice = await discovery(basic('alice', PASSWORD));
    const ghost = await discovery(basic('ghost', PASSWORD));
    expect(alice.status).toBe(429);
    expect(Number(alice.retryAfter)).toBeGreaterThan(0);
    expect(JSON.parse(alice.body)).toMatchObject({ http_status: '429', error_code: 'rate_limited' });
    expect(ghost.status).toBe(429);
    // The same words for a real and an unknown account; only the seconds left may differ by the time between the two requests.
    const words = (body: string) => (JSON.parse(body) as { description: string }).description.replace(/\d+ seconds/, 'N seconds');
    expect(words(ghost.body)).toBe(words(alice.body));
    expect(Math.abs(Number(ghost.retryAfter) - Number(alice.retryAfter))).toBeLessThanOrEqual(2);
    expect((await discovery(basic('bob', PASSWORD))).status).toBe(200);
  });
});
