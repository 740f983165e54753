import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAudit } from '../../access/audit-log.js';
import { openPostgresForTest, openSqliteForTest, postgresProblem, describeIfPostgres, type TestStore } from '../../store/test-backends.js';
import { startTestServer, PASSWORD, type TaxiiTestServer } from '../test-server.js';
import { cookiePair, expectRestError, restClient, signIn } from './rest-test-client.js';

function sessionSuite(open: () => Promise<TestStore>): void {
  let server: TaxiiTestServer;
  beforeAll(async () => {
    server = await startTestServer(open, { maxRestBodyBytes: 4096 });
  });
  afterAll(async () => server.close());

  it('signs in with a password: user, CSRF token and an HttpOnly SameSite=Strict cookie of twelve hours', async () => {
    const answer = await restClient(server).post('/session', { username: 'writer', password: PASSWORD });
    expect(answer.status).toBe(200);
    expect(answer.body.user).toMatchObject({ username: 'writer', role: 'contributor', org: { name: 'Agency A' } });
    expect(answer.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const setCookie = answer.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^entente_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('keeps only hashes of the cookie secret and the CSRF token', async () => {
    const client = await signIn(server, 'reader');
    const secret = (client.cookie ?? '').split('=')[1] ?? '';
    const rows = await sql<{ id: string; csrf_hash: string }>`select id, csrf_hash from sessions`.execute(server.db);
    expect(rows.rows.length).toBeGreaterThan(0);
    const stored = JSON.stringify(rows.rows);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(client.csrfToken);
  });

  it('GET /session answers the signed-in user and the same CSRF token; 401 without a session', async () => {
    const client = await signIn(server, 'admin');
    const again = await client.get('/session');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ user: { username: 'admin', role: 'admin' }, csrfToken: client.csrfToken });
    expectRestError(await restClient(server).get('/session'), 401, 'unauthenticated');
    const forged = await restClient(server).get('/session', { headers: { cookie: 'entente_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    expectRestError(forged, 401, 'unauthenticated');
  });

  it('an API token or HTTP Basic authenticates too, without CSRF', async () => {
    const byToken = await restClient(server, server.auth.reader).get('/session');
    expect(byToken.status).toBe(200);
    expect(byToken.body.user.username).toBe('reader');
    expect(byToken.body.csrfToken).toBeUndefined();
    const signOutByToken = await restClient(server, server.auth.reader).delete('/session');
    expect(signOutByToken.status).toBe(204);
    expectRestError(await restClient(server, 'Bearer ent_not-a-token-at-all-xxxxxxxxxxxxxxxxxxx').get('/session'), 401, 'unauthenticated');
  });

  it('refuses a state-changing request by cookie without the CSRF token, or with a wrong one', async () => {
    const client = await signIn(server, 'writer');
    expectRestError(await client.delete('/session', { csrf: null }), 403, 'csrf');
    expectRestError(await client.delete('/session', { csrf: 'x'.repeat(43) }), 403, 'csrf');
    const other = await signIn(server, 'writer');
    expectRestError(await client.delete('/session', { csrf: other.csrfToken ?? null }), 403, 'csrf');
    expect((await client.get('/session')).status).toBe(200);
  });

  it('signs out: 204, the cookie is cleared and the session no longer opens', async () => {
    const client = await signIn(server, 'writer');
    const answer = await client.delete('/session');
    expect(answer.status).toBe(204);
    expect(cookiePair(answer.headers.get('set-cookie'))).toBeUndefined();
    expect(answer.headers.get('set-cookie')).toContain('Max-Age=0');
    expectRestError(await client.get('/session'), 401, 'unauthenticated');
  });

  it('one answer for an unknown user, a wrong password and a disabled user; each failure audited without the password', async () => {
    const wrong = await restClient(server).post('/session', { username: 'writer', password: 'wrong password!!' });
    const unknown = await restClient(server).post('/session', { username: 'nobody', password: 'wrong password!!' });
    const e1 = expectRestError(wrong, 401, 'unauthenticated');
    const e2 = expectRestError(unknown, 401, 'unauthenticated');
    expect(e1.message).toBe(e2.message);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const failures = (await queryAudit(server.db, {})).filter((e) => e.action === 'auth.failure' && e.details.scheme === 'session');
    expect(failures.map((f) => f.details)).toEqual([{ scheme: 'session', username: 'writer' }, { scheme: 'session', username: 'nobody' }]);
    expect(failures.every((f) => f.path === 'POST /rest/v1/session' && f.address === '127.0.0.1')).toBe(true);
    expect(JSON.stringify(await queryAudit(server.db, {}))).not.toContain('wrong password!!');
  });

  it('a session ends when its user is disabled', async () => {
    const client = await signIn(server, 'outsider');
    await server.db.updateTable('users').set({ disabled: 1 }).where('username', '=', 'outsider').execute();
    try {
      expectRestError(await client.get('/session'), 401, 'unauthenticated');
    } finally {
      await server.db.updateTable('users').set({ disabled: 0 }).where('username', '=', 'outsider').execute();
    }
  });

  it('audits sign-in and sign-out with the actor', async () => {
    const client = await signIn(server, 'reader');
    await client.delete('/session');
    const entries = (await queryAudit(server.db, {})).filter((e) => e.action.startsWith('session.'));
    expect(entries.some((e) => e.action === 'session.create' && e.path === 'POST /rest/v1/session' && e.actorOrg !== null)).toBe(true);
    expect(entries.some((e) => e.action === 'session.delete' && e.path === 'DELETE /rest/v1/session')).toBe(true);
  });

  describe('bad requests answer with the REST error body', () => {
    it('malformed JSON is 400 bad_request', async () => {
      expectRestError(await restClient(server).post('/session', '{"username": '), 400, 'bad_request');
    });
    it('an unknown or mistyped field is 400 validation naming the field', async () => {
      const extra = expectRestError(await restClient(server).post('/session', { username: 'a', password: 'b', admin: true }), 400, 'validation');
      expect(JSON.stringify(extra.details)).toContain('admin');
      const typed = expectRestError(await restClient(server).post('/session', { username: 5, password: 'b' }), 400, 'validation');
      expect(typed.message).toContain('username');
    });
    it('a body that is not JSON is 415', async () => {
      expectRestError(await restClient(server).post('/session', 'username=a', { contentType: 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    });
    it('a body over the limit is 413', async () => {
      expectRestError(await restClient(server).post('/session', { username: 'a', password: 'x'.repeat(5000) }), 413, 'too_large');
    });
    it('nesting deeper than the limit is 400', async () => {
      expect((await restClient(server).post('/session', `${'['.repeat(200)}${']'.repeat(200)}`)).status).toBe(400);
    });
    it('an unknown path is 404 not_found', async () => {
      expectRestError(await restClient(server).get('/no-such-thing'), 404, 'not_found');
    });
    it('a path segment longer than any id is a REST 404', async () => {
      expectRestError(await restClient(server, server.auth.admin).get(`/orgs/${'x'.repeat(400)}`), 404, 'not_found');
    });
    it('TAXII keeps its own error bodies', async () => {
      const answer = await restClient(server).call('GET', '/../../taxii2/');
      expect(answer.status).toBe(401);
      expect(answer.body.error_code).toBe('unauthenticated');
    });
  });
}

describe('REST sessions on SQLite', () => sessionSuite(openSqliteForTest));
describeIfPostgres('REST sessions on PostgreSQL', await postgresProblem(), () => sessionSuite(openPostgresForTest));

describe('REST session cookie behind HTTPS', () => {
  it('is marked Secure when ENTENTE_PUBLIC_URL is https', async () => {
    const server = await startTestServer(openSqliteForTest, { publicUrl: 'https://entente.example.org' });
    try {
      const answer = await restClient(server).post('/session', { username: 'reader', password: PASSWORD });
      expect(answer.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200; Secure$/);
    } finally {
      await server.close();
    }
  });
});
