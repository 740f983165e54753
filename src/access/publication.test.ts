import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TLP1_MARKINGS, TLP2_MARKINGS, TLP2_MARKING_IDS } from '../stix/tlp.js';
import type { IncomingObject } from '../store/object-store.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../store/test-backends.js';
import { queryAudit, verifyAuditChain } from './audit-log.js';
import { createOrganization, type Organization } from './organizations.js';
import { withOwnership } from './ownership-schema.js';
import { publishObjects, type Publisher } from './publication.js';
import { SHARING_EXTENSION_ID } from './sharing-extension.js';
import { addGroupMember, addMemberAs, createSharingGroup, membersVisibleTo, removeGroupMember, removeMemberAs } from './sharing-groups.js';
import { withSharing } from './sharing-schema.js';

const ORIGIN = { address: '192.0.2.1', path: 'POST /test' };

function note(over: Record<string, unknown> = {}): IncomingObject {
  const object = {
    type: 'note',
    spec_version: '2.1',
    id: `note--${randomUUID()}`,
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-01T00:00:00.000Z',
    content: 'x',
    object_refs: ['identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'],
    ...over,
  };
  return { object, json: JSON.stringify(object) };
}

function sharing(payload: Record<string, unknown>): Record<string, unknown> {
  return { extensions: { [SHARING_EXTENSION_ID]: { extension_type: 'property-extension', ...payload } } };
}

