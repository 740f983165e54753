import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { queryAudit } from '../access/audit-log.js';
import { createOrganization, type Organization } from '../access/organizations.js';
import { publishObjects, type Publisher } from '../access/publication.js';
import { SHARING_EXTENSION_ID } from '../access/sharing-extension.js';
import { createSharingGroup } from '../access/sharing-groups.js';
import { withSharing } from '../access/sharing-schema.js';
import { TLP2_MARKING_IDS } from '../stix/tlp.js';
import type { IncomingObject } from '../store/object-store.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../store/test-backends.js';
import { TaxiiClient } from '../taxii/client/index.js';
import { addPartner } from './partners.js';
import { pullRule } from './pull.js';
import { startFakeTaxii } from './test-taxii-server.js';
import { TEST_SECRET_KEY } from './test-support.js';

const ORIGIN = { address: '192.0.2.1', path: 'POST /test' };

function note(over: Record<string, unknown> = {}): IncomingObject {
  const object = {
    type: 'note',
    spec_version: '2.1',
    id: `note--${randomUUID()}`,
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-01T00:00:00.000Z',
    content: 'held in one collection, sent into another',
    object_refs: ['identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'],
    ...over,
  };
  return { object, json: JSON.stringify(object) };
}

/** The same object as another text: other spacing and key order. */
function retyped(incoming: IncomingObject): IncomingObject {
  const reordered = Object.fromEntries(Object.entries(incoming.object).reverse());
  return { object: incoming.object, json: JSON.stringify(reordered, null, 1) };
}

/**
 * One object version may sit in two collections (issue 5): pulled from a
 * partner into one, pushed (TAXII Add Objects, publishObjects) by another into
 * a second. A copy never widens who sees the object: it keeps the held
 * version's level, author, sharing group and RED recipients.
 */
