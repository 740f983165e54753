import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOrganization } from '../access/organizations.js';
import { INCIDENT_EXTENSION_ID, type IncidentExtension } from '../stix/extensions.js';
import type { StixObject } from '../stix/stix-object.js';
import { tlpMarkingId } from '../stix/tlp.js';
import type { ObjectStore, ReadScope } from '../store/object-store.js';
import type { TestStore } from '../store/test-backends.js';
import { canonicalViewFor } from './canonical-view.js';
import { withCorrelation, writeAtomically } from './correlation-schema.js';
import { CorrelationFollower } from './correlation-follower.js';
import { Correlator, canonicalIdOf, membersOf } from './correlator.js';
import { EntityStore } from './entity-store.js';
import { gradeSource, listSources, sourceId } from './source-reliability.js';
import { CITIES, group } from './test-incidents.js';
import { buildReport, storeReport, type ReportSketch } from './test-reports.js';

/** The store-backed correlator (correlator.ts and its tables), run on SQLite and on PostgreSQL. */
export function correlatorSuite(backend: string, open: () => Promise<TestStore>): void {
  describe(`Correlator on ${backend}`, () => {
    let test: TestStore;
    let store: ObjectStore;
    let correlator: Correlator;
    let collection: string;
    let orgA: string;
    let orgB: string;
    let clock: number;

    beforeEach(async () => {
      test = await open();
      store = test.opened.store;
      await store.migrate();
      collection = (await store.createCollection({ title: 'reports' })).id;
      orgA = (await createOrganization(test.opened.db, { name: 'Agency A' })).id;
      orgB = (await createOrganization(test.opened.db, { name: 'Agency B' })).id;
      clock = Date.parse('2026-01-01T00:00:00.000Z');
      correlator = new Correlator(test.opened.db, store, { clock: () => (clock += 1000) });
    });
    afterEach(async () => {
      await test.dispose();
    });

    const viewer = (orgId: string): ReadScope => ({ kind: 'viewer', userId: `user-of-${orgId}`, orgId, community: true });

    async function add(s: ReportSketch, orgId: string = orgA, tlp = s.tlp ?? 'green'): Promise<{ incidentId: string; reportId: string; canonicalId: string }> {
      const built = buildReport(s);
      await storeReport(store, collection, built, { authorOrg: orgId, authorUser: null }, tlp);
      const [outcome] = await correlator.correlateIncidents([built.incidentId]);
      if (outcome === undefined) throw new Error('the incident was not correlated');
      return { incidentId: built.incidentId, reportId: built.reportId, canonicalId: outcome.canonicalId };
    }

    async function latestCanonical(canonicalId: string): Promise<{ incident: StixObject; derivedFrom: string[]; versions: number }> {
      const canonical = await correlator.canonicalCollection();
      const page = await store.queryObjects(canonical, { limit: 500 }, { kind: 'all' });
      const objects = page.items.map((i) => JSON.parse(i.json) as StixObject);
      const incident = objects.find((o) => o.id === canonicalId);
      if (incident === undefined) throw new Error(`${canonicalId} is not stored`);
      const versions = await store.queryVersions(canonical, canonicalId, { limit: 100 }, { kind: 'all' });
      const derivedFrom = objects
        .filter((o) => o.type === 'relationship' && o.relationship_type === 'derived-from' && o.source_ref === canonicalId && o.revoked !== true)
        .map((o) => String(o.target_ref)).sort();
      return { incident, derivedFrom, versions: versions.items.length };
    }

    it('makes one canonical incident of three reports of one event, versioned, derived from each, with every value side by side', async () => {
      const a = await add({ outlet: 'Deutsche Welle', published: '2024-12-15', date: '2024-12-15', place: CITIES.paris, killed: 6 });
      const b = await add({ outlet: 'AFP', published: '2024-12-15', date: '2024-12-15', place: CITIES.paris, killed: 8 });
      const c = await add({ outlet: 'TASS', published: '2024-12-16', date: '2024-12-15', place: CITIES.paris, killed: 6,
        claimed: true, perpetrators: [group('Islamic State', 'claim', 'Amaq')] });
      expect(new Set([a.canonicalId, b.canonicalId, c.canonicalId]).size).toBe(1);
      const { incident, derivedFrom, versions } = await latestCanonical(a.canonicalId);
      expect(derivedFrom).toEqual([a.incidentId, b.incidentId, c.incidentId].sort());
      expect(versions).toBe(3);
      const ext = (incident.extensions as Record<string, IncidentExtension>)[INCIDENT_EXTENSION_ID];
      expect(ext?.victims_killed?.low).toBe(6);
      expect(ext?.claimed).toBe(true);
      expect(await canonicalIdOf(test.opened.db, b.incidentId)).toBe(a.canonicalId);
      expect((await membersOf(test.opened.db, a.canonicalId)).map((m) => m.incidentId)).toEqual([a.incidentId, b.incidentId, c.incidentId].sort());
      const view = await canonicalViewFor(test.opened.db, store, viewer(orgA), [collection], a.canonicalId);
      const killed = view?.fields.find((f) => f.field === 'killed');
      expect(killed?.conflict).toBe(true);
      expect(killed?.values.map((v) => [v.source.outlet, v.value]).sort()).toEqual([
        ['AFP', expect.objectContaining({ low: 8 })], ['Deutsche Welle', expect.objectContaining({ low: 6 })], ['TASS', expect.objectContaining({ low: 6 })],
      ]);
      expect(killed?.chosen?.rule).toBe('corroborated');
      const merges = await withCorrelation(test.opened.db).selectFrom('correlation_merges').selectAll().where('canonical_id', '=', a.canonicalId).execute();
      expect(merges).toHaveLength(2);
      expect(merges.every((m) => m.score >= 0.65 && (JSON.parse(m.reasons) as string[]).length > 0)).toBe(true);
    });

    it('never merges two attacks in one city on different days, nor a follow-up raid the next day', async () => {
      const attack = await add({ outlet: 'AFP', published: '2024-03-01', date: '2024-03-01', place: CITIES.paris });
      const later = await add({ outlet: 'AFP', published: '2024-03-05', date: '2024-03-05', place: CITIES.paris });
      const raid = await add({ outlet: 'Reuters', published: '2024-03-02', date: '2024-03-02', place: CITIES.paris, attack: ['Armed Assault'], target: ['Police'] });
      expect(new Set([attack.canonicalId, later.canonicalId, raid.canonicalId]).size).toBe(3);
    });

    it('joins a report that gives only the city, or the country across the border, to the event; the same city name in another country stays apart', async () => {
      const attack = await add({ outlet: 'AFP', published: '2024-06-01', date: '2024-06-01', place: CITIES.strasbourg });
      const cityOnly = await add({ outlet: 'Local radio', published: '2024-06-01', date: '2024-06-01', place: { ...CITIES.strasbourg, country: undefined, latitude: undefined, longitude: undefined } });
      const acrossBorder = await add({ outlet: 'SWR', published: '2024-06-01', date: '2024-06-01', place: CITIES.kehl });
      expect(cityOnly.canonicalId).toBe(attack.canonicalId);
      expect(acrossBorder.canonicalId).toBe(attack.canonicalId);
      expect((await latestCanonical(attack.canonicalId)).derivedFrom).toEqual([attack.incidentId, cityOnly.incidentId, acrossBorder.incidentId].sort());
      const lebanon = await add({ outlet: 'AFP', published: '2024-06-02', date: '2024-06-02', place: CITIES.tripoliLebanon });
      const libya = await add({ outlet: 'Reuters', published: '2024-06-02', date: '2024-06-02', place: { ...CITIES.tripoliLibya, latitude: undefined, longitude: undefined } });
      expect(libya.canonicalId).not.toBe(lebanon.canonicalId);
    });

    it('links simultaneous attacks in different cities as one campaign instead of merging them', async () => {
      const isis = group('Islamic State');
      const paris = await add({ outlet: 'AFP', published: '2016-03-22', date: '2016-03-22', place: CITIES.paris, perpetrators: [isis] });
      const lyon = await add({ outlet: 'AFP', published: '2016-03-22', date: '2016-03-22', place: CITIES.lyon, perpetrators: [isis] });
      expect(paris.canonicalId).not.toBe(lyon.canonicalId);
      const links = await withCorrelation(test.opened.db).selectFrom('correlation_links').selectAll().execute();
      expect(links.map((l) => [l.a, l.b])).toEqual([[paris.incidentId, lyon.incidentId].sort()]);
    });

    it('attaches a claim reported days later, separately, to the attack it claims', async () => {
      const attack = await add({ outlet: 'AFP', published: '2015-11-13', date: '2015-11-13', place: CITIES.paris });
      await add({ outlet: 'AFP', published: '2015-11-16', date: '2015-11-16', place: CITIES.paris, attack: ['Armed Assault'] });
      const claim = await add({ outlet: 'SITE', published: '2015-11-16', date: '2015-11-13', place: CITIES.paris, attack: [], target: [],
        claimed: true, perpetrators: [group('Islamic State', 'claim', 'Amaq')] });
      expect(claim.canonicalId).toBe(attack.canonicalId);
    });

    it('splits a wrong merge: the absorbed canonical incident comes back, the derived-from link is revoked, and they are not merged again', async () => {
      const p = await add({ outlet: 'AFP', published: '2015-11-13', date: '2015-11-13', place: CITIES.paris });
      const q = await add({ outlet: 'Le Monde', published: '2015-11-13', date: '2015-11-13', place: CITIES.saintDenis, attack: ['Armed Assault'], target: ['Police'] });
      expect(q.canonicalId).not.toBe(p.canonicalId);
      const bridge = await add({ outlet: 'BBC', published: '2015-11-13', date: '2015-11-13', place: CITIES.paris, attack: ['Armed Assault', 'Bombing/Explosion'] });
      expect(await canonicalIdOf(test.opened.db, q.incidentId)).toBe(bridge.canonicalId);
      const merged = bridge.canonicalId;
      const wrong = merged === p.canonicalId ? q : p;
      const result = await correlator.split(merged, [wrong.incidentId]);
      expect(result.created).toBe(wrong.canonicalId);
      expect(await canonicalIdOf(test.opened.db, wrong.incidentId)).toBe(wrong.canonicalId);
      expect((await latestCanonical(merged)).derivedFrom).not.toContain(wrong.incidentId);
      expect((await latestCanonical(wrong.canonicalId)).derivedFrom).toEqual([wrong.incidentId]);
      const another = await add({ outlet: 'CNN', published: '2015-11-13', date: '2015-11-13', place: CITIES.paris, attack: ['Armed Assault', 'Bombing/Explosion'] });
      expect(another.canonicalId).toBe(merged);
      expect(await canonicalIdOf(test.opened.db, wrong.incidentId)).toBe(wrong.canonicalId);
      const all = (await membersOf(test.opened.db, merged)).map((m) => m.incidentId);
      await expect(correlator.split(merged, all)).rejects.toThrow(/some, but not all/u);
      // Without members, the latest join not yet split is undone.
      expect((await correlator.split(merged, [])).moved).toEqual([another.incidentId]);
      await expect(correlator.split('incident--00000000-0000-4000-8000-000000000000', [p.incidentId])).rejects.toThrow(/No canonical incident/u);
    });

    it('marks the canonical incident as strictly as its strictest report; a viewer who sees some reports sees a canonical built from those alone', async () => {
      const open = await add({ outlet: 'AFP', published: '2024-05-01', date: '2024-05-01', place: CITIES.lyon, killed: 2, tlp: 'green' }, orgA);
      const secret = await add({ outlet: 'Agency B source', published: '2024-05-01', date: '2024-05-01', place: CITIES.lyon, killed: 9, tlp: 'amber+strict' }, orgB);
      expect(secret.canonicalId).toBe(open.canonicalId);
      const { incident } = await latestCanonical(open.canonicalId);
      expect(incident.object_marking_refs).toEqual([tlpMarkingId('amber+strict')]);
      const canonical = await correlator.canonicalCollection();
      // Reading the canonical collection, A gets at most the earlier version built from its report alone.
      const asA = await store.queryObjects(canonical, { limit: 500, versions: [{ kind: 'all' }] }, viewer(orgA));
      expect(asA.items.length).toBeGreaterThan(0);
      const seenByA = asA.items.map((i) => i.json).join('\n');
      expect(seenByA).not.toContain('"low":9');
      expect(seenByA).not.toContain(tlpMarkingId('amber+strict'));
      expect(asA.items.map((i) => (JSON.parse(i.json) as StixObject).object_marking_refs)).toContainEqual([tlpMarkingId('green')]);
      const viewA = await canonicalViewFor(test.opened.db, store, viewer(orgA), [collection], open.canonicalId);
      expect(viewA?.complete).toBe(false);
      expect(viewA?.canonicalId).not.toBe(open.canonicalId);
      expect(viewA?.members.map((m) => m.incidentId)).toEqual([open.incidentId]);
      expect(JSON.stringify(viewA)).not.toContain('Agency B source');
      expect(viewA?.fields.find((f) => f.field === 'killed')?.values.map((v) => (v.value as { low: number }).low)).toEqual([2]);
      const viewB = await canonicalViewFor(test.opened.db, store, viewer(orgB), [collection], open.canonicalId);
      expect(viewB?.members.map((m) => m.incidentId).sort()).toEqual([open.incidentId, secret.incidentId].sort());
      expect(await canonicalViewFor(test.opened.db, store, viewer(orgA), [], open.canonicalId)).toBeUndefined();
      const stranger = (await createOrganization(test.opened.db, { name: 'Stranger' })).id;
      const onlySecret = await add({ outlet: 'Agency B source', published: '2024-07-01', date: '2024-07-01', place: CITIES.brussels, tlp: 'amber+strict' }, orgB);
      expect(await canonicalViewFor(test.opened.db, store, viewer(stranger), [collection], onlySecret.canonicalId)).toBeUndefined();
    });

    it('records sources at F, lets an admin grade them, and chooses the more reliable value when corroboration ties', async () => {
      const first = await add({ outlet: 'Reliable Wire', published: '2024-02-01', date: '2024-02-01', place: CITIES.brussels, killed: 4 });
      await add({ outlet: 'Rumour Mill', published: '2024-02-01', date: '2024-02-01', place: CITIES.brussels, killed: 40 });
      const sources = await listSources(withCorrelation(test.opened.db));
      expect(sources.map((s) => [s.name, s.kind, s.reliability]).sort()).toEqual([['Reliable Wire', 'outlet', 'F'], ['Rumour Mill', 'outlet', 'F']]);
      await gradeSource(withCorrelation(test.opened.db), sourceId('outlet', 'Reliable Wire'), 'A');
      await expect(gradeSource(withCorrelation(test.opened.db), sourceId('outlet', 'Reliable Wire'), 'G')).rejects.toThrow(/Admiralty grade/u);
      await expect(gradeSource(withCorrelation(test.opened.db), 'nope', 'A')).rejects.toThrow(/No source/u);
      const view = await canonicalViewFor(test.opened.db, store, viewer(orgA), [collection], first.canonicalId);
      const killed = view?.fields.find((f) => f.field === 'killed');
      expect(killed?.chosen?.rule).toBe('reliable');
      expect((killed?.chosen?.value as { low: number }).low).toBe(4);
      expect(killed?.values.find((v) => v.source.outlet === 'Reliable Wire')?.source.reliability).toBe('A');
    });

    it('counts copies of one wire story once when grading a fact', async () => {
      const story = 'Gunmen attacked a checkpoint in the city on Sunday morning killing five soldiers and wounding three others officials said';
      const a = await add({ outlet: 'Paper One', published: '2024-06-02', date: '2024-06-02', place: CITIES.lyon, killed: 5, sources: ['AFP'], text: story });
      await add({ outlet: 'Paper Two', published: '2024-06-02', date: '2024-06-02', place: CITIES.lyon, killed: 5, sources: ['AFP'], text: story });
      const view = await canonicalViewFor(test.opened.db, store, viewer(orgA), [collection], a.canonicalId);
      expect(view?.fields.find((f) => f.field === 'killed')?.chosen?.credibility).toBe(3);
      await add({ outlet: 'Paper Three', published: '2024-06-02', date: '2024-06-02', place: CITIES.lyon, killed: 5 });
      const corroborated = await canonicalViewFor(test.opened.db, store, viewer(orgA), [collection], a.canonicalId);
      const killed = corroborated?.fields.find((f) => f.field === 'killed');
      expect(killed?.chosen?.credibility).toBe(1);
      expect(killed?.chosen?.confidence).toBe(90);
    });

    it('follows new objects in every collection from its cursor, once', async () => {
      const follower = new CorrelationFollower(test.opened.db, correlator, { pageSize: 3 });
      const built = [1, 2, 3].map((n) => buildReport({ outlet: `Outlet ${n}`, published: '2023-01-01', date: '2023-01-01', place: CITIES.paris }));
      for (const b of built) await storeReport(store, collection, b, { authorOrg: orgA, authorUser: null });
      expect(await follower.catchUp()).toBe(3);
      expect(await follower.catchUp()).toBe(0);
      const canonicals = new Set(await Promise.all(built.map((b) => canonicalIdOf(test.opened.db, b.incidentId))));
      expect(canonicals.size).toBe(1);
      const other = (await store.createCollection({ title: 'partner feed' })).id;
      const late = buildReport({ outlet: 'Outlet 4', published: '2023-01-02', date: '2023-01-01', place: CITIES.paris });
      await storeReport(store, other, late, { authorOrg: orgB, authorUser: null, partner: 'partner-x' });
      expect(await follower.catchUp()).toBe(1);
      expect(await canonicalIdOf(test.opened.db, late.incidentId)).toBe([...canonicals][0]);
      expect((await listSources(withCorrelation(test.opened.db))).some((s) => s.kind === 'partner' && s.name === 'partner-x')).toBe(true);
    });

    it('resolves entities across reports with why and how confident, keeps alias provenance, and splits a merge for good', async () => {
      const entities = new EntityStore(test.opened.db);
      const first = await add({ outlet: 'DW', published: '2024-12-15', date: '2024-12-15', place: CITIES.paris, people: [{ name: 'Ramzan Kadyrov', role: 'head of Chechnya' }] });
      await add({ outlet: 'PAP', published: '2024-12-15', date: '2024-12-15', place: CITIES.paris, people: [{ name: 'Ramzan Kadyrow', role: 'head of Chechnya' }] });
      const kadyrov = (await withCorrelation(test.opened.db).selectFrom('entity_mentions').select('entity_id').where('name', '=', 'Ramzan Kadyrov').executeTakeFirstOrThrow()).entity_id;
      const entity = await entities.entity(kadyrov);
      expect(entity?.mentions).toHaveLength(2);
      expect(entity?.merges[0]?.reason).toMatch(/same name|similar name/u);
      expect(entity?.merges[0]?.confidence).toBeGreaterThan(0.5);
      expect(entity?.aliases.find((a) => a.alias === 'Ramzan Kadyrov')?.introducedBy).toEqual({ report: first.reportId });
      const split = await entities.split(kadyrov);
      expect(split.moved).toHaveLength(1);
      const after = await entities.entity(kadyrov);
      expect(after?.mentions).toHaveLength(1);
      expect(after?.merges[0]?.splitAt).toBeDefined();
      const moved = split.moved[0] as string;
      expect(await entities.entityIdOf(moved)).toBe(split.created);
      await add({ outlet: 'TASS', published: '2024-12-16', date: '2024-12-15', place: CITIES.paris, people: [{ name: 'Ramzan Kadyrow', role: 'head of Chechnya' }] });
      expect(await entities.entityIdOf(moved)).toBe(split.created);
      await expect(entities.split(kadyrov)).rejects.toThrow(/no merge left/u);
    });

    it('writes a report\'s records all or none: a failing part leaves nothing behind', async () => {
      const cdb = withCorrelation(test.opened.db);
      const row = { id: sourceId('outlet', 'Twice'), name: 'Twice', name_key: 'twice', kind: 'outlet' as const, reliability: 'F', created_at: 1, updated_at: 1 };
      const other = { ...row, id: sourceId('outlet', 'Once'), name: 'Once', name_key: 'once' };
      await expect(writeAtomically(cdb, [cdb.insertInto('correlation_sources').values(other), cdb.insertInto('correlation_sources').values(row), cdb.insertInto('correlation_sources').values(row)]))
        .rejects.toThrow();
      expect(await cdb.selectFrom('correlation_sources').select('name').execute()).toEqual([]);
      await writeAtomically(cdb, [cdb.insertInto('correlation_sources').values(other), cdb.insertInto('correlation_sources').values(row)]);
      expect((await cdb.selectFrom('correlation_sources').select('name').orderBy('name').execute()).map((r) => r.name)).toEqual(['Once', 'Twice']);
    });

    it('keeps namesakes in different countries and people of different given names apart', async () => {
      const entities = new EntityStore(test.opened.db);
      const at = Date.now();
      await entities.add({ id: 'identity--10000000-0000-4000-8000-000000000001', kind: 'person', name: 'Nawaz Sharif', aliases: ['Sharif'], reportId: 'report--1', country: 'PK' }, null);
      await entities.add({ id: 'identity--10000000-0000-4000-8000-000000000002', kind: 'person', name: 'Raheel Sharif', aliases: ['Sharif'], reportId: 'report--2', country: 'PK' }, null);
      await entities.add({ id: 'identity--10000000-0000-4000-8000-000000000003', kind: 'person', name: 'John Smith', aliases: [], reportId: 'report--3', country: 'GB' }, 'partner-x');
      await entities.add({ id: 'identity--10000000-0000-4000-8000-000000000004', kind: 'person', name: 'John Smith', aliases: [], reportId: 'report--4', country: 'US' }, null);
      const ids = await Promise.all([1, 2, 3, 4].map((n) => entities.entityIdOf(`identity--10000000-0000-4000-8000-00000000000${n}`)));
      expect(new Set(ids).size).toBe(4);
      const smith = await entities.entity('identity--10000000-0000-4000-8000-000000000003');
      expect(smith?.aliases[0]?.introducedBy).toEqual({ partner: 'partner-x' });
      expect(smith?.aliases[0]?.at).toBeGreaterThanOrEqual(at * 1000 - 1);
    });
  });
}
