import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { queryAudit } from '../access/audit-log.js';
import { createOrganization, type Organization } from '../access/organizations.js';
import { publishObjects, type Publisher } from '../access/publication.js';
import { SHARING_EXTENSION_ID } from '../access/sharing-extension.js';
import { addGroupMember, createSharingGroup, removeGroupMember } from '../access/sharing-groups.js';
import { describeOnBothBackends } from '../access/test-database.js';
import { startTestServer, type TaxiiTestServer } from '../http/test-server.js';
import { TLP2_MARKING_IDS, type TlpLevel } from '../stix/tlp.js';
import type { IncomingObject } from '../store/object-store.js';
import { openSqliteForTest, type TestStore } from '../store/test-backends.js';
import { TaxiiClient } from '../taxii/client/index.js';
import { newLeaseOwner } from './lease.js';
import { addPartner, pushAudienceKey, pushWatermarkKey, type Partner } from './partners.js';
import { pushRule } from './push.js';
import { syncPartner, type SyncDeps } from './sync.js';
import { openFederationTestDb, TEST_SECRET_KEY, type FederationTestDb } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ORIGIN = { address: '127.0.0.1', path: 'test' };

interface World {
  /** Instance A: pushes. */
  readonly a: FederationTestDb;
  /** Instance B: the partner, a real TAXII server in this process. */
  readonly b: TaxiiTestServer;
  /** The local organisation of A that represents B. */
  readonly london: Organization;
  readonly paris: Publisher;
}

async function world(open: () => Promise<TestStore> = openSqliteForTest): Promise<World> {
  const a = await openFederationTestDb(open);
  cleanups.push(a.dispose);
  const b = await startTestServer(openSqliteForTest);
  cleanups.push(() => b.close());
  const london = await createOrganization(a.db, { name: 'London agency' });
  return { a, b, london, paris: { orgId: a.orgId, userId: null } };
}

function note(level: TlpLevel | null, extra: Record<string, unknown> = {}, modified = '2025-01-01T00:00:00.000Z', id = `note--${randomUUID()}`) {
  const object = {
    type: 'note',
    spec_version: '2.1',
    id,
    created: '2025-01-01T00:00:00.000Z',
    modified,
    content: `a note marked ${level ?? 'nothing'}`,
    object_refs: ['identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'],
    ...(level === null ? {} : { object_marking_refs: [TLP2_MARKING_IDS[level]] }),
    ...extra,
  };
  return { object, json: JSON.stringify(object) };
}

function sharing(payload: Record<string, unknown>): Record<string, unknown> {
  return { extensions: { [SHARING_EXTENSION_ID]: { extension_type: 'property-extension', ...payload } } };
}

async function publish(w: World, publisher: Publisher, objects: IncomingObject[]): Promise<string[]> {
  const outcome = await publishObjects(w.a.db, w.a.store, w.a.collectionId, publisher, objects, ORIGIN);
  expect(outcome.failures).toEqual([]);
  return objects.map((o) => o.object.id);
}

async function partnerB(w: World, remoteCollection = 'shared', filters: { types?: string[]; markings?: string[] } = {}): Promise<Partner> {
  return await addPartner(w.a.db, TEST_SECRET_KEY, {
    name: `london-${randomUUID().slice(0, 8)}`,
    discoveryUrl: `${w.b.url}/taxii2/`,
    credentials: { kind: 'token', token: w.b.auth.writer.slice('Bearer '.length) },
    orgIds: [w.london.id],
    push: [{ localCollection: w.a.collectionId, remoteCollection, filters }],
  });
}

function deps(w: World): SyncDeps {
  return {
    db: w.a.db,
    store: w.a.store,
    secretKey: TEST_SECRET_KEY,
    leaseOwner: newLeaseOwner(),
    transport: { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 } },
  };
}

/** Every version B holds in its shared collection, as `id` or `id@modified`. */
async function heldOnB(w: World, withVersion = false): Promise<string[]> {
  const page = await w.b.store.queryObjectTexts(w.b.sharedId, { versions: [{ kind: 'all' }], limit: 10_000 }, { kind: 'all' });
  return page.items
    .map((item) => JSON.parse(item.json) as { id: string; modified: string })
    .map((o) => (withVersion ? `${o.id}@${o.modified}` : o.id))
    .sort();
}

