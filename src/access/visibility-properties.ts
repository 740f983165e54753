import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ManifestRecord, ObjectQuery, ObjectStore, Page, ReadScope, VersionSelector } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import type { TestStore } from '../store/test-backends.js';
import type { StoredTlp, Viewer } from './marking-policy.js';
import { createOrganization } from './organizations.js';
import { withSharing } from './sharing-schema.js';
import { comparablePage, expectedPage, expectedRows, visibleTo, type ModelRow } from './visibility-model.js';

/**
 * Issue 4 "Proof": for random organisations, users, sharing groups and
 * objects with random markings, authors, groups and RED recipients, every
 * read path of the store (objects, object texts, manifest, versions, one object; paging
 * with random sizes, added_after and match[version]; `more` and the date
 * headers) returns for each viewer exactly what the pure policy allows — also
 * after membership changes and new versions with other markings.
 */
export interface VisibilityRuns {
  /** Whole scenarios: fresh collection, groups, objects; every viewer, every path; then changes. */
  readonly scenarios: number;
  /** Single queries against one populated collection, with a membership change before some. */
  readonly queries: number;
}

const ORGS = 4;
const USERS_PER_ORG = 2;
const LEVELS: readonly StoredTlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red', 'unknown', 'none'];
const TYPES = ['note', 'opinion'] as const;

interface World {
  readonly store: ObjectStore;
  readonly db: Kysely<DatabaseSchema>;
  readonly orgs: readonly string[];
  readonly users: readonly { userId: string; orgId: string }[];
}

interface GroupSpec {
  readonly members: readonly number[];
}

interface ObjectSpec {
  readonly idIndex: number;
  readonly second: number;
  readonly tlp: StoredTlp;
  readonly author: number | null;
  readonly group: number | null;
  readonly recipientUsers: readonly number[];
  readonly recipientOrgs: readonly number[];
}

const groupSpec = fc.record({ members: fc.uniqueArray(fc.nat(ORGS - 1), { maxLength: ORGS }) });

function objectSpec(ids: number): fc.Arbitrary<ObjectSpec> {
  return fc.record({
    idIndex: fc.nat(ids - 1),
    second: fc.nat(59),
    tlp: fc.constantFrom(...LEVELS),
    author: fc.option(fc.nat(ORGS - 1), { freq: 8 }),
    group: fc.option(fc.nat(2), { freq: 2 }),
    recipientUsers: fc.uniqueArray(fc.nat(ORGS * USERS_PER_ORG - 1), { maxLength: 2 }),
    recipientOrgs: fc.uniqueArray(fc.nat(ORGS - 1), { maxLength: 2 }),
  });
}

const versionSelectors: fc.Arbitrary<VersionSelector[]> = fc.oneof(
  fc.constant<VersionSelector[]>([]),
  fc.constant<VersionSelector[]>([{ kind: 'last' }]),
  fc.constant<VersionSelector[]>([{ kind: 'first' }]),
  fc.constant<VersionSelector[]>([{ kind: 'all' }]),
  fc.constant<VersionSelector[]>([{ kind: 'first' }, { kind: 'last' }]),
  fc.nat(59).map((second): VersionSelector[] => [{ kind: 'at', version: versionOf(second) }]),
);

