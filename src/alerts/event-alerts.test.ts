import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { grantCollection } from '../access/collection-grants.js';
import { createOrganization } from '../access/organizations.js';
import { createUser } from '../access/users.js';
import { Correlator } from '../correlate/correlator.js';
import { CITIES, group } from '../correlate/test-incidents.js';
import { buildReport, storeReport, type ReportSketch } from '../correlate/test-reports.js';
import { addPartner } from '../federation/partners.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../store/test-backends.js';
import { planAlerts, type NewAlert } from './alert-plan.js';
import { visibleAlerts, type AlertView } from './alert-records.js';
import { alertViewerOf, ownerPrincipal } from './alert-viewer.js';
import { withAlerts } from './alerts-schema.js';
import { AlertFollower } from './follower.js';
import { createWatchlist } from './watchlists.js';

const WEBHOOK = { url: 'https://hooks.example/alerts', secret: 'a-webhook-secret-of-length' };
const SECRET_KEY = 'k'.repeat(64);

/** One event reported by several outlets: correlated into one canonical incident (src/correlate) that gets a new version per report. */
const parisBombing = (outlet: string, perpetrator = 'Islamic State'): ReportSketch => ({
  outlet,
  published: '2024-12-15',
  date: '2024-12-15',
  place: CITIES.paris,
  killed: 6,
  perpetrators: [group(perpetrator)],
});