describe('publishObjects', () => {
  let test: TestStore;
  let a: Organization;
  let b: Organization;
  let collectionId: string;
  let asA: Publisher;
  let asB: Publisher;
  const publish = (who: Publisher, objects: IncomingObject[]) => publishObjects(test.opened.db, test.opened.store, collectionId, who, objects, ORIGIN);
  const rows = () => test.opened.db.selectFrom('objects').select(['id', 'tlp', 'author_org', 'author_user', 'sharing_group', 'date_added']).execute();

  beforeEach(async () => {
    test = await openSqliteForTest();
    await test.opened.store.migrate();
    a = await createOrganization(test.opened.db, { name: 'A' });
    b = await createOrganization(test.opened.db, { name: 'B' });
    collectionId = (await test.opened.store.createCollection({ title: 'c' })).id;
    asA = { orgId: a.id, userId: 'user-a' };
    asB = { orgId: b.id, userId: 'user-b' };
  });
  afterEach(async () => {
    await test.dispose();
  });

  it('stores the markings level, or the organisation default when there is none, with the author', async () => {
    await test.opened.db.updateTable('organizations').set({ default_tlp: 'green' }).where('id', '=', a.id).execute();
    const marked = note({ object_marking_refs: [TLP2_MARKING_IDS.clear, TLP2_MARKING_IDS.red] });
    const plain = note();
    const unknown = note({ object_marking_refs: [`marking-definition--${randomUUID()}`] });
    const outcome = await publish(asA, [marked, plain, unknown]);
    expect(outcome.failures).toEqual([]);
    expect(outcome.results.map((r) => r.id)).toEqual([marked, plain, unknown].map((o) => o.object.id));
    const stored = new Map((await rows()).map((r) => [r.id, r]));
    expect(stored.get(marked.object.id)).toMatchObject({ tlp: 'red', author_org: a.id, author_user: 'user-a', sharing_group: null });
    expect(stored.get(plain.object.id)?.tlp).toBe('green');
    expect(stored.get(unknown.object.id)?.tlp).toBe('unknown');
  });

  it('stores the TLP marking definitions as CLEAR whatever the default, so every reader of a marked object may look its marking up', async () => {
    await test.opened.db.updateTable('organizations').set({ default_tlp: 'amber+strict' }).where('id', '=', a.id).execute();
    const definitions = [TLP2_MARKINGS.red, TLP2_MARKINGS.amber, ...TLP1_MARKINGS].map((object) => ({ object, json: JSON.stringify(object) }));
    // Another marking definition keeps the default; a TLP definition that carries a marking keeps that marking's level.
    const statement = note({ type: 'marking-definition', id: `marking-definition--${randomUUID()}`, name: 'Copyright A', extensions: undefined });
    const markedGreen = { ...TLP2_MARKINGS.green, object_marking_refs: [TLP2_MARKING_IDS.amber] };
    const markedDefinition = { object: markedGreen, json: JSON.stringify(markedGreen) };
    const outcome = await publish(asA, [...definitions, statement]);
    expect(outcome.failures).toEqual([]);
    const stored = new Map((await rows()).map((r) => [r.id, r.tlp]));
    for (const { object } of definitions) expect(stored.get(object.id)).toBe('clear');
    expect(stored.get(statement.object.id)).toBe('amber+strict');
    expect((await publish(asB, [markedDefinition])).failures).toEqual([]);
    expect((await rows()).find((r) => r.id === TLP2_MARKINGS.green.id)?.tlp).toBe('amber');
  });

  it('publishes to a group the publisher belongs to, refuses one it does not, alike whether it exists', async () => {
    const group = await createSharingGroup(test.opened.db, { name: 'g', ownerOrg: a.id });
    const ok = note(sharing({ sharing_group_ref: group.id }));
    const notMember = note(sharing({ sharing_group_ref: group.id }));
    const missing = note(sharing({ sharing_group_ref: randomUUID() }));
    expect((await publish(asA, [ok])).failures).toEqual([]);
    const refused = await publish(asB, [notMember, missing]);
    expect(refused.results).toEqual([]);
    expect(refused.failures.map((f) => f.message.replace(/[0-9a-f-]{36}/, 'ID'))).toEqual([
      'sharing_group_ref ID is not a sharing group your organisation belongs to',
      'sharing_group_ref ID is not a sharing group your organisation belongs to',
    ]);
    expect((await rows()).map((r) => r.sharing_group)).toEqual([group.id]);
  });

  it('records RED recipients for the stored version, and refuses recipients elsewhere or unknown', async () => {
    const red = note({ object_marking_refs: [TLP2_MARKING_IDS.red], ...sharing({ recipient_org_refs: [b.identityId], recipient_usernames: [] }) });
    const amber = note({ object_marking_refs: [TLP2_MARKING_IDS.amber], ...sharing({ recipient_org_refs: [b.identityId] }) });
    const nobody = note({ object_marking_refs: [TLP2_MARKING_IDS.red], ...sharing({ recipient_usernames: ['nobody'] }) });
    const bad = note(sharing({ recipient_org_refs: ['not-an-identity'] }));
    const outcome = await publish(asA, [red, amber, nobody, bad]);
    expect(outcome.results.map((r) => r.id)).toEqual([red.object.id]);
    expect(outcome.failures.map((f) => f.message)).toEqual([
      expect.stringMatching(/recipients are named only on TLP:RED objects, this one is amber/),
      'recipient user "nobody" is not a user of this instance',
      expect.stringMatching(/recipient_org_refs must be a list/),
    ]);
    const recipients = await withSharing(test.opened.db).selectFrom('object_recipients').selectAll().execute();
    expect(recipients).toEqual([
      { collection_id: collectionId, date_added: outcome.results[0]?.dateAdded, recipient_kind: 'org', recipient_id: b.id },
    ]);
  });

  it('stores nothing when the audit entry or the RED recipients cannot be written in the same transaction', async () => {
    const red = () => note({ object_marking_refs: [TLP2_MARKING_IDS.red], ...sharing({ recipient_org_refs: [b.identityId] }) });
    await withOwnership(test.opened.db).deleteFrom('audit_append_lock').execute();
    await expect(publish(asA, [red()])).rejects.toThrow(/append lock/);
    expect(await rows()).toEqual([]);
    await withOwnership(test.opened.db).insertInto('audit_append_lock').values({ id: 1, appends: 0 }).execute();
    await sql`drop table object_recipients`.execute(test.opened.db);
    await expect(publish(asA, [red()])).rejects.toThrow(/object_recipients/);
    expect(await rows()).toEqual([]);
    expect(await queryAudit(test.opened.db, {})).toEqual([]);
  });

  it('lets only the first publisher version an object, in any collection, and audits a loosening', async () => {
    const strict = note({ object_marking_refs: [TLP2_MARKING_IDS['amber+strict']] });
    await publish(asA, [strict]);
    const wider = note({ ...strict.object, modified: '2025-01-01T00:00:00.000Z', object_marking_refs: [TLP2_MARKING_IDS.clear] });
    const other = (await test.opened.store.createCollection({ title: 'other' })).id;
    const elsewhere = await publishObjects(test.opened.db, test.opened.store, other, asB, [wider], ORIGIN);
    expect(elsewhere.failures[0]?.message).toMatch(/first published by another organisation/);
    expect((await publish(asB, [wider])).failures).toHaveLength(1);
    expect((await publish(asA, [wider])).failures).toEqual([]);
    const entries = await queryAudit(test.opened.db, { object: strict.object.id });
    expect(entries.map((e) => [e.action, e.actorOrg])).toEqual([
      ['objects.add', a.id],
      ['objects.add', b.id],
      ['objects.add', b.id],
      ['objects.add', a.id],
    ]);
    expect(entries[3]?.details).toMatchObject({ loosened: [`${strict.object.id} amber+strict -> clear`] });
    expect(entries[3]).toMatchObject({ address: '192.0.2.1', path: 'POST /test' });
  });
});

