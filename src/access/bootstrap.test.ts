import { describe, expect, it } from 'vitest';
import type { TestStore } from '../store/test-backends.js';
import { describeOnBothBackends, freshDatabasePerTest } from './test-database.js';
import { DatabaseAuthenticator } from './authenticator.js';
import { bootstrap } from './bootstrap.js';
import { listCollectionGrants } from './collection-grants.js';
import { collectionPermissions } from './permissions.js';

/** The same cases on SQLite and on PostgreSQL. */
function suite(open: () => Promise<TestStore>): void {
  const opened = freshDatabasePerTest(open);

  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  describe('bootstrap', () => {
    it('prepares a fresh instance with a generated admin password and a default collection', async () => {
      const result = await bootstrap({ db: opened().db, store: opened().store });
      expect(result.adminCreated).toBe(true);
      expect(result.organization.name).toBe('local');
      expect(result.organization.identityId).toMatch(/^identity--[0-9a-f-]{36}$/);
      expect(result.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
      const admin = await new DatabaseAuthenticator(opened().db).authenticate(basic('admin', result.generatedPassword ?? ''));
      expect(admin).toMatchObject({ role: 'admin', orgId: result.organization.id });

      const collections = await opened().store.listCollections();
      expect(collections.map((c) => c.title)).toEqual(['default']);
      expect(result.defaultCollection?.id).toBe(collections[0]?.id);
      expect(await listCollectionGrants(opened().db, collections[0]?.id ?? '')).toEqual([
        { collectionId: collections[0]?.id, orgId: result.organization.id, canRead: true, canWrite: true },
      ]);
      const contributor = { ...admin, userId: 'x', role: 'contributor' as const };
      expect(await collectionPermissions(opened().db, contributor, collections[0]?.id ?? '')).toEqual({ canRead: true, canWrite: true });
    });

    it('is idempotent: a second start creates nothing and prints no password', async () => {
      const first = await bootstrap({ db: opened().db, store: opened().store });
      const second = await bootstrap({ db: opened().db, store: opened().store, adminPassword: 'a different password' });
      expect(second.adminCreated).toBe(false);
      expect(second.generatedPassword).toBeUndefined();
      expect(second.defaultCollection).toBeUndefined();
      expect(second.organization.id).toBe(first.organization.id);
      expect(await opened().store.listCollections()).toHaveLength(1);
      const auth = new DatabaseAuthenticator(opened().db);
      await expect(auth.authenticate(basic('admin', first.generatedPassword ?? ''))).resolves.toMatchObject({ username: 'admin' });
      await expect(auth.authenticate(basic('admin', 'a different password'))).rejects.toMatchObject({ code: 'unauthenticated' });
    });

    it('uses ENTENTE_ADMIN_PASSWORD and registers ENTENTE_ADMIN_TOKEN once', async () => {
      const adminToken = 'operator-chosen-token-0123456789abcdef';
      const input = { db: opened().db, store: opened().store, adminPassword: 'operator password', adminToken };
      const result = await bootstrap(input);
      expect(result.generatedPassword).toBeUndefined();
      await bootstrap(input);
      const auth = new DatabaseAuthenticator(opened().db);
      await expect(auth.authenticate(basic('admin', 'operator password'))).resolves.toMatchObject({ role: 'admin' });
      await expect(auth.authenticate(`Bearer ${adminToken}`)).resolves.toMatchObject({ role: 'admin', scope: 'read-write', via: 'token' });
      expect(await opened().db.selectFrom('api_tokens').selectAll().execute()).toHaveLength(1);
    });

    it('survives several processes starting at once on one database', async () => {
      const results = await Promise.all([1, 2, 3].map(() => bootstrap({ db: opened().db, store: opened().store })));
      expect(results.filter((r) => r.adminCreated)).toHaveLength(1);
      expect(results.filter((r) => r.generatedPassword !== undefined)).toHaveLength(1);
      expect(new Set(results.map((r) => r.organization.id)).size).toBe(1);
      expect(await opened().store.listCollections()).toHaveLength(1);
      expect(await opened().db.selectFrom('users').selectAll().execute()).toHaveLength(1);
    });

    it('gives the default collection the alias "default"', async () => {
      await bootstrap({ db: opened().db, store: opened().store });
      expect((await opened().store.listCollections())[0]?.alias).toBe('default');
    });

    it('adds no default collection to an instance that already has collections', async () => {
      await opened().store.createCollection({ title: 'existing' });
      const result = await bootstrap({ db: opened().db, store: opened().store });
      expect(result.defaultCollection).toBeUndefined();
      expect((await opened().store.listCollections()).map((c) => c.title)).toEqual(['existing']);
    });
  });
}

await describeOnBothBackends(suite);