describe('push through sync', () => {
  it('sends CLEAR, GREEN and AMBER shared with the partner, nothing else, once; a new version arrives as a new version', async () => {
    const w = await world();
    const withLondon = await createSharingGroup(w.a.db, { name: 'with-london', ownerOrg: w.a.orgId, members: [{ orgId: w.london.id, canExtend: false }] });
    const parisOnly = await createSharingGroup(w.a.db, { name: 'paris-only', ownerOrg: w.a.orgId });
    const [clear, green, amberShared] = await publish(w, w.paris, [note('clear'), note('green'), note('amber', sharing({ sharing_group_ref: withLondon.id }))]);
    await publish(w, w.paris, [
      note('amber', sharing({ sharing_group_ref: parisOnly.id })),
      note('amber'),
      note('amber+strict'),
      note('red', sharing({ recipient_org_refs: [w.london.identityId] })),
    ]);
    // Received from the partner (its organisation is the author): goes back only as its markings allow.
    const asLondon: Publisher = { orgId: w.london.id, userId: null };
    await publish(w, asLondon, [note('amber+strict'), note('red'), note('amber')]);
    const [londonGreen] = await publish(w, asLondon, [note('green')]);

    const partner = await partnerB(w);
    const first = await syncPartner(deps(w), partner);
    expect(first.outcome).toBe('ok');
    expect(first.rules[0]?.pushed).toMatchObject({ pushed: 4, failed: 0, envelopes: 1 });
    expect(await heldOnB(w)).toEqual([clear, green, amberShared, londonGreen].sort());
    const sent = (await w.b.store.queryObjectTexts(w.b.sharedId, { ids: [amberShared as string], limit: 10 }, { kind: 'all' })).items[0]?.json ?? '';
    expect(sent).not.toContain(SHARING_EXTENSION_ID);
    // The AMBER version that left is in the audit log, like any read of marked intelligence; the GREEN ones are not.
    const pushedMarked = (await queryAudit(w.a.db, {})).filter((e) => e.action === 'federation.push-marked');
    expect(pushedMarked.map((e) => (e.details as { objects: string[] }).objects)).toEqual([[`${amberShared as string}@2025-01-01T00:00:00.000Z amber`]]);

    const second = await syncPartner(deps(w), partner);
    expect(second.rules[0]?.pushed).toMatchObject({ pushed: 0, failed: 0, envelopes: 0 });
    expect(await heldOnB(w)).toHaveLength(4);

    await publish(w, w.paris, [note('green', {}, '2025-06-01T00:00:00.000Z', green)]);
    const third = await syncPartner(deps(w), partner);
    expect(third.rules[0]?.pushed).toMatchObject({ pushed: 1, failed: 0 });
    expect((await heldOnB(w, true)).filter((v) => v.startsWith(`${green as string}@`))).toEqual([
      `${green as string}@2025-01-01T00:00:00.000Z`,
      `${green as string}@2025-06-01T00:00:00.000Z`,
    ]);
  });

  it('sends AMBER behind the watermark once the partner joins its sharing group, and only that', async () => {
    const w = await world();
    const later = await createSharingGroup(w.a.db, { name: 'joined-later', ownerOrg: w.a.orgId });
    const other = await createSharingGroup(w.a.db, { name: 'never-joined', ownerOrg: w.a.orgId });
    const [green] = await publish(w, w.paris, [note('green')]);
    const [amberLater] = await publish(w, w.paris, [note('amber', sharing({ sharing_group_ref: later.id }))]);
    await publish(w, w.paris, [note('amber', sharing({ sharing_group_ref: other.id })), note('amber+strict')]);
    // A later GREEN note moves the watermark past the AMBER ones.
    const [lastGreen] = await publish(w, w.paris, [note('green')]);
    const partner = await partnerB(w);
    const first = await syncPartner(deps(w), partner);
    expect(first.rules[0]?.pushed).toMatchObject({ pushed: 2, backfilled: 0 });
    expect(await heldOnB(w)).toEqual([green, lastGreen].sort());
    expect(JSON.parse((await w.a.store.getWatermark(pushAudienceKey(partner.rules[0]?.id as string))) ?? 'null')).toEqual([]);

    // London joins after the watermark passed the AMBER note: it goes now, though nothing new was published.
    await addGroupMember(w.a.db, later.id, { orgId: w.london.id, canExtend: false }, w.a.orgId);
    const second = await syncPartner(deps(w), partner);
    expect(second.outcome).toBe('ok');
    expect(second.rules[0]?.pushed).toMatchObject({ pushed: 1, backfilled: 1, failed: 0 });
    expect(await heldOnB(w)).toEqual([green, lastGreen, amberLater].sort());
    const third = await syncPartner(deps(w), partner);
    expect(third.rules[0]?.pushed).toMatchObject({ pushed: 0, backfilled: 0 });

    // Leaving and joining again sends it again; the partner already holds it and keeps one copy.
    await removeGroupMember(w.a.db, later.id, w.london.id, w.a.orgId);
    expect((await syncPartner(deps(w), partner)).rules[0]?.pushed).toMatchObject({ pushed: 0, backfilled: 0 });
    await addGroupMember(w.a.db, later.id, { orgId: w.london.id, canExtend: false }, w.a.orgId);
    const again = await syncPartner(deps(w), partner);
    expect(again.rules[0]?.pushed).toMatchObject({ backfilled: 1, failed: 0 });
    expect(await heldOnB(w, true)).toHaveLength(3);
  });

  it('backfills every group it is in when it has no remembered audience (a rule pushed before audiences were kept)', async () => {
    const w = await world();
    const group = await createSharingGroup(w.a.db, { name: 'with-london', ownerOrg: w.a.orgId, members: [{ orgId: w.london.id, canExtend: false }] });
    const [amber] = await publish(w, w.paris, [note('amber', sharing({ sharing_group_ref: group.id }))]);
    const partner = await partnerB(w);
    const rule = partner.rules[0]?.id as string;
    expect((await syncPartner(deps(w), partner)).rules[0]?.pushed).toMatchObject({ pushed: 1, backfilled: 0 });
    await w.a.db.deleteFrom('watermarks').where('key', '=', pushAudienceKey(rule)).execute();
    expect((await syncPartner(deps(w), partner)).rules[0]?.pushed).toMatchObject({ pushed: 1, backfilled: 1 });
    expect(await heldOnB(w)).toEqual([amber]);
  });

  it('keeps the watermark where it was when the partner refuses the envelope, and says why', async () => {
    const w = await world();
    await publish(w, w.paris, [note('clear')]);
    const partner = await partnerB(w, 'Read only');
    const report = await syncPartner(deps(w), partner);
    expect(report.outcome).toBe('failed');
    expect(report.rules[0]?.error).toMatch(/403|permission|write/i);
    expect(await w.a.store.getWatermark(pushWatermarkKey(partner.rules[0]?.id as string))).toBeUndefined();
  });
});

