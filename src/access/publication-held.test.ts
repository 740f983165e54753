import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TLP2_MARKING_IDS } from '../stix/tlp.js';
import type { IncomingObject } from '../store/object-store.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../store/test-backends.js';
import { createOrganization, type Organization } from './organizations.js';
import { publishObjects } from './publication.js';

const ORIGIN = { address: null, path: 'test' };

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
 * The versions the first-publisher check reads under the write lock are the
 * ones the store decides duplicates and multi-version flags by (it does not
 * read them again): versions held in another collection count for neither.
 */
function heldSuite(open: () => Promise<TestStore>): void {
  let test: TestStore;
  let org: Organization;
  let first: string;
  let second: string;
  const publish = (collectionId: string, objects: IncomingObject[]) =>
    publishObjects(test.opened.db, test.opened.store, collectionId, { orgId: org.id, userId: null }, objects, ORIGIN);
  const rows = (collectionId: string, id: string) =>
    test.opened.db
      .selectFrom('objects')
      .select(['version', 'multi_version', 'date_added'])
      .where('collection_id', '=', collectionId)
      .where('id', '=', id)
      .orderBy('version')
      .execute();

  beforeAll(async () => {
    test = await open();
    await test.opened.store.migrate();
    org = await createOrganization(test.opened.db, { name: 'Publisher' });
    first = (await test.opened.store.createCollection({ title: 'first' })).id;
    second = (await test.opened.store.createCollection({ title: 'second' })).id;
  });
  afterAll(async () => test.dispose());

  it('a version held only in another collection is added here, as a single version', async () => {
    const id = `note--${randomUUID()}`;
    await publish(first, [note(id, '2024-01-01T00:00:00.000Z')]);
    const here = await publish(second, [note(id, '2024-01-01T00:00:00.000Z')]);
    expect(here.results).toMatchObject([{ id, status: 'added' }]);
    expect(await rows(second, id)).toMatchObject([{ version: '2024-01-01T00:00:00.000000Z', multi_version: 0 }]);
    expect(await rows(first, id)).toMatchObject([{ multi_version: 0 }]);
  });

  it('a version held here is a duplicate with its first date_added; a new one flags both versions', async () => {
    const id = `note--${randomUUID()}`;
    const [added] = (await publish(second, [note(id, '2024-01-01T00:00:00.000Z')])).results;
    const again = await publish(second, [note(id, '2024-01-01T00:00:00.000Z'), note(id, '2024-02-01T00:00:00.000Z')]);
    expect(again.results).toMatchObject([
      { id, status: 'duplicate', dateAdded: added?.dateAdded },
      { id, status: 'added' },
    ]);
    expect((await rows(second, id)).map((r) => [r.version, Number(r.multi_version)])).toEqual([
      ['2024-01-01T00:00:00.000000Z', 1],
      ['2024-02-01T00:00:00.000000Z', 1],
    ]);
  });
}

describe('held versions on SQLite', () => heldSuite(openSqliteForTest));
describeIfPostgres('held versions on PostgreSQL', await postgresProblem(), () => heldSuite(openPostgresForTest));
