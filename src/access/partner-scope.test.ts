import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../store/test-backends.js';
import type { StoredTlp } from './marking-policy.js';
import { createOrganization } from './organizations.js';
import { canSendToPartner, partnerScope, type PartnerAudience } from './partner-scope.js';
import { withSharing } from './sharing-schema.js';

const partner: PartnerAudience = { orgIds: new Set(['org-b']), groupIds: new Set(['g-with-b']) };
const object = (tlp: StoredTlp, sharingGroup: string | null = null) => ({ tlp, sharingGroup });

describe('canSendToPartner', () => {
  it('sends CLEAR and GREEN to any partner', () => {
    expect(canSendToPartner(partner, object('clear'))).toBe(true);
    expect(canSendToPartner(partner, object('green'))).toBe(true);
    expect(canSendToPartner({ orgIds: new Set(), groupIds: new Set() }, object('green'))).toBe(true);
  });

  it('sends AMBER only when one of the partner organisations is in its sharing group', () => {
    expect(canSendToPartner(partner, object('amber', 'g-with-b'))).toBe(true);
    expect(canSendToPartner(partner, object('amber', 'g-without-b'))).toBe(false);
    expect(canSendToPartner(partner, object('amber'))).toBe(false);
  });

  it('never sends AMBER+STRICT, RED, unknown or unresolved levels, whatever the group', () => {
    for (const tlp of ['amber+strict', 'red', 'unknown', 'none'] as const) {
      expect(canSendToPartner(partner, object(tlp, 'g-with-b'))).toBe(false);
    }
  });

  it('scopes by the partner organisations, once each', () => {
    expect(partnerScope(['a', 'b', 'a'])).toEqual({ kind: 'partner', orgIds: ['a', 'b'] });
  });
});

const LEVELS: readonly StoredTlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red', 'unknown', 'none'];
const ORGS = 4;
const GROUPS = 3;

interface Spec {
  readonly tlp: StoredTlp;
  readonly author: number;
  readonly group: number | null;
  readonly recipientOrgs: readonly number[];
}

const spec: fc.Arbitrary<Spec> = fc.record({
  tlp: fc.constantFrom(...LEVELS),
  author: fc.nat(ORGS - 1),
  group: fc.option(fc.nat(GROUPS - 1), { freq: 3 }),
  recipientOrgs: fc.uniqueArray(fc.nat(ORGS - 1), { maxLength: 2 }),
});

/**
 * The store's SQL for a partner scope returns exactly what canSendToPartner
 * allows — whoever authored the rows and whoever is named as their recipient.
 */
describe('partner scope in SQL on SQLite', () => {
  partnerScopeAgrees(openSqliteForTest, 60);
});

describeIfPostgres('partner scope in SQL on PostgreSQL', await postgresProblem(), () => {
  partnerScopeAgrees(openPostgresForTest, 25);
});

function partnerScopeAgrees(open: () => Promise<TestStore>, numRuns: number): void {
  let test: TestStore;
  let orgs: string[];

  beforeAll(async () => {
    test = await open();
    await test.opened.store.migrate();
    orgs = [];
    for (let i = 0; i < ORGS; i++) orgs.push((await createOrganization(test.opened.db, { name: `org ${i} ${randomUUID()}` })).id);
  });
  afterAll(async () => {
    await test.dispose();
  });

  it('agrees with the pure rule', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uniqueArray(fc.nat(ORGS - 1), { maxLength: ORGS }), { minLength: GROUPS, maxLength: GROUPS }),
        fc.array(spec, { maxLength: 25 }),
        fc.uniqueArray(fc.nat(ORGS - 1), { maxLength: ORGS }),
        async (groupMembers, specs, partnerOrgIndexes) => {
          const { store, db } = test.opened;
          const sharing = withSharing(db);
          const collection = await store.createCollection({ title: `partner scope ${randomUUID()}` });
          const groupIds = groupMembers.map(() => randomUUID());
          for (const [g, members] of groupMembers.entries()) {
            const id = groupIds[g] as string;
            await sharing.insertInto('sharing_groups').values({ id, name: `g-${id}`, owner_org: orgs[0] as string, created_at: 0 }).execute();
            for (const m of members) {
              await sharing.insertInto('sharing_group_members').values({ group_id: id, org_id: orgs[m] as string, can_extend: 0 }).execute();
            }
          }
          const partnerOrgs = partnerOrgIndexes.map((i) => orgs[i] as string);
          const audience: PartnerAudience = {
            orgIds: new Set(partnerOrgs),
            groupIds: new Set(groupIds.filter((_, g) => (groupMembers[g] ?? []).some((m) => partnerOrgIndexes.includes(m)))),
          };
          const expected: string[] = [];
          for (const s of specs) {
            const object = { type: 'note', id: `note--${randomUUID()}`, spec_version: '2.1', created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z' };
            const sharingGroup = s.group === null ? null : (groupIds[s.group] as string);
            const [result] = await store.addObjects(collection.id, [{ object, json: JSON.stringify(object), tlp: s.tlp }], {
              authorOrg: orgs[s.author] as string,
              authorUser: null,
              sharingGroup,
            });
            if (result === undefined) throw new Error('not added');
            if (s.recipientOrgs.length > 0) {
              await sharing
                .insertInto('object_recipients')
                .values(s.recipientOrgs.map((r) => ({ collection_id: collection.id, date_added: result.dateAdded, recipient_kind: 'org' as const, recipient_id: orgs[r] as string })))
                .execute();
            }
            if (canSendToPartner(audience, { tlp: s.tlp, sharingGroup })) expected.push(object.id);
          }
          const page = await store.queryObjectTexts(collection.id, { versions: [{ kind: 'all' }], limit: 1000 }, partnerScope(partnerOrgs));
          expect(page.items.map((item) => (JSON.parse(item.json) as { id: string }).id)).toEqual(expected);
        },
      ),
      { numRuns },
    );
  });
}
