import { beforeEach, describe, expect, it } from 'vitest';
import type { TestStore } from '../store/test-backends.js';
import { describeOnBothBackends, freshDatabasePerTest } from './test-database.js';
import { createOrganization } from './organizations.js';
import { createToken, findLiveToken, hashToken, listTokens, recordTokenUse, revokeToken } from './tokens.js';
import { createUser } from './users.js';

/** The same cases on SQLite and on PostgreSQL. */
function suite(open: () => Promise<TestStore>): void {
  const opened = freshDatabasePerTest(open);
  let userId: string;

  beforeEach(async () => {
    const org = await createOrganization(opened().db, { name: 'Agency A' });
    userId = (await createUser(opened().db, { orgId: org.id, username: 'ana', role: 'contributor', password: 'a long password' })).id;
  });

  describe('API tokens', () => {
    it('returns the secret once and stores only its SHA-256', async () => {
      const { token, record } = await createToken(opened().db, { userId, scope: 'read' });
      expect(token).toMatch(/^ent_[A-Za-z0-9_-]{43}$/);
      expect(record.prefix).toBe(token.slice(0, 12));
      const rows = await opened().db.selectFrom('api_tokens').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.token_hash).toBe(hashToken(token));
      expect(JSON.stringify(rows)).not.toContain(token);
    });

    it('finds a live token by its secret, with its scope', async () => {
      const { token } = await createToken(opened().db, { userId, scope: 'read' });
      expect(await findLiveToken(opened().db, token)).toMatchObject({ userId, scope: 'read' });
      expect(await findLiveToken(opened().db, `${token}x`)).toBeUndefined();
    });

    it('stops accepting a revoked token', async () => {
      const { token, record } = await createToken(opened().db, { userId, scope: 'read-write' });
      await revokeToken(opened().db, record.id);
      expect(await findLiveToken(opened().db, token)).toBeUndefined();
      await expect(revokeToken(opened().db, 'no-such-token')).rejects.toMatchObject({ code: 'not_found' });
    });

    it('stops accepting an expired token', async () => {
      const now = 1_000_000_000_000_000;
      const { token } = await createToken(opened().db, { userId, scope: 'read', expiresAt: now + 10 }, now);
      expect(await findLiveToken(opened().db, token, now + 9)).toBeDefined();
      expect(await findLiveToken(opened().db, token, now + 10)).toBeUndefined();
    });

    it('refuses an expiry in the past, a short secret and a secret already registered', async () => {
      await expect(createToken(opened().db, { userId, scope: 'read', expiresAt: 1 })).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(createToken(opened().db, { userId, scope: 'read', secret: 'too-short' })).rejects.toMatchObject({
        code: 'invalid_input',
      });
      const secret = 'x'.repeat(40);
      await createToken(opened().db, { userId, scope: 'read', secret });
      await expect(createToken(opened().db, { userId, scope: 'read', secret })).rejects.toMatchObject({ code: 'conflict' });
    });

    it('refuses a token for an unknown user', async () => {
      await expect(createToken(opened().db, { userId: 'nobody', scope: 'read' })).rejects.toMatchObject({ code: 'not_found' });
    });

    it('records the last use at most once a minute', async () => {
      const { record } = await createToken(opened().db, { userId, scope: 'read' });
      await recordTokenUse(opened().db, record, 100_000_000);
      const used = (await listTokens(opened().db, userId))[0];
      expect(used?.lastUsedAt).toBe(100_000_000);
      if (used === undefined) throw new Error('token missing');
      await recordTokenUse(opened().db, used, 130_000_000);
      expect((await listTokens(opened().db, userId))[0]?.lastUsedAt).toBe(100_000_000);
      await recordTokenUse(opened().db, used, 161_000_000);
      expect((await listTokens(opened().db, userId))[0]?.lastUsedAt).toBe(161_000_000);
    });
  });
}

await describeOnBothBackends(suite);