function versionOf(second: number): string {
  return `2024-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;
}

class Fixture {
  readonly rows: ModelRow[] = [];
  readonly members: Set<string>[];

  constructor(
    private readonly world: World,
    readonly collectionId: string,
    readonly groupIds: readonly string[],
    members: readonly Set<string>[],
  ) {
    this.members = members.map((set) => new Set(set));
  }

  static async create(world: World, groups: readonly GroupSpec[]): Promise<Fixture> {
    const collection = await world.store.createCollection({ title: `visibility ${randomUUID()}` });
    const groupIds = groups.map(() => randomUUID());
    const members = groups.map((g) => new Set(g.members.map((i) => world.orgs[i] as string)));
    const sharing = withSharing(world.db);
    for (const [i, id] of groupIds.entries()) {
      await sharing.insertInto('sharing_groups').values({ id, name: `g-${id}`, owner_org: world.orgs[0] as string, created_at: 0 }).execute();
      for (const org of members[i] as Set<string>) {
        await sharing.insertInto('sharing_group_members').values({ group_id: id, org_id: org, can_extend: 0 }).execute();
      }
    }
    return new Fixture(world, collection.id, groupIds, members);
  }

  /** Writes one object version with the given platform metadata (duplicates of a held version are skipped). */
  async write(spec: ObjectSpec, objectIds: readonly string[]): Promise<void> {
    const id = objectIds[spec.idIndex] as string;
    const version = versionOf(spec.second);
    if (this.rows.some((row) => row.id === id && row.version === version)) return;
    const type = TYPES[spec.idIndex % TYPES.length] as string;
    const object = { type, id, spec_version: '2.1', created: versionOf(0), modified: version };
    const authorOrg = spec.author === null ? null : (this.world.orgs[spec.author] as string);
    const sharingGroup = spec.group === null ? null : (this.groupIds[spec.group] ?? null);
    const [result] = await this.world.store.addObjects(
      this.collectionId,
      [{ object, json: JSON.stringify(object), tlp: spec.tlp }],
      { authorOrg, authorUser: null, sharingGroup },
    );
    if (result === undefined || result.status !== 'added') throw new Error(`version ${id} ${version} was not added`);
    const recipientUsers = new Set(spec.recipientUsers.map((i) => (this.world.users[i] as { userId: string }).userId));
    const recipientOrgs = new Set(spec.recipientOrgs.map((i) => this.world.orgs[i] as string));
    const recipients = [
      ...[...recipientUsers].map((rid) => ({ recipient_kind: 'user' as const, recipient_id: rid })),
      ...[...recipientOrgs].map((rid) => ({ recipient_kind: 'org' as const, recipient_id: rid })),
    ];
    if (recipients.length > 0) {
      await withSharing(this.world.db)
        .insertInto('object_recipients')
        .values(recipients.map((r) => ({ collection_id: this.collectionId, date_added: result.dateAdded, ...r })))
        .execute();
    }
    this.rows.push({ id, type, version, dateAdded: result.dateAdded, tlp: spec.tlp, authorOrg, sharingGroup, recipientUsers, recipientOrgs });
  }

  /** Adds `org` to group `g` when absent, removes it when present. */
  async toggleMember(g: number, orgIndex: number): Promise<void> {
    const groupId = this.groupIds[g];
    const members = this.members[g];
    if (groupId === undefined || members === undefined) return;
    const org = this.world.orgs[orgIndex] as string;
    const sharing = withSharing(this.world.db);
    if (members.has(org)) {
      await sharing.deleteFrom('sharing_group_members').where('group_id', '=', groupId).where('org_id', '=', org).execute();
      members.delete(org);
    } else {
      await sharing.insertInto('sharing_group_members').values({ group_id: groupId, org_id: org, can_extend: 0 }).execute();
      members.add(org);
    }
  }

  viewer(userIndex: number, community: boolean): { viewer: Viewer; scope: ReadScope } {
    const user = this.world.users[userIndex] as { userId: string; orgId: string };
    const groupIds = new Set(this.groupIds.filter((_, i) => this.members[i]?.has(user.orgId)));
    return {
      viewer: { userId: user.userId, orgId: user.orgId, role: 'reader', groupIds, community },
      scope: { kind: 'viewer', userId: user.userId, orgId: user.orgId, community },
    };
  }

  /** Walks up to `maxPages` pages of objects or manifest and checks each against the model. */
  async checkPaging(
    scope: ReadScope,
    viewer: Viewer,
    path: 'objects' | 'manifest' | 'texts',
    query: Omit<ObjectQuery, 'next'>,
    maxPages: number,
  ): Promise<void> {
    const visible = visibleTo(this.rows, viewer);
    const expected = expectedRows(visible, { ...query, versions: query.versions ?? [] });
    let next: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const q = { ...query, ...(next === undefined ? {} : { next }) };
      const got = await this.page(path, q, scope);
      expect(comparablePage(got)).toEqual(expectedPage(expected, page * query.limit, query.limit));
      if (!got.more) return;
      next = got.next;
    }
  }

  /** One page through the chosen read path, as manifest-like records. */
  private async page(path: 'objects' | 'manifest' | 'texts', query: ObjectQuery, scope: ReadScope): Promise<Page<ManifestRecord>> {
    const { store } = this.world;
    if (path === 'objects') return store.queryObjects(this.collectionId, query, scope);
    if (path === 'manifest') return store.queryManifest(this.collectionId, query, scope);
    // The JSON-only pages TAXII Get Objects serves: id and version read back from the text.
    const texts = await store.queryObjectTexts(this.collectionId, query, scope);
    const items = texts.items.map((item) => {
      const { id, type, modified } = JSON.parse(item.json) as { id: string; type: string; modified: string };
      return { id, type, version: modified, specVersion: '2.1', dateAdded: item.dateAdded, mediaType: '' };
    });
    return { ...texts, items };
  }

  async checkVersions(scope: ReadScope, viewer: Viewer, id: string, limit: number, addedAfter?: number): Promise<void> {
    const visible = visibleTo(this.rows, viewer);
    const expected = expectedRows(visible, { ids: [id], versions: [{ kind: 'all' }], ...(addedAfter === undefined ? {} : { addedAfter }) });
    const got = await this.world.store.queryVersions(this.collectionId, id, { limit, ...(addedAfter === undefined ? {} : { addedAfter }) }, scope);
    expect(comparablePage(got)).toEqual(expectedPage(expected, 0, limit));
  }

  /** TAXII §5.6 Get An Object: the latest visible version, or nothing (answered 404 by the server). */
  async checkOne(scope: ReadScope, viewer: Viewer, id: string): Promise<void> {
    const expected = expectedRows(visibleTo(this.rows, viewer), { ids: [id], versions: [] });
    const got = await this.world.store.queryObjects(this.collectionId, { ids: [id], limit: 10 }, scope);
    expect(comparablePage(got)).toEqual(expectedPage(expected, 0, 10));
  }
}

/** Registers the property tests over a store opened by `open` (SQLite or PostgreSQL). */
export function visibilityProperties(open: () => Promise<TestStore>, runs: VisibilityRuns): void {
  let testStore: TestStore;
  let world: World;

  beforeAll(async () => {
    testStore = await open();
    const { store, db } = testStore.opened;
    await store.migrate();
    const orgs: string[] = [];
    for (let i = 0; i < ORGS; i++) orgs.push((await createOrganization(db, { name: `visibility ${randomUUID()}` })).id);
    const users = orgs.flatMap((orgId) => Array.from({ length: USERS_PER_ORG }, () => ({ userId: randomUUID(), orgId })));
    world = { store, db, orgs, users };
  });

  afterAll(async () => {
    await testStore.dispose();
  });

  it(`every read path returns exactly what the policy allows, before and after membership and marking changes (${runs.scenarios} scenarios)`, async () => {
    const ids = 6;
    await fc.assert(
      fc.asyncProperty(
        fc.array(groupSpec, { maxLength: 3 }),
        fc.array(objectSpec(ids), { minLength: 1, maxLength: 18 }),
        fc.integer({ min: 1, max: 7 }),
        versionSelectors,
        fc.array(fc.tuple(fc.nat(2), fc.nat(ORGS - 1)), { minLength: 1, maxLength: 3 }),
        objectSpec(ids),
        async (groups, objects, limit, versions, toggles, laterVersion) => {
          const fixture = await Fixture.create(world, groups);
          const objectIds = Array.from({ length: ids }, (_, i) => `${TYPES[i % TYPES.length]}--${randomUUID()}`);
          for (const spec of objects) await fixture.write(spec, objectIds);
          const checkAll = async () => {
            for (let u = 0; u < world.users.length; u++) {
              for (const community of [true, false]) {
                const { viewer, scope } = fixture.viewer(u, community);
                await fixture.checkPaging(scope, viewer, 'objects', { limit, versions }, 50);
                await fixture.checkPaging(scope, viewer, 'texts', { limit, versions }, 50);
                await fixture.checkPaging(scope, viewer, 'manifest', { limit, versions: [{ kind: 'all' }] }, 50);
                for (const id of objectIds) {
                  await fixture.checkVersions(scope, viewer, id, 50);
                  await fixture.checkOne(scope, viewer, id);
                }
              }
            }
          };
          await checkAll();
          for (const [g, org] of toggles) await fixture.toggleMember(g, org);
          await fixture.write({ ...laterVersion, second: 59 }, objectIds);
          await checkAll();
        },
      ),
      { numRuns: runs.scenarios },
    );
  });

  it(`single queries with random viewers, filters and page sizes match the policy (${runs.queries} queries)`, async () => {
    const ids = 40;
    const objectIds = Array.from({ length: ids }, (_, i) => `${TYPES[i % TYPES.length]}--${randomUUID()}`);
    const [groups, objects] = fc.sample(fc.tuple(fc.array(groupSpec, { minLength: 3, maxLength: 3 }), fc.array(objectSpec(ids), { minLength: 200, maxLength: 200 })), {
      numRuns: 1,
      seed: 4,
    })[0] as [GroupSpec[], ObjectSpec[]];
    const fixture = await Fixture.create(world, groups);
    for (const spec of objects) await fixture.write(spec, objectIds);
    const dates = fixture.rows.map((row) => row.dateAdded);

    await fc.assert(
      fc.asyncProperty(
        fc.nat(world.users.length - 1),
        fc.boolean(),
        fc.option(fc.tuple(fc.nat(2), fc.nat(ORGS - 1)), { freq: 4 }),
        fc.constantFrom('objects', 'texts', 'manifest', 'versions', 'one'),
        fc.integer({ min: 1, max: 60 }),
        fc.option(fc.constantFrom(...dates), { freq: 3 }),
        versionSelectors,
        fc.option(fc.constantFrom(...TYPES), { freq: 4 }),
        fc.nat(ids - 1),
        async (u, community, toggle, path, limit, addedAfter, versions, type, idIndex) => {
          if (toggle !== null) await fixture.toggleMember(toggle[0], toggle[1]);
          const { viewer, scope } = fixture.viewer(u, community);
          const id = objectIds[idIndex] as string;
          const after = addedAfter === null ? {} : { addedAfter };
          if (path === 'versions') return fixture.checkVersions(scope, viewer, id, limit, addedAfter ?? undefined);
          if (path === 'one') return fixture.checkOne(scope, viewer, id);
          const query = { limit, versions, ...after, ...(type === null ? {} : { types: [type] }) };
          return fixture.checkPaging(scope, viewer, path, query, 3);
        },
      ),
      { numRuns: runs.queries },
    );
  });
}