describe('pushRule', () => {
  it('splits into envelopes bounded by count and bytes, reports what no envelope can hold, and resumes after the last one', async () => {
    const w = await world();
    const small = await publish(w, w.paris, Array.from({ length: 12 }, () => note('clear')));
    const [huge] = await publish(w, w.paris, [note('clear', { content: 'x'.repeat(5_000) })]);
    const opinion = {
      type: 'opinion',
      spec_version: '2.1',
      id: `opinion--${randomUUID()}`,
      created: '2025-01-01T00:00:00.000Z',
      modified: '2025-01-01T00:00:00.000Z',
      opinion: 'agree',
      object_refs: ['identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'],
      object_marking_refs: [TLP2_MARKING_IDS.clear],
    };
    await publish(w, w.paris, [{ object: opinion, json: JSON.stringify(opinion) }]);
    const partner = await partnerB(w, 'shared', { types: ['note'] });
    const rule = partner.rules[0];
    if (rule === undefined) throw new Error('no rule');
    const client = new TaxiiClient({ auth: { kind: 'bearer', token: w.b.auth.writer.slice('Bearer '.length) } });
    cleanups.push(() => client.close());
    const target = { apiRootUrl: w.b.apiRoot, maxContentLength: 2_000, collectionId: w.b.sharedId };
    const counts = await pushRule({ db: w.a.db, store: w.a.store, client, maxObjects: 5 }, partner, rule, target);

    const oneSize = Buffer.byteLength(note('clear').json);
    expect(counts.pushed).toBe(12);
    expect(counts.filtered).toBe(1);
    expect(counts.envelopes).toBeGreaterThanOrEqual(Math.max(3, Math.ceil((12 * oneSize) / 2_000)));
    expect(counts.failures.map((f) => f.id)).toEqual([huge]);
    expect(counts.failures[0]?.message).toMatch(/max_content_length/);
    expect(await heldOnB(w)).toEqual([...small].sort());
    expect(await heldOnB(w)).not.toContain(opinion.id);

    const again = await pushRule({ db: w.a.db, store: w.a.store, client, maxObjects: 5 }, partner, rule, target);
    expect(again).toMatchObject({ envelopes: 0, pushed: 0, failed: 0, filtered: 0 });
  });

  it('reports per object the failures the partner status lists', async () => {
    const w = await world();
    const taken = note('clear');
    // B already holds this id from another of its organisations: only that one publishes versions of it (STIX 2.1 §3.6).
    const answer = await fetch(`${w.b.apiRoot}collections/${w.b.hiddenId}/objects/`, {
      method: 'POST',
      headers: { authorization: w.b.auth.outsider, 'content-type': 'application/taxii+json;version=2.1', accept: 'application/taxii+json;version=2.1' },
      body: JSON.stringify({ objects: [taken.object] }),
    });
    expect(answer.status).toBe(202);
    const [ok] = await publish(w, w.paris, [note('clear')]);
    await publish(w, w.paris, [{ ...taken, object: { ...taken.object, modified: '2025-02-01T00:00:00.000Z' }, json: JSON.stringify({ ...taken.object, modified: '2025-02-01T00:00:00.000Z' }) }]);
    const partner = await partnerB(w);
    const report = await syncPartner(deps(w), partner);
    expect(report.outcome).toBe('ok');
    const pushed = report.rules[0]?.pushed;
    expect(pushed).toMatchObject({ pushed: 1, failed: 1 });
    expect(pushed?.failures.map((f) => [f.id, f.version])).toEqual([[taken.object.id, '2025-02-01T00:00:00.000Z']]);
    expect(pushed?.failures[0]?.message).toMatch(/another organisation/);
    expect(await heldOnB(w)).toEqual([ok]);
  });
});

