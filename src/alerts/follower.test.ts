import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { grantCollection } from '../access/collection-grants.js';
import { createOrganization } from '../access/organizations.js';
import { createUser } from '../access/users.js';
import { INCIDENT_EXTENSION_ID } from '../stix/extensions.js';
import { deterministicId, randomId } from '../stix/identifier.js';
import type { StixObject } from '../stix/stix-object.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../store/test-backends.js';
import { visibleAlerts } from './alert-records.js';
import { alertViewerOf, ownerPrincipal } from './alert-viewer.js';
import { AlertFollower } from './follower.js';
import { createWatchlist } from './watchlists.js';

const IS = deterministicId('intrusion-set', { name: 'Islamic State' });

/** One write holding an incident in Syria attributed to the Islamic State, incident first as ingest writes it. */
function attack(): StixObject[] {
  const now = new Date().toISOString();
  const common = { spec_version: '2.1', created: now, modified: now };
  const incident = randomId('incident');
  const location = randomId('location');
  return [
    {
      type: 'incident',
      id: incident,
      ...common,
      name: 'Bombing in Raqqa',
      extensions: { [INCIDENT_EXTENSION_ID]: { extension_type: 'property-extension', attack_types: ['Bombing/Explosion'] } },
    },
    { type: 'note', id: randomId('note'), ...common, content: 'filler', object_refs: [incident] },
    { type: 'location', id: location, ...common, name: 'Raqqa', country: 'SY', latitude: 35.95, longitude: 39.01 },
    { type: 'intrusion-set', id: IS, ...common, name: 'Islamic State', aliases: ['ISIS'] },
    { type: 'relationship', id: randomId('relationship'), ...common, relationship_type: 'located-at', source_ref: incident, target_ref: location },
    { type: 'relationship', id: randomId('relationship'), ...common, relationship_type: 'attributed-to', source_ref: incident, target_ref: IS },
  ];
}

function followerSuite(open: () => Promise<TestStore>): void {
  let test: TestStore;
  beforeEach(async () => {
    test = await open();
    await test.opened.store.migrate();
  });
  afterEach(async () => test.dispose());

  it('matches an incident whose pieces a step boundary cuts apart, once, with every dimension', async () => {
    const { db, store } = test.opened;
    const org = await createOrganization(db, { name: 'Agency' });
    const user = await createUser(db, { orgId: org.id, username: 'analyst', role: 'reader', password: 'a long enough password' });
    const collection = await store.createCollection({ title: 'Intel' });
    await grantCollection(db, { collectionId: collection.id, orgId: org.id, canRead: true, canWrite: false });
    await createWatchlist({ db, secretKey: undefined }, user.id, { name: 'IS in Syria', match: { groups: ['ISIS'], countries: ['SY'] } });
    const objects = attack();
    await store.addObjects(collection.id, objects.map((object) => ({ object, json: JSON.stringify(object), tlp: 'green' as const })), {
      authorOrg: org.id,
      authorUser: null,
    });

    // Steps of two rows: the incident and its relationships land in different steps.
    const raised = await new AlertFollower({ db, stepRows: 2 }).catchUp();
    expect(raised).toBe(1);
    expect(await new AlertFollower({ db, stepRows: 2 }).catchUp()).toBe(0);
    const principal = await ownerPrincipal(db, user.id);
    if (principal === undefined) throw new Error('no principal');
    const alerts = await visibleAlerts(db, await alertViewerOf(db, principal), { limit: 10, order: 'newest' });
    expect(alerts.map((a) => a.view)).toMatchObject([{ objectId: objects[0]?.id, reasons: ['group: ISIS', 'place: Raqqa (SY)'] }]);
  });

  it('raises nothing for a user whose organisation may not read the collection, nor for rows older than the watchlist', async () => {
    const { db, store } = test.opened;
    const org = await createOrganization(db, { name: 'Agency' });
    const user = await createUser(db, { orgId: org.id, username: 'analyst', role: 'reader', password: 'a long enough password' });
    const collection = await store.createCollection({ title: 'Not granted' });
    const before = attack();
    await store.addObjects(collection.id, before.map((object) => ({ object, json: JSON.stringify(object), tlp: 'clear' as const })), {
      authorOrg: null,
      authorUser: null,
    });
    await createWatchlist({ db, secretKey: undefined }, user.id, { name: 'IS', match: { groups: ['Islamic State'] } });
    const follower = new AlertFollower({ db });
    expect(await follower.catchUp()).toBe(0);
    const after = attack();
    await store.addObjects(collection.id, after.map((object) => ({ object, json: JSON.stringify(object), tlp: 'clear' as const })), {
      authorOrg: null,
      authorUser: null,
    });
    expect(await follower.catchUp()).toBe(0);
    await grantCollection(db, { collectionId: collection.id, orgId: org.id, canRead: true, canWrite: false });
    const later = attack();
    await store.addObjects(collection.id, later.map((object) => ({ object, json: JSON.stringify(object), tlp: 'clear' as const })), {
      authorOrg: null,
      authorUser: null,
    });
    expect(await follower.catchUp()).toBe(1);
  });
}

describe('alert follower on SQLite', () => followerSuite(openSqliteForTest));

const problem = await postgresProblem();
describeIfPostgres('alert follower on PostgreSQL', problem, () => followerSuite(openPostgresForTest));
