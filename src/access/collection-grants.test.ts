import { describe, expect, it } from 'vitest';
import type { TestStore } from '../store/test-backends.js';
import { describeOnBothBackends, freshDatabasePerTest } from './test-database.js';
import { getCollectionGrant, grantCollection, listCollectionGrants, revokeCollectionGrant } from './collection-grants.js';
import { createOrganization } from './organizations.js';
import { collectionPermissions } from './permissions.js';
import type { Principal } from './principal.js';

/** The same cases on SQLite and on PostgreSQL. */
function suite(open: () => Promise<TestStore>): void {
  const opened = freshDatabasePerTest(open);

  describe('collection grants', () => {
    it('grant, replace and revoke an organisation’s rights, and drive permissions', async () => {
      const org = await createOrganization(opened().db, { name: 'Agency A' });
      const collection = await opened().store.createCollection({ title: 'shared' });
      const ana: Principal = { userId: 'u', username: 'ana', orgId: org.id, role: 'contributor', scope: 'read-write', representsPartner: false, via: 'basic' };
      expect(await collectionPermissions(opened().db, ana, collection.id)).toEqual({ canRead: false, canWrite: false });

      await grantCollection(opened().db, { collectionId: collection.id, orgId: org.id, canRead: true, canWrite: false });
      expect(await collectionPermissions(opened().db, ana, collection.id)).toEqual({ canRead: true, canWrite: false });

      await grantCollection(opened().db, { collectionId: collection.id, orgId: org.id, canRead: true, canWrite: true });
      expect(await getCollectionGrant(opened().db, collection.id, org.id)).toMatchObject({ canRead: true, canWrite: true });
      expect(await listCollectionGrants(opened().db, collection.id)).toHaveLength(1);
      expect(await collectionPermissions(opened().db, ana, collection.id)).toEqual({ canRead: true, canWrite: true });

      await revokeCollectionGrant(opened().db, collection.id, org.id);
      expect(await collectionPermissions(opened().db, ana, collection.id)).toEqual({ canRead: false, canWrite: false });
    });

    it('refuse unknown collections and organisations', async () => {
      const org = await createOrganization(opened().db, { name: 'Agency A' });
      const collection = await opened().store.createCollection({ title: 'shared' });
      await expect(grantCollection(opened().db, { collectionId: 'nope', orgId: org.id, canRead: true, canWrite: false })).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(
        grantCollection(opened().db, { collectionId: collection.id, orgId: 'nope', canRead: true, canWrite: false }),
      ).rejects.toMatchObject({ code: 'not_found' });
    });
  });
}

await describeOnBothBackends(suite);