function copiesSuite(open: () => Promise<TestStore>): void {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp() {
    const test = await open();
    cleanups.push(test.dispose);
    const { db, store } = test.opened;
    await store.migrate();
    const author: Organization = await createOrganization(db, { name: 'X, the author' });
    const sender: Organization = await createOrganization(db, { name: 'P, a partner pushing' });
    await db.updateTable('organizations').set({ default_tlp: 'green' }).where('id', '=', sender.id).execute();
    const member: Organization = await createOrganization(db, { name: 'M, in the author group' });
    const outsider: Organization = await createOrganization(db, { name: 'Q, in the sender group only' });
    const first = (await store.createCollection({ title: 'first' })).id;
    const second = (await store.createCollection({ title: 'second' })).id;
    const publish = (who: Organization, collectionId: string, objects: IncomingObject[]) =>
      publishObjects(db, store, collectionId, { orgId: who.id, userId: null } satisfies Publisher, objects, ORIGIN);
    const rowsOf = (id: string) =>
      db.selectFrom('objects').select(['collection_id', 'json', 'tlp', 'author_org', 'sharing_group', 'date_added']).where('id', '=', id).orderBy('seq').execute();
    return { db, store, author, sender, member, outsider, first, second, publish, rowsOf };
  }

  it('stores a version held only in another collection when another organisation publishes it, under the held visibility', async () => {
    const { db, author, sender, member, outsider, first, second, publish, rowsOf } = await setUp();
    const group = await createSharingGroup(db, { name: 'author group', ownerOrg: author.id, members: [{ orgId: member.id, canExtend: false }, { orgId: sender.id, canExtend: false }] });
    await createSharingGroup(db, { name: 'sender group', ownerOrg: sender.id, members: [{ orgId: outsider.id, canExtend: false }] });
    const amber = note({ object_marking_refs: [TLP2_MARKING_IDS.amber], extensions: { [SHARING_EXTENSION_ID]: { extension_type: 'property-extension', sharing_group_ref: group.id } } });
    // Unmarked: the author's default level (amber) applies to the copy, not the sender's (green).
    const unmarked = note();
    expect((await publish(author, first, [amber, unmarked])).failures).toEqual([]);

    const copy = await publish(sender, second, [retyped(amber), unmarked]);
    expect(copy.failures).toEqual([]);
    expect(copy.results.map((r) => [r.id, r.status])).toEqual([
      [amber.object.id, 'added'],
      [unmarked.object.id, 'added'],
    ]);
    const [original, copied] = await rowsOf(amber.object.id);
    expect(original).toMatchObject({ collection_id: first, tlp: 'amber', author_org: author.id, sharing_group: group.id });
    expect(copied).toMatchObject({ collection_id: second, tlp: 'amber', author_org: author.id, sharing_group: group.id, json: retyped(amber).json });
    expect((await rowsOf(unmarked.object.id)).map((r) => [r.collection_id, r.tlp, r.author_org])).toEqual([
      [first, 'amber', author.id],
      [second, 'amber', author.id],
    ]);

    // Sent again: a duplicate in that collection now, as for any version held there.
    const again = await publish(sender, second, [amber]);
    expect(again.results.map((r) => r.status)).toEqual(['duplicate']);
    expect(await rowsOf(amber.object.id)).toHaveLength(2);
    const entries = (await queryAudit(db, {})).filter((e) => e.actorOrg === sender.id && e.target === second);
    expect(entries.flatMap((e) => (e.details.copies as string[] | undefined) ?? []).sort()).toEqual(
      [`${amber.object.id}@2024-01-01T00:00:00.000Z`, `${unmarked.object.id}@2024-01-01T00:00:00.000Z`].sort(),
    );
  });

  it('keeps the RED recipients of the held version for the copy', async () => {
    const { db, author, sender, member, first, second, publish, rowsOf } = await setUp();
    const red = note({
      object_marking_refs: [TLP2_MARKING_IDS.red],
      extensions: { [SHARING_EXTENSION_ID]: { extension_type: 'property-extension', recipient_org_refs: [member.identityId] } },
    });
    expect((await publish(author, first, [red])).failures).toEqual([]);
    expect((await publish(sender, second, [red])).failures).toEqual([]);
    const rows = await rowsOf(red.object.id);
    const recipients = await Promise.all(
      rows.map((row) =>
        withSharing(db).selectFrom('object_recipients').select(['recipient_kind', 'recipient_id']).where('collection_id', '=', row.collection_id).where('date_added', '=', row.date_added).execute(),
      ),
    );
    expect(recipients).toEqual([[{ recipient_kind: 'org', recipient_id: member.id }], [{ recipient_kind: 'org', recipient_id: member.id }]]);
  });

  it('refuses a different object under a held id and version, and a new version, as before', async () => {
    const { author, sender, first, second, publish, rowsOf } = await setUp();
    const amber = note({ object_marking_refs: [TLP2_MARKING_IDS.amber] });
    expect((await publish(author, first, [amber])).failures).toEqual([]);
    const loosened = note({ id: amber.object.id, object_marking_refs: [TLP2_MARKING_IDS.clear] });
    const newer = note({ id: amber.object.id, modified: '2024-06-01T00:00:00.000Z' });
    const refused = await publish(sender, second, [loosened, newer]);
    expect(refused.results).toEqual([]);
    expect(refused.failures.map((f) => f.message)).toEqual([
      expect.stringContaining('differs from the version of that id and version another organisation published'),
      expect.stringContaining('was first published by another organisation'),
    ]);
    expect(await rowsOf(amber.object.id)).toHaveLength(1);
  });

  it('stores a pulled version held in another collection (the pull writes what the partner sent)', async () => {
    const { db, store, author, sender, first, second, publish, rowsOf } = await setUp();
    const green = note({ object_marking_refs: [TLP2_MARKING_IDS.green] });
    expect((await publish(author, first, [green])).failures).toEqual([]);
    const server = await startFakeTaxii({ pageSize: 10 });
    cleanups.push(() => server.close());
    server.add(green.json);
    const partner = await addPartner(db, TEST_SECRET_KEY, {
      name: 'p',
      discoveryUrl: server.discoveryUrl,
      credentials: { kind: 'token', token: 't' },
      orgIds: [sender.id],
      pull: [{ remoteCollection: server.collectionId, localCollection: second, filters: {} }],
    });
    const client = new TaxiiClient({ retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    cleanups.push(() => client.close());
    const rule = partner.rules[0];
    if (rule === undefined) throw new Error('rule expected');
    const counts = await pullRule({ store, client }, partner, rule, { apiRootUrl: server.discoveryUrl.replace('/taxii2/', '/root/'), collectionId: server.collectionId });
    expect(counts).toMatchObject({ received: 1, added: 1, duplicate: 0 });
    expect((await rowsOf(green.object.id)).map((r) => [r.collection_id, r.author_org])).toEqual([
      [first, author.id],
      [second, sender.id],
    ]);
  });
}

describe('identical copies on SQLite', () => copiesSuite(openSqliteForTest));
describeIfPostgres('identical copies on PostgreSQL', await postgresProblem(), () => copiesSuite(openPostgresForTest));
