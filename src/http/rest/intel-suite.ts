import { afterAll, beforeAll, expect, it } from 'vitest';
import { grantCollection } from '../../access/collection-grants.js';
import { createSharingGroup } from '../../access/sharing-groups.js';
import { CorrelationFollower } from '../../correlate/correlation-follower.js';
import { Correlator, canonicalIdOf } from '../../correlate/correlator.js';
import { CITIES } from '../../correlate/test-incidents.js';
import { buildReport, storeReport } from '../../correlate/test-reports.js';
import { readSeedArticle } from '../../shared-folder.js';
import { ENTENTE_IDENTITY, INCIDENT_EXTENSION_ID, PROVENANCE_EXTENSION_ID } from '../../stix/extensions.js';
import { randomId } from '../../stix/identifier.js';
import type { StixObject } from '../../stix/stix-object.js';
import { tlpMarkingId } from '../../stix/tlp.js';
import type { TestStore } from '../../store/test-backends.js';
import { startTestServer, type TaxiiTestServer } from '../test-server.js';
import { applyCorrections } from './ingest-corrections.js';
import { MAX_MAP_CLUSTERS } from './intel-incidents.js';
import { expectRestError, restClient, signIn, type RestClient } from './rest-test-client.js';

/**
 * The Intelligence endpoints over real HTTP (REST.md): ingest preview and
 * publish of the seed article as AMBER to a sharing group, then feed, search,
 * map, timeline, detail, report and actor pages for a member and for an
 * organisation outside the group; each feed filter on synthetic incidents;
 * paging exactly once; clustering bounded.
 */
const SYNTHETIC = 60;
const ISLAMIC_STATE = 'intrusion-set--805a39ee-5b9f-55b6-a744-59ee5abd4af6';
const BAGHDAD = 'BAGHDAD, 14 May 2016 (Tigris Wire) - A car bomb exploded at a market in Baghdad on Saturday, killing 20 people and wounding 45, police said.';