function eventSuite(open: () => Promise<TestStore>): void {
  let test: TestStore;
  let correlator: Correlator;
  let reports: string;
  let canonical: string;
  let userId: string;
  let orgId: string;

  beforeEach(async () => {
    test = await open();
    const { db, store } = test.opened;
    await store.migrate();
    orgId = (await createOrganization(db, { name: 'Agency' })).id;
    userId = (await createUser(db, { orgId, username: 'analyst', role: 'reader', password: 'a long enough password' })).id;
    let clock = Date.parse('2026-01-01T00:00:00.000Z');
    correlator = new Correlator(db, store, { clock: () => (clock += 1000) });
    reports = (await store.createCollection({ title: 'Reports' })).id;
    canonical = await correlator.canonicalCollection();
    for (const collectionId of [reports, canonical]) await grantCollection(db, { collectionId, orgId, canRead: true, canWrite: false });
  });
  afterEach(async () => test.dispose());

  async function report(sketch: ReportSketch): Promise<{ incidentId: string; canonicalId: string }> {
    const built = buildReport(sketch);
    await storeReport(test.opened.store, reports, built, { authorOrg: orgId, authorUser: null });
    const [outcome] = await correlator.correlateIncidents([built.incidentId]);
    if (outcome === undefined) throw new Error('the incident was not correlated');
    return { incidentId: built.incidentId, canonicalId: outcome.canonicalId };
  }

  async function alerts(): Promise<AlertView[]> {
    const principal = await ownerPrincipal(test.opened.db, userId);
    if (principal === undefined) throw new Error('no principal');
    return (await visibleAlerts(test.opened.db, await alertViewerOf(test.opened.db, principal), { limit: 50, order: 'newest' })).map((a) => a.view);
  }

  async function deliveries(): Promise<number> {
    const rows = await withAlerts(test.opened.db).selectFrom('alert_deliveries').select('alert_seq').execute();
    return rows.length;
  }

  it('alerts once per event: the canonical incident and its later versions update the alert raised by the report', async () => {
    const follower = new AlertFollower({ db: test.opened.db });
    const watchlist = await createWatchlist({ db: test.opened.db, secretKey: SECRET_KEY }, userId, { name: 'IS', match: { groups: ['Islamic State'] }, webhook: WEBHOOK });

    // The report's own incident arrives; the follower matches it before the correlator's canonical version exists.
    const built = buildReport(parisBombing('Deutsche Welle'));
    await storeReport(test.opened.store, reports, built, { authorOrg: orgId, authorUser: null });
    expect(await follower.catchUp()).toBe(1);
    const [first] = await alerts();
    expect(first).toMatchObject({ watchlistId: watchlist.id, objectId: built.incidentId, collection: reports });

    // The correlator writes the canonical incident: the same event, so the alert moves to it without a new notification.
    const [outcome] = await correlator.correlateIncidents([built.incidentId]);
    const canonicalId = outcome?.canonicalId ?? '';
    expect(await follower.catchUp()).toBe(0);
    expect(await alerts()).toMatchObject([{ id: first?.id, objectId: canonicalId, incidentId: canonicalId, collection: canonical, reasons: ['group: Islamic State'] }]);

    // Two more reports of the event: each new canonical version and each report incident updates the one alert.
    const afp = await report(parisBombing('AFP'));
    const tass = await report(parisBombing('TASS'));
    expect([afp.canonicalId, tass.canonicalId]).toEqual([canonicalId, canonicalId]);
    expect(await follower.catchUp()).toBe(0);
    const after = await alerts();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: first?.id, objectId: canonicalId, collection: canonical });
    expect(await deliveries()).toBe(1);
  });

  it('an alert raised for an incident pulled from a partner still names the partner once it moves to the canonical incident', async () => {
    const follower = new AlertFollower({ db: test.opened.db });
    await createWatchlist({ db: test.opened.db, secretKey: SECRET_KEY }, userId, { name: 'IS or AQ', match: { groups: ['Islamic State', 'al-Qaida'] } });
    const allied = await createOrganization(test.opened.db, { name: 'Allied Agency' });
    const partner = await addPartner(test.opened.db, SECRET_KEY, {
      name: 'allied',
      discoveryUrl: 'http://127.0.0.1:9/taxii2/',
      credentials: { kind: 'token', token: 'unused-in-this-test' },
      orgIds: [allied.id],
      receiverOrgIds: [orgId],
    });
    // As federation/pull.ts stores a page: the partner beside the objects.
    const built = buildReport(parisBombing('Deutsche Welle'));
    await storeReport(test.opened.store, reports, built, { authorOrg: orgId, authorUser: null, partner: partner.id });
    expect(await follower.catchUp()).toBe(1);
    const [first] = await alerts();
    expect(first).toMatchObject({ objectId: built.incidentId, partner: 'allied' });

    // The canonical incident is the correlator's, from no partner: the alert moves to it and keeps where it came from.
    const [outcome] = await correlator.correlateIncidents([built.incidentId]);
    expect(await follower.catchUp()).toBe(0);
    expect(await alerts()).toMatchObject([{ id: first?.id, objectId: outcome?.canonicalId, collection: canonical, partner: 'allied' }]);

    // A local report of the event blaming the other followed group raises it again on the canonical incident: still from the partner.
    const local = await report(parisBombing('AFP', 'al-Qaida'));
    expect(local.canonicalId).toBe(outcome?.canonicalId);
    expect(await follower.catchUp()).toBe(1);
    expect(await alerts()).toMatchObject([{ id: first?.id, objectId: outcome?.canonicalId, reasons: ['group: Islamic State', 'group: al-Qaida'], partner: 'allied' }]);
  });

  it('an alert raised for a local report names no partner', async () => {
    const follower = new AlertFollower({ db: test.opened.db });
    await createWatchlist({ db: test.opened.db, secretKey: SECRET_KEY }, userId, { name: 'IS', match: { groups: ['Islamic State'] } });
    await report(parisBombing('Deutsche Welle'));
    expect(await follower.catchUp()).toBe(1);
    expect((await alerts())[0]?.partner).toBeUndefined();
  });

  it('a later version that matches for something new raises the same alert again, with both reasons', async () => {
    const follower = new AlertFollower({ db: test.opened.db });
    await createWatchlist({ db: test.opened.db, secretKey: SECRET_KEY }, userId, { name: 'IS or AQ', match: { groups: ['Islamic State', 'al-Qaida'] }, webhook: WEBHOOK });
    const dw = await report(parisBombing('Deutsche Welle'));
    expect(await follower.catchUp()).toBe(1);
    const [first] = await alerts();
    expect(first).toMatchObject({ objectId: dw.canonicalId, reasons: ['group: Islamic State'] });

    // A report of the same event blaming another followed group: new to the alert, so it is raised again (one alert, a new number).
    const other = await report(parisBombing('AFP', 'al-Qaida'));
    expect(other.canonicalId).toBe(dw.canonicalId);
    expect(await follower.catchUp()).toBe(1);
    const again = await alerts();
    expect(again).toHaveLength(1);
    expect(again[0]?.id).toBe(first?.id);
    expect(again[0]?.reasons).toEqual(['group: Islamic State', 'group: al-Qaida']);
    // Its webhook delivery starts over for what is new.
    expect(await deliveries()).toBe(1);
  });

  it('a place watchlist matches a canonical incident through the location its reports hold, once per event', async () => {
    const follower = new AlertFollower({ db: test.opened.db });
    // The report arrives before the watchlist: only the correlator's canonical incident, written later, is new to it.
    const built = buildReport(parisBombing('Deutsche Welle'));
    await storeReport(test.opened.store, reports, built, { authorOrg: orgId, authorUser: null });
    expect(await follower.catchUp()).toBe(0);
    await createWatchlist({ db: test.opened.db, secretKey: undefined }, userId, { name: 'France', match: { countries: ['FR'] } });
    const [outcome] = await correlator.correlateIncidents([built.incidentId]);
    const canonicalId = outcome?.canonicalId ?? '';
    expect(await follower.catchUp()).toBe(1);
    expect(await alerts()).toMatchObject([{ objectId: canonicalId, collection: canonical, reasons: ['place: Paris (FR)'] }]);

    // Another report of the event: its incident and the canonical incident's new version keep to the one alert.
    await report(parisBombing('AFP'));
    expect(await follower.catchUp()).toBe(0);
    expect(await alerts()).toMatchObject([{ objectId: canonicalId, reasons: ['place: Paris (FR)'] }]);
  });

  it('the place of a canonical incident counts only for a user who may read a collection holding its location', async () => {
    const { db } = test.opened;
    const outsider = await createOrganization(db, { name: 'Canonical only' });
    const reader = await createUser(db, { orgId: outsider.id, username: 'outsider', role: 'reader', password: 'a long enough password' });
    await grantCollection(db, { collectionId: canonical, orgId: outsider.id, canRead: true, canWrite: false });
    await createWatchlist({ db, secretKey: undefined }, reader.id, { name: 'France', match: { countries: ['FR'] } });
    await createWatchlist({ db, secretKey: undefined }, reader.id, { name: 'IS', match: { groups: ['Islamic State'] } });
    await report(parisBombing('Deutsche Welle'));
    expect(await new AlertFollower({ db }).catchUp()).toBe(1);
    const principal = await ownerPrincipal(db, reader.id);
    if (principal === undefined) throw new Error('no principal');
    const seen = await visibleAlerts(db, await alertViewerOf(db, principal), { limit: 10, order: 'newest' });
    expect(seen.map((a) => a.view.reasons)).toEqual([['group: Islamic State']]);
  });

  it('another event is another alert', async () => {
    const follower = new AlertFollower({ db: test.opened.db });
    await createWatchlist({ db: test.opened.db, secretKey: undefined }, userId, { name: 'IS', match: { groups: ['Islamic State'] } });
    const paris = await report(parisBombing('Deutsche Welle'));
    const lyon = await report({ ...parisBombing('AFP'), place: CITIES.lyon, date: '2024-11-02', published: '2024-11-02' });
    expect(lyon.canonicalId).not.toBe(paris.canonicalId);
    expect(await follower.catchUp()).toBe(2);
    expect((await alerts()).map((a) => a.objectId).sort()).toEqual([paris.canonicalId, lyon.canonicalId].sort());
  });
}