/**
 * Two organisations publishing the same new id at the same moment: the
 * first-publisher check runs inside each write transaction, so exactly one
 * wins — in one collection or in two (on PostgreSQL those take different
 * collection locks).
 */
function racingPublishers(open: () => Promise<TestStore>): void {
  let test: TestStore;
  beforeEach(async () => {
    test = await open();
    await test.opened.store.migrate();
  });
  afterEach(async () => {
    await test.dispose();
  });

  it('lets exactly one of two organisations publishing one new id at once become its publisher', async () => {
    const { db, store } = test.opened;
    const a = await createOrganization(db, { name: 'A' });
    const b = await createOrganization(db, { name: 'B' });
    const first = (await store.createCollection({ title: 'first' })).id;
    const second = (await store.createCollection({ title: 'second' })).id;
    const rounds = 12;
    for (let round = 0; round < rounds; round++) {
      const id = `note--${randomUUID()}`;
      const intoB = round % 2 === 0 ? second : first;
      const [fromA, fromB] = await Promise.all([
        publishObjects(db, store, first, { orgId: a.id, userId: null }, [note({ id })], ORIGIN),
        publishObjects(db, store, intoB, { orgId: b.id, userId: null }, [note({ id, modified: '2024-06-01T00:00:00.000Z' })], ORIGIN),
      ]);
      expect(fromA.results.length + fromB.results.length).toBe(1);
      const loser = fromA.results.length === 0 ? fromA : fromB;
      expect(loser.failures[0]?.message).toMatch(/first published by another organisation/);
      const authors = await db.selectFrom('objects').select('author_org').distinct().where('id', '=', id).execute();
      expect(authors).toHaveLength(1);
    }
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 2 * rounds });
  });

  it('never deadlocks two organisations publishing the same new ids in opposite orders', async () => {
    const { db, store } = test.opened;
    const a = await createOrganization(db, { name: 'A' });
    const b = await createOrganization(db, { name: 'B' });
    const first = (await store.createCollection({ title: 'first' })).id;
    const second = (await store.createCollection({ title: 'second' })).id;
    for (let round = 0; round < 3; round++) {
      const ids = Array.from({ length: 1500 }, () => `note--${randomUUID()}`);
      const [fromA, fromB] = await Promise.all([
        publishObjects(db, store, first, { orgId: a.id, userId: null }, ids.map((id) => note({ id })), ORIGIN),
        // Another content under the same ids: not an identical copy of A's objects, so one of the two is refused for each id.
        publishObjects(db, store, second, { orgId: b.id, userId: null }, [...ids].reverse().map((id) => note({ id, content: 'B' })), ORIGIN),
      ]);
      expect(fromA.results.length + fromB.results.length).toBe(ids.length);
      expect(fromA.failures.length + fromB.failures.length).toBe(ids.length);
    }
  });
}

describe('racing publishers on SQLite', () => racingPublishers(openSqliteForTest));
describeIfPostgres('racing publishers on PostgreSQL', await postgresProblem(), () => racingPublishers(openPostgresForTest));

