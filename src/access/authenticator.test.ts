import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EntenteError } from '../errors.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../store/test-backends.js';
import { DatabaseAuthenticator } from './authenticator.js';
import { createOrganization } from './organizations.js';
import { createToken, revokeToken } from './tokens.js';
import { createUser, setPassword } from './users.js';

const postgres = await postgresProblem();

/** The same cases on SQLite and on PostgreSQL. */
function suite(open: () => Promise<TestStore>): void {
  type Opened = TestStore['opened'];
  let testStore: TestStore;
  let opened: Opened;
  let orgId: string;
  let userId: string;

  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  beforeEach(async () => {
    testStore = await open();
    opened = testStore.opened;
    await opened.store.migrate();
    orgId = (await createOrganization(opened.db, { name: 'Agency A' })).id;
    userId = (await createUser(opened.db, { orgId, username: 'ana', role: 'contributor', password: 'a long password' })).id;
  });

  afterEach(async () => {
    await testStore.dispose();
  });

  async function failureOf(promise: Promise<unknown>): Promise<EntenteError> {
    const caught = await promise.then(
      () => undefined,
      (error: unknown) => error,
    );
    if (!(caught instanceof EntenteError)) throw new Error(`expected an EntenteError, got ${String(caught)}`);
    return caught;
  }

  describe('DatabaseAuthenticator', () => {
    it('accepts HTTP Basic with the right password, with full scope', async () => {
      const auth = new DatabaseAuthenticator(opened.db);
      const principal = await auth.authenticate(basic('ana', 'a long password'));
      expect(principal).toEqual({ userId, username: 'ana', orgId, role: 'contributor', scope: 'read-write', representsPartner: false, via: 'basic' });
      expect(await auth.authenticate(basic('ana', 'a long password'))).toEqual(principal);
    });

    it('accepts a password containing a colon', async () => {
      await createUser(opened.db, { orgId, username: 'bo', role: 'reader', password: 'pass:word:with:colons' });
      const principal = await new DatabaseAuthenticator(opened.db).authenticate(basic('bo', 'pass:word:with:colons'));
      expect(principal.username).toBe('bo');
    });

    it('accepts a Bearer token with the token’s scope and records its use', async () => {
      const { token, record } = await createToken(opened.db, { userId, scope: 'read' });
      const principal = await new DatabaseAuthenticator(opened.db).authenticate(`Bearer ${token}`);
      expect(principal).toEqual({ userId, username: 'ana', orgId, role: 'contributor', scope: 'read', representsPartner: false, via: 'token' });
      const row = await opened.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', record.id).executeTakeFirst();
      expect(row?.last_used_at).not.toBeNull();
    });

    it('accepts the same token under the scheme Token, as the OASIS taxii2-client sends it', async () => {
      const { token } = await createToken(opened.db, { userId, scope: 'read' });
      const principal = await new DatabaseAuthenticator(opened.db).authenticate(`Token ${token}`);
      expect(principal).toMatchObject({ userId, username: 'ana', scope: 'read', via: 'token' });
      expect((await failureOf(new DatabaseAuthenticator(opened.db).authenticate('Token ent_unknown_token_value_that_is_long_enough'))).code)
        .toBe('unauthenticated');
    });

    it('answers every failure with one identical error', async () => {
      const { token, record } = await createToken(opened.db, { userId, scope: 'read' });
      await revokeToken(opened.db, record.id);
      const auth = new DatabaseAuthenticator(opened.db);
      const attempts = [
        undefined,
        '',
        'Basic',
        'Basic !!!notbase64',
        basic('ana', 'wrong password'),
        basic('nobody', 'a long password'),
        basic('', 'a long password'),
        `Basic ${Buffer.from('no-colon').toString('base64')}`,
        'Bearer ',
        'Bearer ent_unknown_token_value_that_is_long_enough',
        `Bearer ${token}`,
        `Digest username="ana"`,
      ];
      const messages = new Set<string>();
      for (const header of attempts) {
        const error = await failureOf(auth.authenticate(header));
        expect(error.code, String(header)).toBe('unauthenticated');
        messages.add(error.message);
      }
      expect(messages.size).toBe(1);
    });

    it('refuses disabled users, by password and by token', async () => {
      const { token } = await createToken(opened.db, { userId, scope: 'read-write' });
      const auth = new DatabaseAuthenticator(opened.db);
      await auth.authenticate(basic('ana', 'a long password'));
      await opened.db.updateTable('users').set({ disabled: 1 }).where('id', '=', userId).execute();
      expect((await failureOf(auth.authenticate(basic('ana', 'a long password')))).code).toBe('unauthenticated');
      expect((await failureOf(auth.authenticate(`Bearer ${token}`))).code).toBe('unauthenticated');
    });

    it('stops accepting an old password at once after a change, despite the cache', async () => {
      const auth = new DatabaseAuthenticator(opened.db);
      await auth.authenticate(basic('ana', 'a long password'));
      await setPassword(opened.db, userId, 'a new long password');
      expect((await failureOf(auth.authenticate(basic('ana', 'a long password')))).code).toBe('unauthenticated');
      expect((await auth.authenticate(basic('ana', 'a new long password'))).userId).toBe(userId);
    });
  });
}

describe('on SQLite', () => suite(openSqliteForTest));
describeIfPostgres('on PostgreSQL', postgres, () => suite(openPostgresForTest));
