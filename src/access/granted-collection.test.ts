import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../store/test-backends.js';
import { queryAudit } from './audit-log.js';
import { listCollectionGrants } from './collection-grants.js';
import { createGrantedCollection } from './granted-collection.js';
import { createOrganization } from './organizations.js';
import { withOwnership } from './ownership-schema.js';

const creator = { actorUser: null, actorOrg: null, address: null, path: 'cli collection add' };

function grantedCollectionSuite(open: () => Promise<TestStore>): void {
  let test: TestStore;
  beforeEach(async () => {
    test = await open();
    await test.opened.store.migrate();
  });
  afterEach(async () => test.dispose());

  it('creates the collection with its grant and its audit entry', async () => {
    const { db, store } = test.opened;
    const org = await createOrganization(db, { name: 'Agency A' });
    const created = await createGrantedCollection(db, { title: 'Reports', alias: 'reports' }, org.id, creator);
    expect((await store.listCollections()).map((c) => c.alias)).toEqual(['reports']);
    expect(await listCollectionGrants(db, created.id)).toEqual([{ collectionId: created.id, orgId: org.id, canRead: true, canWrite: true }]);
    expect((await queryAudit(db, {})).map((e) => [e.action, e.target, e.path])).toEqual([['collection.add', created.id, 'cli collection add']]);
    await expect(createGrantedCollection(db, { title: 'Again', alias: 'reports' }, org.id, creator)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('leaves neither a collection nor a grant when a later step fails', async () => {
    const { db, store } = test.opened;
    const org = await createOrganization(db, { name: 'Agency A' });
    // The grant's organisation does not exist: the collection inserted before it is rolled back.
    await expect(createGrantedCollection(db, { title: 'Orphan' }, 'no-such-org', creator)).rejects.toThrow();
    // The audit entry cannot be appended: the collection and its grant are rolled back.
    await withOwnership(db).deleteFrom('audit_append_lock').execute();
    await expect(createGrantedCollection(db, { title: 'Unaudited' }, org.id, creator)).rejects.toThrow(/append lock/);
    expect(await store.listCollections()).toEqual([]);
    expect(await db.selectFrom('collection_grants').selectAll().execute()).toEqual([]);
  });
}

describe('a collection created with its grant, on SQLite', () => grantedCollectionSuite(openSqliteForTest));

const problem = await postgresProblem();
describeIfPostgres('a collection created with its grant, on PostgreSQL', problem, () => grantedCollectionSuite(openPostgresForTest));