export function intelSuite(open: () => Promise<TestStore>): void {
  let server: TaxiiTestServer;
  let writer: RestClient;
  let outsider: RestClient;
  let incidentId: string;
  let reportId: string;
  let orgA: string;
  let groupId: string;

  beforeAll(async () => {
    server = await startTestServer(open);
    const orgs = await server.db.selectFrom('organizations').select(['id', 'name']).execute();
    orgA = orgs.find((o) => o.name === 'Agency A')?.id as string;
    const orgB = orgs.find((o) => o.name === 'Agency B')?.id as string;
    // B may read the collection: only the marking and the sharing group keep the incident from it.
    await grantCollection(server.db, { collectionId: server.sharedId, orgId: orgB, canRead: true, canWrite: false });
    const group = await createSharingGroup(server.db, { name: 'Caucasus cell', ownerOrg: orgA });
    groupId = group.id;
    writer = await signIn(server, 'writer');
    outsider = await signIn(server, 'outsider');

    const preview = await writer.post('/ingest/preview', { text: readSeedArticle(), outlet: 'Deutsche Welle digest', published: '2017-03-24' });
    expect(preview.status, preview.text).toBe(200);
    const chechnya = (preview.body.incidents as { id: string; place: { name?: string } }[]).find((i) => i.place.name === 'Chechnya');
    expect(chechnya).toBeDefined();
    incidentId = (chechnya as { id: string }).id;
    reportId = preview.body.report.id;
    const published = await writer.post('/ingest/publish', {
      bundle: preview.body.bundle,
      collection: server.sharedId,
      marking: 'amber',
      sharingGroup: group.id,
      corrections: [{ objectId: incidentId, field: 'event_date', value: '2017-03-24' }],
    });
    expect(published.status, published.text).toBe(200);
    expect(published.body.rejected).toEqual([]);
    expect(published.body.incidentIds).toContain(incidentId);

    await server.store.addObjects(server.sharedId, syntheticIncidents().map((object) => ({ object, json: JSON.stringify(object), tlp: 'clear' })), {
      authorOrg: orgA,
      authorUser: null,
    });
  }, 120_000);
  afterAll(async () => server.close());

  it('previews extraction with spans: the Deutsche Welle figure is a casualty span of the report text', async () => {
    const report = await writer.get(`/reports/${reportId}`);
    expect(report.status, report.text).toBe(200);
    const casualty = (report.body.annotations as { kind: string; start: number; end: number; label: string }[]).find((a) => a.kind === 'casualty');
    expect(casualty).toBeDefined();
    const { start, end } = casualty as { start: number; end: number };
    expect(report.body.text.slice(start, end)).toMatch(/servicemen|soldiers|six/i);
    const sentence = report.body.text.slice(Math.max(0, start - 200), end + 200);
    expect(sentence).toContain('Deutsche Welle');
    expect(report.body.annotations.some((a: { kind: string; label: string }) => a.kind === 'source' && a.label === 'Deutsche Welle')).toBe(true);
  });

  it('a member of the sharing group finds the incident in feed, search, map, timeline, detail and actor pages', async () => {
    const feed = await writer.get('/incidents?country=RU&limit=500');
    expect(feed.status, feed.text).toBe(200);
    const item = feed.body.items.find((i: { id: string }) => i.id === incidentId);
    expect(item).toMatchObject({ marking: 'amber', date: { value: '2017-03-24', precision: 'day' }, place: { country: 'RU', countryName: 'Russia' } });
    expect(item.perpetrators).toEqual([{ id: ISLAMIC_STATE, name: 'Islamic State', claimed: true }]);

    const search = await writer.get('/search?q=Kadyrov');
    expect(search.body.items.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining([reportId, incidentId]));
    const byText = await writer.get('/incidents?q=National%20Guard%20base');
    expect(byText.body.items.map((i: { id: string }) => i.id)).toContain(incidentId);

    const map = await writer.get('/incidents/map?zoom=8&bbox=40,40,50,46');
    expect(map.body.points.map((p: { id: string }) => p.id)).toContain(incidentId);
    const timeline = await writer.get('/incidents/timeline?from=2017-03&to=2017-03&bucket=month');
    expect(timeline.body.buckets).toEqual([{ start: '2017-03-01', incidents: 1, reports: 1, killed: expect.any(Number) }]);

    const detail = await writer.get(`/incidents/${incidentId}`);
    expect(detail.status, detail.text).toBe(200);
    expect(detail.body.sharingGroup).toMatchObject({ name: 'Caucasus cell' });
    const killed = detail.body.fields.find((f: { field: string }) => f.field === 'killed');
    expect(killed.values[0].evidence.text).toMatch(/servicemen|soldiers|six/i);
    expect(detail.body.claims[0]).toMatchObject({ group: { id: ISLAMIC_STATE, name: 'Islamic State' }, reportedBy: 'SITE Intelligence Group' });
    expect(detail.body.quotes.some((q: { speaker: { name: string } }) => q.speaker.name === 'Ramzan Kadyrov')).toBe(true);

    const actor = await writer.get(`/actors/${ISLAMIC_STATE}`);
    expect(actor.status, actor.text).toBe(200);
    expect(actor.body.incidents.map((i: { id: string }) => i.id)).toContain(incidentId);
    expect(actor.body.graph.edges.length).toBeGreaterThan(0);
    // Each alias names the report it came from: its title and outlet, and an incident of it to open.
    const isis = actor.body.aliases.find((a: { alias: string }) => a.alias === 'ISIS');
    expect(isis?.source).toMatchObject({ report: reportId, outlet: 'Deutsche Welle digest', incident: expect.stringMatching(/^incident--/) });
    expect(isis?.source.name).toEqual(expect.stringMatching(/\S/));
    expect(isis?.source.name).toEqual((await writer.get(`/reports/${reportId}`)).body.title);
    expect(isis?.source.partner).toBeUndefined();
  });

  it('an organisation outside the AMBER sharing group never sees the incident, its report text or its counts', async () => {
    const feed = await outsider.get('/incidents?limit=500');
    expect(feed.status).toBe(200);
    expect(feed.body.items.map((i: { id: string }) => i.id)).not.toContain(incidentId);
    expect(feed.body.items.every((i: { marking: string }) => i.marking === 'clear')).toBe(true);
    expect((await outsider.get('/incidents?q=Kadyrov')).body.items).toEqual([]);
    expect((await outsider.get('/search?q=Kadyrov')).body.items).toEqual([]);
    expect((await outsider.get('/search?q=Islamic')).body.items).toEqual([]);
    const map = await outsider.get('/incidents/map?zoom=8&bbox=40,40,50,46');
    expect(map.body).toEqual({ points: [], clusters: [] });
    const world = await outsider.get('/incidents/map?zoom=0');
    expect([...world.body.points, ...world.body.clusters].reduce((n: number, c: { count?: number }) => n + (c.count ?? 1), 0)).toBe(SYNTHETIC);
    const timeline = await outsider.get('/incidents/timeline?from=2017-03&to=2017-03&bucket=month');
    expect(timeline.body.buckets).toEqual([]);
    // Filtered by the incident's country, the timeline's incident bars read the filtered counts (migration 1400): none for the outsider.
    const countryIncidents = async (client: typeof writer) =>
      ((await client.get('/incidents/timeline?country=RU&bucket=year')).body.buckets as { incidents: number }[]).reduce((n, b) => n + b.incidents, 0);
    expect(await countryIncidents(writer)).toBeGreaterThan(0);
    expect(await countryIncidents(outsider)).toBe(0);
    expectRestError(await outsider.get(`/incidents/${incidentId}`), 404, 'not_found');
    expectRestError(await outsider.get(`/reports/${reportId}`), 404, 'not_found');
    expectRestError(await outsider.get(`/actors/${ISLAMIC_STATE}`), 404, 'not_found');
    // The same answers as for an id that does not exist.
    expectRestError(await outsider.get(`/incidents/${randomId('incident')}`), 404, 'not_found');
  });

  it('an alias from a report the viewer may not read gives its id only, never its title or outlet', async () => {
    const orgA = (await server.db.selectFrom('organizations').select('id').where('name', '=', 'Agency A').executeTakeFirstOrThrow()).id;
    const group = {
      type: 'intrusion-set', spec_version: '2.1', id: randomId('intrusion-set'), created: NOW, modified: NOW, name: 'Hidden Origin Front', aliases: ['HOF'],
      extensions: { [PROVENANCE_EXTENSION_ID]: { extension_type: 'property-extension', report_ref: reportId, evidence: [] } },
    } as StixObject;
    await server.store.addObjects(server.sharedId, [{ object: group, json: JSON.stringify(group), tlp: 'clear' }], { authorOrg: orgA, authorUser: null });
    const hidden = await outsider.get(`/actors/${group.id}`);
    expect(hidden.status, hidden.text).toBe(200);
    expect(hidden.body.aliases).toEqual([{ alias: 'HOF', source: { report: reportId } }]);
    expect(hidden.text).not.toContain('Deutsche Welle');
    const shown = await writer.get(`/actors/${group.id}`);
    expect(shown.body.aliases[0].source).toMatchObject({ report: reportId, outlet: 'Deutsche Welle digest', name: expect.stringMatching(/\S/) });
  });

  it('each feed filter selects exactly the incidents that match it', async () => {
    const ids = async (query: string) => {
      const answer = await writer.get(`/incidents?limit=500&${query}`);
      expect(answer.status, answer.text).toBe(200);
      return new Set<string>(answer.body.items.filter((i: { name: string }) => i.name.startsWith('Synthetic')).map((i: { name: string }) => i.name));
    };
    const expected = (pick: (n: number) => boolean) => new Set(Array.from({ length: SYNTHETIC }, (_, n) => n).filter(pick).map((n) => `Synthetic ${n}`));
    expect(await ids('country=FR')).toEqual(expected((n) => n % 3 === 0));
    expect(await ids('country=fr,de')).toEqual(expected((n) => n % 3 !== 2));
    expect(await ids('region=Bavaria')).toEqual(expected((n) => n % 3 === 1));
    expect(await ids('attackType=Bombing%2FExplosion')).toEqual(expected((n) => n % 2 === 0));
    expect(await ids('targetType=Military')).toEqual(expected((n) => n % 5 === 0));
    expect(await ids('minKilled=50')).toEqual(expected((n) => n >= 50));
    expect(await ids('minCasualties=100')).toEqual(expected((n) => n + 2 * n >= 100));
    expect(await ids('from=2010-01-10&to=2010-01-19')).toEqual(expected((n) => n >= 9 && n <= 18));
    expect(await ids('group=Test%20Front')).toEqual(expected((n) => n % 4 === 0));
    expect(await ids('source=Wire%20Agency')).toEqual(expected((n) => n % 6 === 0));
    expect(await ids('marking=clear')).toEqual(expected(() => true));
    expect(await ids('marking=amber')).toEqual(new Set());
    expect(await ids('bbox=0,40,5,50')).toEqual(expected((n) => n % 3 === 0));
    expectRestError(await writer.get('/incidents?bbox=1,2,3'), 400, 'validation');
    expectRestError(await writer.get('/incidents?from=2010-02-30'), 400, 'validation');
    expectRestError(await writer.get('/incidents?marking=purple'), 400, 'validation');
    expectRestError(await writer.get('/incidents?colour=red'), 400, 'validation');
  });

  it('pages newest first, every incident exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let previous = '9999-12-31';
    do {
      const answer = await writer.get(`/incidents?limit=7${cursor === undefined ? '' : `&cursor=${cursor}`}`);
      expect(answer.status, answer.text).toBe(200);
      expect(answer.headers.get('x-entente-applied-limit')).toBe('7');
      for (const item of answer.body.items as { id: string; date: { value: string } }[]) {
        expect(item.date.value <= previous).toBe(true);
        previous = item.date.value;
        seen.push(item.id);
      }
      cursor = answer.body.next;
    } while (cursor !== undefined);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(SYNTHETIC + 1);
    expectRestError(await writer.get('/incidents?cursor=not-a-cursor!'), 400, 'validation');
  });

  it('clusters the world view within bounds and shows points when zoomed in', async () => {
    // Enough incidents in the southern hemisphere that a world view must be clustered.
    const many: StixObject[] = [];
    for (let n = 0; n < 400; n += 1) {
      const incident = synthetic(2000 + n);
      const location = { type: 'location', spec_version: '2.1', id: randomId('location'), created: NOW, modified: NOW, name: `Spot ${n}`, country: 'AU', latitude: -30 + (n % 20), longitude: 110 + Math.floor(n / 20) * 2 };
      many.push(incident, location as StixObject, { type: 'relationship', spec_version: '2.1', id: randomId('relationship'), created: NOW, modified: NOW, relationship_type: 'located-at', source_ref: incident.id, target_ref: location.id } as StixObject);
    }
    await server.store.addObjects(server.sharedId, many.map((object) => ({ object, json: JSON.stringify(object), tlp: 'clear' })), { authorOrg: null, authorUser: null });
    const world = await writer.get('/incidents/map?zoom=0');
    expect(world.body.points).toEqual([]);
    expect(world.body.clusters.length).toBeGreaterThan(1);
    expect(world.body.clusters.length).toBeLessThanOrEqual(MAX_MAP_CLUSTERS);
    expect(world.body.clusters.reduce((n: number, c: { count: number }) => n + c.count, 0)).toBe(SYNTHETIC + 1 + 400);
    const outsiderWorld = await outsider.get('/incidents/map?zoom=0');
    expect(outsiderWorld.body.clusters.reduce((n: number, c: { count: number }) => n + c.count, 0)).toBe(SYNTHETIC + 400);
    const near = await writer.get('/incidents/map?zoom=9&bbox=0,40,5,50');
    expect(near.body.clusters).toEqual([]);
    expect(near.body.points).toHaveLength(SYNTHETIC / 3);
    // Projecting 1,200 objects costs a few round trips each: on a loaded PostgreSQL that is tens of seconds.
  }, 180_000);

  it('the read model follows objects in any order: a relationship stored before its incident still places it', async () => {
    const incident = synthetic(1000);
    const location = { type: 'location', spec_version: '2.1', id: randomId('location'), created: NOW, modified: NOW, name: 'Lyon', country: 'FR', city: 'Lyon', latitude: 45.76, longitude: 4.83 };
    const link = { type: 'relationship', spec_version: '2.1', id: randomId('relationship'), created: NOW, modified: NOW, relationship_type: 'located-at', source_ref: incident.id, target_ref: location.id };
    const add = (object: StixObject) => server.store.addObjects(server.sharedId, [{ object, json: JSON.stringify(object), tlp: 'clear' }], { authorOrg: null, authorUser: null });
    await add(link as StixObject);
    expect((await writer.get('/incidents?country=FR&limit=500')).body.items.some((i: { id: string }) => i.id === incident.id)).toBe(false);
    await add(incident);
    await add(location as StixObject);
    const item = (await writer.get('/incidents?country=FR&limit=500')).body.items.find((i: { id: string }) => i.id === incident.id);
    expect(item).toMatchObject({ place: { name: 'Lyon', city: 'Lyon', lat: 45.76 } });
  });

  it('a correlated incident keeps, for every report\'s value, the span of that report it was read from', async () => {
    const reports = ['Reuters', 'BBC'].map((outlet) => buildReport({ outlet, published: '2025-02-02', date: '2025-02-01', place: CITIES.lyon, killed: 3 }));
    for (const report of reports) await storeReport(server.store, server.sharedId, report, { authorOrg: null, authorUser: null }, 'clear');
    await new CorrelationFollower(server.db, new Correlator(server.db, server.store)).catchUp();
    expect(await canonicalIdOf(server.db, reports[0]?.incidentId as string)).toBeDefined();
    await writer.get('/incidents?limit=1'); // The read model projects what was stored before it answers.

    const detail = await writer.get(`/incidents/${reports[0]?.incidentId as string}`);
    expect(detail.status, detail.text).toBe(200);
    expect(detail.body.canonical).toBe(true);
    const killed = (detail.body.fields as { field: string; values: { report: { id: string }; evidence?: { reportId: string; start: number; end: number; text: string } }[] }[]).find((f) => f.field === 'killed');
    expect(killed?.values.map((v) => v.report.id).sort()).toEqual(reports.map((r) => r.reportId).sort());
    for (const value of killed?.values ?? []) {
      expect(value.evidence?.reportId).toBe(value.report.id);
      const source = await writer.get(`/reports/${value.report.id}`);
      expect(source.status, source.text).toBe(200);
      expect(source.body.text.slice(value.evidence?.start, value.evidence?.end)).toBe(value.evidence?.text);
    }
  });

  it('refuses ingest to readers and publishing where the organisation may not write', async () => {
    const reader = restClient(server, server.auth.reader);
    expectRestError(await reader.post('/ingest/preview', { text: 'A bomb exploded in Paris.' }), 403, 'forbidden');
    const preview = await writer.post('/ingest/preview', { text: 'A bomb exploded in Lyon on 3 May 2016, killing two people.', published: '2016-05-04', language: 'en' });
    expect(preview.status, preview.text).toBe(200);
    expectRestError(await writer.post('/ingest/publish', { bundle: preview.body.bundle, collection: server.readOnlyId, marking: 'green' }), 403, 'forbidden');
    expectRestError(await writer.post('/ingest/publish', { bundle: preview.body.bundle, collection: server.hiddenId, marking: 'green' }), 404, 'not_found');
    expectRestError(await writer.post('/ingest/publish', { bundle: preview.body.bundle, collection: server.sharedId, marking: 'green', recipients: ['reader'] }), 400, 'validation');
  });

  // Last: the incident it adds would change the totals the tests above count.
  it('filters by the partner an incident came from: the feed lists it alone, the map and the timeline count it alone', async () => {
    const partner = 'partner-suite-test';
    const incident = synthetic(5000);
    const place = { type: 'location', spec_version: '2.1', id: randomId('location'), created: NOW, modified: NOW, name: 'Reykjavik', country: 'IS', city: 'Reykjavik', latitude: 64.15, longitude: -21.94 };
    const link = { type: 'relationship', spec_version: '2.1', id: randomId('relationship'), created: NOW, modified: NOW, relationship_type: 'located-at', source_ref: incident.id, target_ref: place.id };
    await server.store.addObjects(server.sharedId, [incident, place as StixObject, link as StixObject].map((object) => ({ object, json: JSON.stringify(object), tlp: 'clear' })), {
      authorOrg: null,
      authorUser: null,
      partner,
    });

    const feed = await writer.get(`/incidents?partner=${partner}&limit=500`);
    expect(feed.status, feed.text).toBe(200);
    expect(feed.body.items.map((i: { id: string; partner?: string }) => [i.id, i.partner])).toEqual([[incident.id, partner]]);
    // Control: unfiltered, the feed holds it among the others, and the others came from no partner.
    const all = (await writer.get('/incidents?limit=500')).body.items as { id: string; partner?: string }[];
    expect(all.length).toBeGreaterThan(1);
    expect(all.filter((i) => i.partner !== undefined).map((i) => i.id)).toEqual([incident.id]);
    expect((await writer.get('/incidents?partner=partner-nobody&limit=500')).body.items).toEqual([]);

    const world = await writer.get(`/incidents/map?zoom=0&partner=${partner}`);
    expect(world.status, world.text).toBe(200);
    const counted = world.body.points.length + world.body.clusters.reduce((n: number, c: { count: number }) => n + c.count, 0);
    expect(counted).toBe(1);
    const near = await writer.get(`/incidents/map?zoom=8&bbox=-25,62,-18,66&partner=${partner}`);
    expect(near.body.points.map((p: { id: string }) => p.id)).toEqual([incident.id]);
    expect(near.body.clusters).toEqual([]);

    const timeline = await writer.get(`/incidents/timeline?from=2000&to=2030&bucket=year&partner=${partner}`);
    expect(timeline.status, timeline.text).toBe(200);
    const buckets = timeline.body.buckets as { start: string; incidents: number }[];
    expect(buckets.filter((b) => b.incidents > 0)).toEqual([expect.objectContaining({ start: '2010-01-01', incidents: 1 })]);
  });

  it('a corrected field says who corrected it, when, and what the extraction said, only to a viewer who may read the correction note', async () => {
    // The seed incident's date was corrected on publishing: the analyst's value is not credited to the outlet.
    const seed = await writer.get(`/incidents/${incidentId}`);
    expect(seed.status, seed.text).toBe(200);
    const date = seed.body.fields.find((f: { field: string }) => f.field === 'date');
    expect(date.values[0]).toMatchObject({ value: '2017-03-24', corrected: { by: 'writer', at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), noteId: expect.stringMatching(/^note--/) } });
    expect(date.values[0].corrected).toHaveProperty('extracted');
    expect(seed.body.corrections).toEqual([expect.objectContaining({ field: 'date', by: 'writer' })]);

    // An incident Agency B may read, whose correction note only the sharing group (Agency A) may.
    const preview = await writer.post('/ingest/preview', { text: BAGHDAD, outlet: 'Tigris Wire', published: '2016-05-14' });
    expect(preview.status, preview.text).toBe(200);
    const incident = (preview.body.incidents as { id: string }[])[0]?.id as string;
    expect(incident).toMatch(/^incident--/);
    const { objects, record } = applyCorrections(preview.body.bundle.objects as StixObject[], [{ objectId: incident, field: 'victims_killed', value: 21 }], 'writer');
    const note = record as StixObject;
    const shared = (o: StixObject) => o.type === 'extension-definition' || o.type === 'marking-definition' || o.id === ENTENTE_IDENTITY.id;
    const stored = (o: StixObject, tlp: 'clear' | 'amber') => ({ object: { ...o, object_marking_refs: [tlpMarkingId(tlp)] }, json: JSON.stringify({ ...o, object_marking_refs: [tlpMarkingId(tlp)] }), tlp });
    await server.store.addObjects(server.sharedId, objects.filter((o) => !shared(o)).map((o) => stored(o, 'clear')), { authorOrg: orgA, authorUser: null });
    await server.store.addObjects(server.sharedId, [stored(note, 'amber')], { authorOrg: orgA, authorUser: null, sharingGroup: groupId });

    const member = await writer.get(`/incidents/${incident}`);
    expect(member.status, member.text).toBe(200);
    const killed = member.body.fields.find((f: { field: string }) => f.field === 'killed');
    expect(killed.values[0]).toMatchObject({ value: 21, corrected: { by: 'writer', extracted: 20, noteId: note.id } });
    expect(member.body.corrections).toEqual([expect.objectContaining({ field: 'killed', extracted: 20 })]);

    const outside = await outsider.get(`/incidents/${incident}`);
    expect(outside.status, outside.text).toBe(200);
    expect(outside.body.corrections).toEqual([]);
    expect(outside.body.fields.find((f: { field: string }) => f.field === 'killed').values[0]).not.toHaveProperty('corrected');
    expect(outside.text).not.toContain(note.id);
  });
}