describe('alerts per event on SQLite', () => eventSuite(openSqliteForTest));

const problem = await postgresProblem();
describeIfPostgres('alerts per event on PostgreSQL', problem, () => eventSuite(openPostgresForTest));

describe('planning a step against the alerts held for its events', () => {
  const alert = (objectId: string, ids: string[], canonical: boolean, reasons = ['group: Islamic State']): NewAlert => ({
    watchlistId: 'w', userId: 'u', objectId, objectAdded: 1, incidentId: objectId, title: objectId, reasons, webhook: false, event: { ids: [objectId, ...ids], canonical },
  });
  const held = { seq: 7, id: 'alert-1', watchlistId: 'w', objectId: 'canonical', reasons: ['group: Islamic State'], partner: null };

  it('another report incident of an event alerted through its canonical incident changes nothing', () => {
    expect(planAlerts([held], [alert('report-b', ['canonical'], false)])).toEqual([]);
  });

  it('a newer version of the alerted object, or the canonical incident, moves the alert silently', () => {
    expect(planAlerts([held], [alert('canonical', ['report-a'], true)]).map((a) => a.kind)).toEqual(['update']);
    expect(planAlerts([{ ...held, objectId: 'report-a' }], [alert('report-a', [], false)]).map((a) => a.kind)).toEqual(['update']);
  });

  it('two objects of one new event in one step make one alert, on the canonical incident', () => {
    const actions = planAlerts([], [alert('report-a', ['canonical'], false), alert('canonical', ['report-a'], true)]);
    expect(actions).toMatchObject([{ kind: 'raise', alert: { objectId: 'canonical' } }]);
  });

  it('another watchlist of the same user gets its own alert', () => {
    expect(planAlerts([held], [{ ...alert('canonical', [], true), watchlistId: 'v' }]).map((a) => a.kind)).toEqual(['raise']);
  });
});