function bothBackends(open: () => Promise<TestStore>): void {
  it('judges a `markings` filter by the level an object is stored at: GREEN with a statement beside it or on a property is GREEN', async () => {
    const w = await world(open);
    const text = `Copyright ${randomUUID()}`;
    const statement = { type: 'marking-definition', spec_version: '2.1', id: `marking-definition--${randomUUID()}`, created: '2025-01-01T00:00:00.000Z', name: text, definition_type: 'statement', definition: { statement: text } };
    const on = (ref: string) => ({ granular_markings: [{ marking_ref: ref, selectors: ['content'] }] });
    await publish(w, w.paris, [{ object: statement, json: JSON.stringify(statement) }]);
    const [green, greenStatement, statementContent] = await publish(w, w.paris, [
      note('green'),
      note('green', { object_marking_refs: [TLP2_MARKING_IDS.green, statement.id] }),
      note('green', on(statement.id)),
    ]);
    // Not GREEN as stored: a RED property, CLEAR, and GREEN content of an object without markings, stored at its
    // publisher's default (AMBER, shared with the partner), which the GREEN content does not loosen.
    const withLondon = await createSharingGroup(w.a.db, { name: 'with-london', ownerOrg: w.a.orgId, members: [{ orgId: w.london.id, canExtend: false }] });
    const [, , amberDefault] = await publish(w, w.paris, [
      note('green', on(TLP2_MARKING_IDS.red)),
      note('clear'),
      note(null, { ...on(TLP2_MARKING_IDS.green), ...sharing({ sharing_group_ref: withLondon.id }) }),
    ]);
    expect(await w.a.db.selectFrom('objects').select('tlp').where('id', '=', amberDefault as string).executeTakeFirstOrThrow()).toEqual({ tlp: 'amber' });

    const partner = await partnerB(w, 'shared', { markings: ['green'] });
    const result = await syncPartner(deps(w), partner);
    expect(result.rules[0]?.pushed).toMatchObject({ pushed: 3, failed: 0 });
    expect(await heldOnB(w)).toEqual([green, greenStatement, statementContent].sort());
  });
}

await describeOnBothBackends(bothBackends);