const NOW = '2026-11-26T10:00:00.000Z';

function synthetic(n: number): StixObject {
  const day = String((n % 28) + 1).padStart(2, '0');
  const month = n < 28 ? '01' : n < 56 ? '02' : '03';
  return {
    type: 'incident',
    spec_version: '2.1',
    id: randomId('incident'),
    created: NOW,
    modified: NOW,
    name: `Synthetic ${n}`,
    object_marking_refs: [tlpMarkingId('clear')],
    extensions: {
      [INCIDENT_EXTENSION_ID]: {
        extension_type: 'property-extension',
        event_date: `2010-${month}-${day}`,
        date_precision: 'day',
        news_status: 'news',
        attack_types: n % 2 === 0 ? ['Bombing/Explosion'] : ['Armed Assault'],
        target_types: n % 5 === 0 ? ['Military'] : ['Private Citizens & Property'],
        weapon_types: ['Unknown'],
        victims_killed: { low: n, high: n, qualifier: 'exact', text: `${n} people` },
        wounded: { low: 2 * n, high: 2 * n, qualifier: 'exact', text: `${2 * n} people` },
      },
    },
  };
}

/** Incidents 0..SYNTHETIC-1 on days of early 2010, with places, groups and sources in cycles the filter test predicts. */
function syntheticIncidents(): StixObject[] {
  const places = [
    { name: 'Paris', country: 'FR', city: 'Paris', latitude: 48.85, longitude: 2.35 },
    { name: 'Munich', country: 'DE', administrative_area: 'Bavaria', city: 'Munich', latitude: 48.14, longitude: 11.58 },
    { name: 'Madrid', country: 'ES', city: 'Madrid', latitude: 40.42, longitude: -3.7 },
  ].map((p) => ({ type: 'location', spec_version: '2.1', id: randomId('location'), created: NOW, modified: NOW, x_opencti_location_type: 'City', ...p }));
  const group = { type: 'intrusion-set', spec_version: '2.1', id: randomId('intrusion-set'), created: NOW, modified: NOW, name: 'Test Front' };
  const report = {
    type: 'report', spec_version: '2.1', id: randomId('report'), created: NOW, modified: NOW, name: 'Wire roundup', published: NOW,
    description: 'A roundup of synthetic incidents.', object_refs: [group.id], external_references: [{ source_name: 'Wire Agency' }],
  };
  const objects: StixObject[] = [...places, group, report] as StixObject[];
  for (let n = 0; n < 60; n += 1) {
    const base = synthetic(n);
    // Every sixth incident credits the wire agency through its report.
    const incident = n % 6 === 0
      ? { ...base, extensions: { ...(base.extensions as object), 'extension-definition--16f70788-e253-5aed-b1fe-1cc594a2ab14': { extension_type: 'property-extension', report_ref: report.id, evidence: [{ start: 0, end: 5 }] } } }
      : base;
    objects.push(incident as StixObject);
    const rel = (type: string, target: string, extra: object = {}) =>
      ({ type: 'relationship', spec_version: '2.1', id: randomId('relationship'), created: NOW, modified: NOW, relationship_type: type, source_ref: base.id, target_ref: target, ...extra }) as StixObject;
    objects.push(rel('located-at', (places[n % 3] as { id: string }).id));
    if (n % 4 === 0) objects.push(rel('attributed-to', group.id));
  }
  return objects;
}
