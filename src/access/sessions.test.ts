import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresForTest, openSqliteForTest, postgresProblem, describeIfPostgres, type TestStore } from '../store/test-backends.js';
import { createOrganization } from './organizations.js';
import { createSession, csrfMatches, deleteSession, deleteSessionsOfUser, findSession, purgeExpiredSessions, SESSION_LIFETIME_SECONDS } from './sessions.js';
import { createUser, type User } from './users.js';

const T0 = 1_800_000_000_000_000;
const SECOND = 1_000_000;

function sessionStoreSuite(open: () => Promise<TestStore>): void {
  let testStore: TestStore;
  let user: User;
  beforeAll(async () => {
    testStore = await open();
    await testStore.opened.store.migrate();
    const org = await createOrganization(testStore.opened.db, { name: 'Agency A' });
    user = await createUser(testStore.opened.db, { orgId: org.id, username: 'alice', role: 'contributor', password: 'correct horse battery staple' });
  });
  afterAll(async () => testStore.dispose());
  const db = () => testStore.opened.db;

  it('opens with its secret only, as the user, with the CSRF token it was created with', async () => {
    const created = await createSession(db(), user.id, '127.0.0.1', T0);
    const found = await findSession(db(), created.secret, T0 + SECOND);
    expect(found?.principal).toEqual({ userId: user.id, username: 'alice', orgId: user.orgId, role: 'contributor', scope: 'read-write', representsPartner: false, via: 'session' });
    expect(found?.csrfToken).toBe(created.csrfToken);
    expect(await findSession(db(), `${created.secret.slice(0, -1)}${created.secret.endsWith('A') ? 'B' : 'A'}`, T0)).toBeUndefined();
    expect(await findSession(db(), 'short', T0)).toBeUndefined();
    expect(await findSession(db(), `${created.secret}' or 1=1 --`, T0)).toBeUndefined();
  });

  it('checks the CSRF token exactly', async () => {
    const created = await createSession(db(), user.id, null, T0);
    const found = await findSession(db(), created.secret, T0);
    if (found === undefined) throw new Error('session not found');
    expect(csrfMatches(found, created.csrfToken)).toBe(true);
    expect(csrfMatches(found, created.csrfToken.slice(1))).toBe(false);
    expect(csrfMatches(found, undefined)).toBe(false);
    expect(csrfMatches(found, '')).toBe(false);
  });

  it('expires after twelve hours and is purged', async () => {
    const created = await createSession(db(), user.id, null, T0);
    const end = T0 + SESSION_LIFETIME_SECONDS * SECOND;
    expect(await findSession(db(), created.secret, end - 1)).toBeDefined();
    expect(await findSession(db(), created.secret, end)).toBeUndefined();
    expect(await purgeExpiredSessions(db(), end)).toBeGreaterThanOrEqual(1);
    expect(await findSession(db(), created.secret, T0)).toBeUndefined();
  });

  it('records last use at most once a minute', async () => {
    const created = await createSession(db(), user.id, null, T0);
    const lastSeen = async () =>
      Number(
        (await db().withTables<{ sessions: { id: string; last_seen_at: number } }>().selectFrom('sessions').select('last_seen_at').where('id', '=', (await findSession(db(), created.secret, T0))?.id ?? '').executeTakeFirst())?.last_seen_at,
      );
    await findSession(db(), created.secret, T0 + 30 * SECOND);
    expect(await lastSeen()).toBe(T0);
    await findSession(db(), created.secret, T0 + 61 * SECOND);
    expect(await lastSeen()).toBe(T0 + 61 * SECOND);
  });

  it('ends with sign-out, with signing the user out everywhere, and when the user is disabled', async () => {
    const one = await createSession(db(), user.id, null, T0);
    const found = await findSession(db(), one.secret, T0);
    await deleteSession(db(), found?.id ?? '');
    expect(await findSession(db(), one.secret, T0)).toBeUndefined();
    const two = await createSession(db(), user.id, null, T0);
    const three = await createSession(db(), user.id, null, T0);
    expect(await deleteSessionsOfUser(db(), user.id)).toBeGreaterThanOrEqual(2);
    expect(await findSession(db(), two.secret, T0)).toBeUndefined();
    expect(await findSession(db(), three.secret, T0)).toBeUndefined();
    const four = await createSession(db(), user.id, null, T0);
    await db().updateTable('users').set({ disabled: 1 }).where('id', '=', user.id).execute();
    expect(await findSession(db(), four.secret, T0)).toBeUndefined();
    await db().updateTable('users').set({ disabled: 0 }).where('id', '=', user.id).execute();
  });
}

describe('sessions on SQLite', () => sessionStoreSuite(openSqliteForTest));
describeIfPostgres('sessions on PostgreSQL', await postgresProblem(), () => sessionStoreSuite(openPostgresForTest));