describe('sharing groups', () => {
  let test: TestStore;
  beforeEach(async () => {
    test = await openSqliteForTest();
    await test.opened.store.migrate();
  });
  afterEach(async () => {
    await test.dispose();
  });

  it('let extenders add members, only the owner remove them, and show members to members only', async () => {
    const [a, b, c, d] = await Promise.all(['A', 'B', 'C', 'D'].map((name) => createOrganization(test.opened.db, { name })));
    if (!a || !b || !c || !d) throw new Error('organisations not created');
    const group = await createSharingGroup(test.opened.db, { name: 'g', ownerOrg: a.id, members: [{ orgId: b.id, canExtend: true }, { orgId: c.id, canExtend: false }] });
    await expect(addGroupMember(test.opened.db, group.id, { orgId: d.id, canExtend: false }, c.id)).rejects.toThrow(/may not add members/);
    await addGroupMember(test.opened.db, group.id, { orgId: d.id, canExtend: false }, b.id);
    const member = (org: Organization) => ({ userId: null, orgId: org.id, role: 'reader' as const });
    expect((await membersVisibleTo(test.opened.db, group.id, member(d))).map((m) => m.orgId).sort()).toEqual([a.id, b.id, c.id, d.id].sort());
    await expect(removeGroupMember(test.opened.db, group.id, d.id, b.id)).rejects.toThrow(/Only the organisation that owns/);
    await expect(removeGroupMember(test.opened.db, group.id, a.id, a.id)).rejects.toThrow(/stays a member/);
    await removeGroupMember(test.opened.db, group.id, d.id, a.id);
    await expect(membersVisibleTo(test.opened.db, group.id, member(d))).rejects.toThrow(/No sharing group/);
    await expect(createSharingGroup(test.opened.db, { name: ' g ', ownerOrg: a.id })).rejects.toThrow(/already exists/);
    // An extender cannot take the owner's right to extend away.
    await expect(addGroupMember(test.opened.db, group.id, { orgId: a.id, canExtend: false }, b.id)).rejects.toThrow(/always a member that may extend/);
    expect((await membersVisibleTo(test.opened.db, group.id, member(a))).find((m) => m.orgId === a.id)?.canExtend).toBe(true);
  });

  it('change members as an actor, under the group rules whatever its role, each change audited with it', async () => {
    const { db } = test.opened;
    const [a, b, c, d] = await Promise.all(['A', 'B', 'C', 'D'].map((name) => createOrganization(db, { name })));
    if (!a || !b || !c || !d) throw new Error('organisations not created');
    const group = await createSharingGroup(db, { name: 'g', ownerOrg: a.id, members: [{ orgId: b.id, canExtend: true }, { orgId: c.id, canExtend: false }] });
    const as = (org: Organization, role: 'reader' | 'contributor' | 'admin' = 'contributor') => ({ userId: `user-${org.name}`, orgId: org.id, role });
    const origin = { address: null, path: 'cli group add-member' };

    await expect(addMemberAs(db, group.id, { orgId: d.id, canExtend: false }, as(c), origin)).rejects.toThrow(/may not add members/);
    await expect(addMemberAs(db, group.id, { orgId: d.id, canExtend: false }, as(d), origin)).rejects.toMatchObject({ code: 'not_found' });
    await expect(addMemberAs(db, group.id, { orgId: a.id, canExtend: false }, as(b), origin)).rejects.toThrow(/always a member that may extend/);
    await addMemberAs(db, group.id, { orgId: d.id, canExtend: false }, as(b), origin);
    await expect(membersVisibleTo(db, group.id, as(d, 'reader'))).resolves.toHaveLength(4);
    await expect(removeMemberAs(db, group.id, d.id, as(b), origin)).rejects.toThrow(/Only the organisation that owns/);
    await removeMemberAs(db, group.id, d.id, as(a), origin);
    await expect(membersVisibleTo(db, group.id, as(d, 'reader'))).rejects.toMatchObject({ code: 'not_found' });
    // An instance admin of an organisation outside the group neither manages it nor reads its members.
    await expect(addMemberAs(db, group.id, { orgId: d.id, canExtend: true }, as(d, 'admin'), origin)).rejects.toMatchObject({ code: 'not_found' });
    await expect(removeMemberAs(db, group.id, c.id, as(d, 'admin'), origin)).rejects.toMatchObject({ code: 'not_found' });
    await expect(membersVisibleTo(db, group.id, as(d, 'admin'))).rejects.toMatchObject({ code: 'not_found' });
    // An admin of a member that may not extend, or that does not own the group, is held to that too.
    await expect(addMemberAs(db, group.id, { orgId: d.id, canExtend: true }, as(c, 'admin'), origin)).rejects.toThrow(/may not add members/);
    await expect(removeMemberAs(db, group.id, c.id, as(b, 'admin'), origin)).rejects.toThrow(/Only the organisation that owns/);

    const entries = (await queryAudit(db, {})).filter((e) => e.target === group.id);
    expect(entries.map((e) => [e.action, e.actorOrg, e.details.org])).toEqual([
      ['group.member-add', b.id, d.id],
      ['group.member-remove', a.id, d.id],
    ]);
    expect(entries[0]).toMatchObject({ actorUser: 'user-B', path: 'cli group add-member' });

    // The change and its entry commit together: without the audit lock row, neither happens.
    await withOwnership(db).deleteFrom('audit_append_lock').execute();
    await expect(removeMemberAs(db, group.id, b.id, as(a), origin)).rejects.toThrow(/append lock/);
    expect((await membersVisibleTo(db, group.id, as(a))).map((m) => m.orgId)).toContain(b.id);
  });
});
