import { afterEach, describe, expect, it } from 'vitest';
import type { LeaseTables } from '../store/lease.js';
import { withFederation } from './federation-schema.js';
import { acquireLease, leaseHolder, newLeaseOwner, partnerLeaseName } from './lease.js';
import { addPartner, findPartner, listPartners, partnerCredentials, removePartner, requirePartner, watermarkKey } from './partners.js';
import { openFederationTestDb, TEST_SECRET_KEY, type FederationTestDb } from './test-support.js';

let current: FederationTestDb | undefined;
afterEach(async () => {
  await current?.dispose();
  current = undefined;
});

async function fresh(): Promise<FederationTestDb> {
  current = await openFederationTestDb();
  return current;
}

describe('partners', () => {
  it('are stored with rules, organisations and sealed credentials', async () => {
    const { db, collectionId, orgId } = await fresh();
    const added = await addPartner(db, TEST_SECRET_KEY, {
      name: 'moscow',
      discoveryUrl: 'http://127.0.0.1:9999/taxii2/',
      credentials: { kind: 'basic', username: 'sync', password: 'hunter2-hunter2' },
      orgIds: [orgId],
      pull: [{ remoteCollection: 'shared', localCollection: collectionId, filters: { types: ['indicator', ' ', 'indicator'], markings: ['GREEN'] } }],
      push: [{ remoteCollection: 'inbox', localCollection: collectionId }],
      intervalSeconds: 60,
    });
    expect(added).toMatchObject({
      name: 'moscow',
      authKind: 'basic',
      orgIds: [orgId],
      intervalSeconds: 60,
      health: { lastRunAt: null, consecutiveFailures: 0, unhealthyUntil: null },
    });
    expect(added.rules.map((r) => [r.direction, r.remoteCollection, r.localCollection])).toEqual([
      ['pull', 'shared', collectionId],
      ['push', 'inbox', collectionId],
    ]);
    expect(added.rules[0]?.filters).toEqual({ types: ['indicator'], markings: ['green'], labels: [] });

    const row = await withFederation(db).selectFrom('partners').select('credentials').executeTakeFirstOrThrow();
    expect(row.credentials).not.toContain('hunter2');
    expect(await partnerCredentials(db, TEST_SECRET_KEY, added)).toEqual({ kind: 'basic', username: 'sync', password: 'hunter2-hunter2' });
    await expect(partnerCredentials(db, 'some other key of length', added)).rejects.toThrow(/ENTENTE_SECRET_KEY/);

    expect((await findPartner(db, added.id))?.name).toBe('moscow');
    expect((await listPartners(db)).map((p) => p.name)).toEqual(['moscow']);
  });

  it('refuses credentials without a key, a duplicate name, a bad URL and unknown references', async () => {
    const { db } = await fresh();
    const base = { name: 'london', discoveryUrl: 'https://london.example/taxii2/', credentials: { kind: 'token', token: 't0k' } } as const;
    await expect(addPartner(db, undefined, base)).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringContaining('ENTENTE_SECRET_KEY') });
    expect(await listPartners(db)).toEqual([]);
    await addPartner(db, TEST_SECRET_KEY, base);
    await expect(addPartner(db, TEST_SECRET_KEY, base)).rejects.toMatchObject({ code: 'conflict' });
    await expect(addPartner(db, TEST_SECRET_KEY, { ...base, name: 'x', discoveryUrl: 'ftp://x/' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(addPartner(db, TEST_SECRET_KEY, { ...base, name: 'y', discoveryUrl: 'http://u:p@x/' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(addPartner(db, TEST_SECRET_KEY, { ...base, name: 'bad name' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(addPartner(db, TEST_SECRET_KEY, { ...base, name: 'z', orgIds: ['nope'] })).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      addPartner(db, TEST_SECRET_KEY, { ...base, name: 'w', pull: [{ remoteCollection: 'a', localCollection: 'missing' }] }),
    ).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('missing') });
    await expect(addPartner(db, TEST_SECRET_KEY, { ...base, name: 'v', intervalSeconds: 0 })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('are removed with their rules, watermarks and lease', async () => {
    const { db, store, collectionId } = await fresh();
    const partner = await addPartner(db, TEST_SECRET_KEY, {
      name: 'paris',
      discoveryUrl: 'http://127.0.0.1:1/taxii2/',
      credentials: { kind: 'token', token: 't' },
      pull: [{ remoteCollection: 'a', localCollection: collectionId }],
    });
    const rule = partner.rules[0];
    if (rule === undefined) throw new Error('rule expected');
    await store.addObjects(collectionId, [], { authorOrg: null, authorUser: null }, { watermark: { key: watermarkKey(rule.id), value: 'w' } });
    expect(await acquireLease(db, partner.id, newLeaseOwner(), 60_000_000, Date.now() * 1000)).toBe(true);
    await removePartner(db, 'paris');
    expect(await leaseHolder(db, partner.id)).toBeUndefined();
    expect(await db.withTables<LeaseTables>().selectFrom('leases').select('name').where('name', '=', partnerLeaseName(partner.id)).execute()).toEqual([]);
    expect(await findPartner(db, 'paris')).toBeUndefined();
    expect(await store.getWatermark(watermarkKey(rule.id))).toBeUndefined();
    expect(await withFederation(db).selectFrom('partner_rules').selectAll().execute()).toEqual([]);
    await expect(requirePartner(db, 'paris')).rejects.toMatchObject({ code: 'not_found' });
  });
});
