import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TLP2_MARKING_IDS } from '../stix/tlp.js';
import type { IncomingObject } from '../store/object-store.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../store/test-backends.js';
import { queryAudit } from './audit-log.js';
import { createOrganization, type Organization } from './organizations.js';
import { publishObjects, type Publisher } from './publication.js';

const ORIGIN = { address: '192.0.2.1', path: 'POST /test' };

function note(id: string, modified: string): IncomingObject {
  const object = {
    type: 'note',
    spec_version: '2.1',
    id,
    created: '2024-01-01T00:00:00.000Z',
    modified,
    content: `version ${modified}`,
    object_refs: ['identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'],
    object_marking_refs: [TLP2_MARKING_IDS.green],
  };
  return { object, json: JSON.stringify(object) };
}

/**
 * An object that reaches an instance by two paths (pushed by one partner and
 * pulled from another, or pushed twice) arrives as a copy of a version already
 * held: TAXII 2.1 §5.5 "a POSTed duplicate is not an error". Only a NEW version
 * of an object another organisation first published is refused.
 */
function duplicateSuite(open: () => Promise<TestStore>): void {
  let test: TestStore;
  let a: Organization;
  let b: Organization;
  let partner: Organization;
  let collectionId: string;
  const publish = (who: Publisher, objects: IncomingObject[]) => publishObjects(test.opened.db, test.opened.store, collectionId, who, objects, ORIGIN);
  const versionsOf = async (id: string) => (await test.opened.db.selectFrom('objects').select('version').where('id', '=', id).execute()).length;

  beforeAll(async () => {
    test = await open();
    await test.opened.store.migrate();
    a = await createOrganization(test.opened.db, { name: 'A' });
    b = await createOrganization(test.opened.db, { name: 'B (a partner)' });
    partner = await createOrganization(test.opened.db, { name: 'C (another partner)' });
    collectionId = (await test.opened.store.createCollection({ title: 'c' })).id;
  });
  afterAll(async () => test.dispose());

  it('a version already held, sent again by another organisation, is a duplicate success; a new version of it is refused', async () => {
    const id = `note--${randomUUID()}`;
    expect((await publish({ orgId: a.id, userId: null }, [note(id, '2024-01-01T00:00:00.000Z')])).failures).toEqual([]);
    const again = await publish({ orgId: b.id, userId: null }, [note(id, '2024-01-01T00:00:00.000Z')]);
    expect(again.failures).toEqual([]);
    expect(again.results).toMatchObject([{ id, status: 'duplicate' }]);
    expect(await versionsOf(id)).toBe(1);
    const newer = await publish({ orgId: b.id, userId: null }, [note(id, '2024-02-01T00:00:00.000Z')]);
    expect(newer.results).toEqual([]);
    expect(newer.failures).toMatchObject([{ id, message: expect.stringContaining('first published by another organisation') }]);
    expect(await versionsOf(id)).toBe(1);
    const entries = (await queryAudit(test.opened.db, {})).filter((e) => e.actorOrg === b.id);
    expect(entries.map((e) => e.details.duplicates)).toEqual([1, 0]);
  });

  it('a pulled version pushed again by another partner is a duplicate, in one envelope with new objects', async () => {
    const pulled = note(`note--${randomUUID()}`, '2024-03-01T00:00:00.000Z');
    await test.opened.store.addObjects(collectionId, [{ ...pulled, tlp: 'green' }], { authorOrg: partner.id, authorUser: null });
    const fresh = note(`note--${randomUUID()}`, '2024-03-01T00:00:00.000Z');
    const outcome = await publish({ orgId: b.id, userId: null }, [pulled, fresh]);
    expect(outcome.failures).toEqual([]);
    expect(outcome.results.map((r) => [r.id, r.status])).toEqual([
      [pulled.object.id, 'duplicate'],
      [fresh.object.id, 'added'],
    ]);
    expect(await versionsOf(pulled.object.id)).toBe(1);
  });
}

describe('duplicates from another organisation on SQLite', () => duplicateSuite(openSqliteForTest));
describeIfPostgres('duplicates from another organisation on PostgreSQL', await postgresProblem(), () => duplicateSuite(openPostgresForTest));
