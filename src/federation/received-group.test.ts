import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createOrganization } from '../access/organizations.js';
import { readScopeOf } from '../access/read-scope.js';
import { getSharingGroup, membersVisibleTo } from '../access/sharing-groups.js';
import { withSharing } from '../access/sharing-schema.js';
import { startTestServer, type TaxiiTestServer } from '../http/test-server.js';
import { suiteContext } from '../http/taxii-test-client.js';
import { TLP2_MARKING_IDS, type TlpLevel } from '../stix/tlp.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../store/test-backends.js';
import { newLeaseOwner } from './lease.js';
import { addPartner, requirePartner } from './partners.js';
import { syncPartner, type SyncDeps } from './sync.js';
import { openFederationTestDb, TEST_SECRET_KEY, type FederationTestDb } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function note(level: TlpLevel) {
  return {
    type: 'note',
    spec_version: '2.1',
    id: `note--${randomUUID()}`,
    created: '2025-01-01T00:00:00.000Z',
    modified: '2025-01-01T00:00:00.000Z',
    content: `a note marked ${level}`,
    object_refs: ['identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'],
    object_marking_refs: [TLP2_MARKING_IDS[level]],
  };
}

/**
 * Issue 5: "a partner's AMBER object is visible to the organisations the
 * partner shared it with, not to the whole local instance". Paris (a real
 * server) shares AMBER and GREEN with the account london pulls with; london
 * receives paris as its organisation "London desk" and pushes to moscow.
 */
function receivedGroupSuite(open: () => Promise<TestStore>): void {
  async function world() {
    const paris: TaxiiTestServer = await startTestServer(openSqliteForTest);
    cleanups.push(() => paris.close());
    const moscow: TaxiiTestServer = await startTestServer(openSqliteForTest);
    cleanups.push(() => moscow.close());
    const london: FederationTestDb = await openFederationTestDb(open);
    cleanups.push(london.dispose);
    const desk = await createOrganization(london.db, { name: 'London desk' });
    const other = await createOrganization(london.db, { name: 'London other' });
    const moscowOrg = await createOrganization(london.db, { name: 'Moscow agency' });
    const deps: SyncDeps = { db: london.db, store: london.store, secretKey: TEST_SECRET_KEY, leaseOwner: newLeaseOwner(), transport: { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 } } };
    return { paris, moscow, london, desk, other, moscowOrg, deps };
  }

  it('stores a pulled AMBER object for the receiving organisations only, and never pushes it on to a third instance', async () => {
    const { paris, moscow, london, desk, other, moscowOrg, deps } = await world();
    const t = suiteContext(() => paris);
    const [amber, green] = [note('amber'), note('green')];
    expect((await t.add(paris.sharedId, [amber, green])).body).toMatchObject({ success_count: 2 });

    const fromParis = await addPartner(london.db, TEST_SECRET_KEY, {
      name: 'paris',
      discoveryUrl: `${paris.url}/taxii2/`,
      credentials: { kind: 'token', token: paris.auth.writer.slice('Bearer '.length) },
      orgIds: [london.orgId],
      receiverOrgIds: [desk.id],
      pull: [{ remoteCollection: paris.sharedId, localCollection: london.collectionId }],
    });
    expect(fromParis.receiverOrgIds).toEqual([desk.id]);
    expect((await syncPartner(deps, fromParis)).outcome).toBe('ok');

    const viewer = (orgId: string) => readScopeOf({ userId: `user-${orgId}`, username: 'u', orgId, role: 'reader', scope: 'read', representsPartner: false, via: 'system' });
    const seenBy = async (orgId: string) => new Set((await london.store.queryObjects(london.collectionId, { limit: 100 }, viewer(orgId))).items.map((o) => o.id));
    expect(await seenBy(desk.id)).toEqual(new Set([amber.id, green.id]));
    expect(await seenBy(other.id)).toEqual(new Set([green.id]));

    const groupId = (await london.db.selectFrom('objects').select('sharing_group').where('id', '=', amber.id).executeTakeFirstOrThrow()).sharing_group;
    expect((await getSharingGroup(london.db, groupId ?? ''))?.name).toBe('received from paris');
    const members = await membersVisibleTo(london.db, groupId ?? '', { userId: null, orgId: desk.id, role: 'reader' });
    expect(members.map((m) => m.orgId).sort()).toEqual([london.orgId, desk.id].sort());

    const toMoscow = await addPartner(london.db, TEST_SECRET_KEY, {
      name: 'moscow',
      discoveryUrl: `${moscow.url}/taxii2/`,
      credentials: { kind: 'token', token: moscow.auth.writer.slice('Bearer '.length) },
      orgIds: [moscowOrg.id],
      push: [{ remoteCollection: moscow.sharedId, localCollection: london.collectionId }],
    });
    expect((await syncPartner(deps, await requirePartner(london.db, toMoscow.id))).outcome).toBe('ok');
    const atMoscow = (await moscow.db.selectFrom('objects').select('id').where('collection_id', '=', moscow.sharedId).execute()).map((r) => r.id);
    expect(atMoscow).toContain(green.id);
    expect(atMoscow).not.toContain(amber.id);

    // A second pull keeps the one group, with the same members.
    expect((await syncPartner(deps, fromParis)).outcome).toBe('ok');
    expect((await withSharing(london.db).selectFrom('sharing_groups').select('id').where('name', 'like', 'received from%').execute()).map((g) => g.id)).toEqual([groupId]);
  });
}

describe('received-from groups on SQLite', () => receivedGroupSuite(openSqliteForTest));
describeIfPostgres('received-from groups on PostgreSQL', await postgresProblem(), () => receivedGroupSuite(openPostgresForTest));
