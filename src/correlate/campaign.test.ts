import { expect, it } from 'vitest';
import { createOrganization } from '../access/organizations.js';
import { describeOnBothBackends, freshDatabasePerTest } from '../access/test-database.js';
import { deterministicId } from '../stix/identifier.js';
import type { StixObject } from '../stix/stix-object.js';
import { tlpMarkingId, type TlpLevel } from '../stix/tlp.js';
import { validateObject } from '../stix/validate.js';
import type { ReadScope } from '../store/object-store.js';
import { CampaignLinker, campaignOf } from './campaign-linker.js';
import { campaignViewsFor } from './campaign-view.js';
import { CorrelationFollower } from './correlation-follower.js';
import { Correlator, canonicalIdOf } from './correlator.js';
import { CITIES, group } from './test-incidents.js';
import { buildReport, storeReport, type ReportSketch } from './test-reports.js';

/**
 * Campaigns as STIX (campaign-build.ts, campaign-linker.ts, campaign-view.ts):
 * simultaneous attacks in different cities stay distinct canonical incidents,
 * linked to one `campaign`, versioned as members join, marked as strictly as
 * its reports, and never showing a viewer an attack it may not see.
 */
const ISIS = group('Islamic State');
const DAY = '2016-03-22';
// Blocking (blocking.ts) looks for links within a country: a third French city.
const NICE = { ...CITIES.lyon, city: 'Nice', latitude: 43.7102, longitude: 7.262, locationId: deterministicId('location', { name: 'Nice', x_opencti_location_type: 'City' }) };
const TOULOUSE = { ...CITIES.lyon, city: 'Toulouse', latitude: 43.6047, longitude: 1.4442, locationId: deterministicId('location', { name: 'Toulouse', x_opencti_location_type: 'City' }) };
const MARSEILLE = { ...CITIES.lyon, city: 'Marseille', latitude: 43.2965, longitude: 5.3698, locationId: deterministicId('location', { name: 'Marseille', x_opencti_location_type: 'City' }) };

await describeOnBothBackends((open) => {
  const opened = freshDatabasePerTest(open);

  async function setup(): Promise<{
    add: (s: Partial<ReportSketch> & Pick<ReportSketch, 'outlet' | 'place'>, org: string, tlp?: TlpLevel) => Promise<string>;
    follow: () => Promise<number>;
    correlator: Correlator;
    canonicalObjects: (scope: ReadScope, allVersions?: boolean) => Promise<StixObject[]>;
    collection: string;
    orgA: string;
    orgB: string;
  }> {
    const { db, store } = opened();
    const collection = (await store.createCollection({ title: 'reports' })).id;
    const orgA = (await createOrganization(db, { name: 'Agency A' })).id;
    const orgB = (await createOrganization(db, { name: 'Agency B' })).id;
    let clock = Date.parse('2026-01-01T00:00:00.000Z');
    const tick = (): number => (clock += 1000);
    const correlator = new Correlator(db, store, { clock: tick });
    const campaigns = new CampaignLinker(db, store, () => correlator.canonicalCollection(), { clock: tick });
    const follower = new CorrelationFollower(db, correlator, { campaigns, leaseOwner: `test:${collection}` });
    return {
      add: async (s, org, tlp = 'green') => {
        const built = buildReport({ published: DAY, date: DAY, perpetrators: [ISIS], ...s });
        await storeReport(store, collection, built, { authorOrg: org, authorUser: null }, tlp);
        return built.incidentId;
      },
      follow: () => follower.catchUp(),
      correlator,
      canonicalObjects: async (scope, allVersions = false) => {
        const page = await store.queryObjects(await correlator.canonicalCollection(), { limit: 500, ...(allVersions ? { versions: [{ kind: 'all' as const }] } : {}) }, scope);
        return page.items.map((i) => JSON.parse(i.json) as StixObject);
      },
      collection,
      orgA,
      orgB,
    };
  }

  const viewer = (orgId: string): ReadScope => ({ kind: 'viewer', userId: `user-of-${orgId}`, orgId, community: true });
  const all: ReadScope = { kind: 'all' };

  it('makes two simultaneous attacks in different cities by one group two canonical incidents and one campaign linking them', async () => {
    const t = await setup();
    const paris = await t.add({ outlet: 'AFP', place: CITIES.paris }, t.orgA);
    const parisToo = await t.add({ outlet: 'Reuters', place: CITIES.paris }, t.orgA);
    const lyon = await t.add({ outlet: 'AFP', place: CITIES.lyon }, t.orgA);
    expect(await t.follow()).toBe(3);
    const { db } = opened();
    const [p, p2, l] = await Promise.all([paris, parisToo, lyon].map((id) => canonicalIdOf(db, id)));
    expect(p).toBe(p2);
    expect(p).not.toBe(l);
    const campaignId = await campaignOf(db, p as string);
    expect(campaignId).toMatch(/^campaign--/u);
    expect(await campaignOf(db, l as string)).toBe(campaignId);

    const objects = await t.canonicalObjects(all);
    const campaign = objects.find((o) => o.id === campaignId);
    expect(campaign).toMatchObject({ type: 'campaign', name: `Coordinated attacks in Lyon, Paris (${DAY})`, first_seen: `${DAY}T00:00:00.000Z`, last_seen: `${DAY}T00:00:00.000Z` });
    expect(campaign?.object_marking_refs).toEqual([tlpMarkingId('green')]);
    const rels = objects.filter((o) => o.type === 'relationship' && (o.source_ref === campaignId || o.target_ref === campaignId));
    expect(rels.map((r) => [r.relationship_type, r.source_ref, r.target_ref]).sort()).toEqual([
      ['attributed-to', campaignId, ISIS.groupId],
      ['related-to', l, campaignId],
      ['related-to', p, campaignId],
    ].sort());
    for (const object of [campaign, ...rels]) expect(validateObject(object)).toEqual([]);
  });

  it('keeps the campaign id as a third attack joins, writing a new version with the same created', async () => {
    const t = await setup();
    await t.add({ outlet: 'AFP', place: CITIES.paris }, t.orgA);
    const lyon = await t.add({ outlet: 'AFP', place: CITIES.lyon }, t.orgA);
    await t.follow();
    const { db } = opened();
    const campaignId = await campaignOf(db, (await canonicalIdOf(db, lyon)) as string);
    const marseille = await t.add({ outlet: 'BBC', place: MARSEILLE }, t.orgA);
    expect(await t.follow()).toBe(1);
    expect(await campaignOf(db, (await canonicalIdOf(db, marseille)) as string)).toBe(campaignId);
    const versions = (await t.canonicalObjects(all, true)).filter((o) => o.id === campaignId);
    expect(versions).toHaveLength(2);
    expect(new Set(versions.map((v) => v.created)).size).toBe(1);
    expect(versions.map((v) => String(v.name)).sort()).toEqual([`Coordinated attacks in Lyon, Marseille, Paris (${DAY})`, `Coordinated attacks in Lyon, Paris (${DAY})`]);
    const related = (await t.canonicalObjects(all)).filter((o) => o.relationship_type === 'related-to' && o.target_ref === campaignId && o.revoked !== true);
    expect(related).toHaveLength(3);
    // Another report of the Paris attack changes the incident, not the campaign: no new version.
    await t.add({ outlet: 'Le Monde', place: CITIES.paris }, t.orgA);
    expect(await t.follow()).toBe(1);
    expect((await t.canonicalObjects(all, true)).filter((o) => o.id === campaignId)).toHaveLength(2);
  });

  it('marks the campaign as its strictest report, and a viewer who sees one attack learns nothing of the other', async () => {
    const t = await setup();
    const paris = await t.add({ outlet: 'AFP', place: CITIES.paris }, t.orgA, 'green');
    const lyon = await t.add({ outlet: 'Agency B source', place: CITIES.lyon }, t.orgB, 'amber+strict');
    await t.follow();
    const { db, store } = opened();
    const campaignId = (await campaignOf(db, (await canonicalIdOf(db, paris)) as string)) as string;
    const lyonCanonical = (await canonicalIdOf(db, lyon)) as string;
    expect((await t.canonicalObjects(all)).find((o) => o.id === campaignId)?.object_marking_refs).toEqual([tlpMarkingId('amber+strict')]);

    const seenByA = JSON.stringify(await t.canonicalObjects(viewer(t.orgA), true));
    expect(seenByA).not.toContain(campaignId);
    expect(seenByA).not.toContain(lyonCanonical);
    expect(seenByA).not.toContain('Lyon');
    expect(await campaignViewsFor(db, store, viewer(t.orgA), [t.collection], campaignId)).toEqual([]);

    const [asB] = await campaignViewsFor(db, store, viewer(t.orgB), [t.collection], campaignId);
    expect(asB?.complete).toBe(true);
    expect(asB?.campaignId).toBe(campaignId);
    expect(asB?.members.map((m) => m.canonicalId).sort()).toEqual([await canonicalIdOf(db, paris), lyonCanonical].sort());
    expect(await campaignViewsFor(db, store, viewer(t.orgB), [], campaignId)).toEqual([]);
  });

  it('shows a viewer who sees two of three attacks a campaign of its own, built from those two alone', async () => {
    const t = await setup();
    const paris = await t.add({ outlet: 'AFP', place: CITIES.paris }, t.orgA);
    const lyon = await t.add({ outlet: 'AFP', place: CITIES.lyon }, t.orgA);
    const marseille = await t.add({ outlet: 'Agency B source', place: MARSEILLE }, t.orgB, 'amber+strict');
    await t.follow();
    const { db, store } = opened();
    const campaignId = (await campaignOf(db, (await canonicalIdOf(db, paris)) as string)) as string;
    const views = await campaignViewsFor(db, store, viewer(t.orgA), [t.collection], campaignId);
    expect(views).toHaveLength(1);
    const [view] = views;
    expect(view?.complete).toBe(false);
    expect(view?.campaignId).not.toBe(campaignId);
    expect(view?.members.flatMap((m) => m.incidentIds).sort()).toEqual([paris, lyon].sort());
    expect(view?.campaign.object_marking_refs).toEqual([tlpMarkingId('green')]);
    const text = JSON.stringify(view);
    expect(text).not.toContain('Marseille');
    expect(text).not.toContain(marseille);
    expect(text).not.toContain((await canonicalIdOf(db, marseille)) as string);
    for (const object of view?.objects ?? []) expect(validateObject(object)).toEqual([]);
  });

  it('joins two campaigns a new attack links: the older continues with every incident, the other is emptied and its relationships revoked', async () => {
    const t = await setup();
    const other = group('Other Front');
    const paris = await t.add({ outlet: 'AFP', place: CITIES.paris }, t.orgA);
    await t.add({ outlet: 'AFP', place: CITIES.lyon }, t.orgA);
    const marseille = await t.add({ outlet: 'AFP', place: MARSEILLE, perpetrators: [other] }, t.orgA);
    await t.add({ outlet: 'AFP', place: NICE, perpetrators: [other] }, t.orgA);
    await t.follow();
    const { db } = opened();
    const older = (await campaignOf(db, (await canonicalIdOf(db, paris)) as string)) as string;
    const newer = (await campaignOf(db, (await canonicalIdOf(db, marseille)) as string)) as string;
    expect(newer).not.toBe(older);
    const both = await t.add({ outlet: 'BBC', place: TOULOUSE, perpetrators: [ISIS, other] }, t.orgA);
    await t.follow();
    const canonicals = await Promise.all((await Promise.all([paris, marseille, both].map((id) => canonicalIdOf(db, id)))).map((id) => campaignOf(db, id as string)));
    expect(canonicals).toEqual([older, older, older]);
    const latest = await t.canonicalObjects(all);
    const live = (id: string): StixObject[] => latest.filter((o) => o.type === 'relationship' && (o.target_ref === id || o.source_ref === id) && o.revoked !== true);
    expect(live(older).filter((r) => r.relationship_type === 'related-to')).toHaveLength(5);
    // No group is common to all five attacks.
    expect(live(older).filter((r) => r.relationship_type === 'attributed-to')).toHaveLength(0);
    expect(latest.filter((o) => o.type === 'relationship' && o.relationship_type === 'attributed-to' && o.source_ref === older && o.revoked === true)).toHaveLength(1);
    expect(live(newer)).toHaveLength(0);
    expect(latest.find((o) => o.id === newer)?.description).toMatch(/No longer a campaign/u);
    for (const object of latest) expect(validateObject(object)).toEqual([]);
  });

  it('takes the incident an analyst split off into the campaign of the one it left', async () => {
    const t = await setup();
    const p1 = await t.add({ outlet: 'AFP', place: CITIES.paris }, t.orgA);
    const p2 = await t.add({ outlet: 'Reuters', place: CITIES.paris }, t.orgA);
    const lyon = await t.add({ outlet: 'AFP', place: CITIES.lyon }, t.orgA);
    await t.follow();
    const { db } = opened();
    const paris = (await canonicalIdOf(db, p1)) as string;
    const campaignId = await campaignOf(db, paris);
    const { created } = await t.correlator.split(paris, [p2]);
    expect(await t.follow()).toBe(0);
    expect(await campaignOf(db, created)).toBe(campaignId);
    const live = (await t.canonicalObjects(all)).filter((o) => o.relationship_type === 'related-to' && o.target_ref === campaignId && o.revoked !== true);
    expect(live.map((r) => r.source_ref).sort()).toEqual([paris, created, await canonicalIdOf(db, lyon)].sort());
  });

  it('does not link, for a viewer, two attacks joined only through a report it may not see', async () => {
    const t = await setup();
    // x1 names no perpetrator and is another kind of attack than y1: alone they are not linked.
    const x1 = await t.add({ outlet: 'AFP', place: CITIES.paris, perpetrators: [], attack: ['Armed Assault'], target: ['Police'] }, t.orgA);
    const y1 = await t.add({ outlet: 'AFP', place: CITIES.lyon }, t.orgA);
    await t.follow();
    const { db, store } = opened();
    expect(await campaignOf(db, (await canonicalIdOf(db, x1)) as string)).toBeUndefined();
    // x2, B's strict report of the Paris attack, names the group: it links Paris and Lyon.
    const x2 = await t.add({ outlet: 'Agency B source', place: CITIES.paris }, t.orgB, 'amber+strict');
    await t.follow();
    expect(await canonicalIdOf(db, x2)).toBe(await canonicalIdOf(db, x1));
    const campaignId = (await campaignOf(db, (await canonicalIdOf(db, y1)) as string)) as string;
    expect(campaignId).toMatch(/^campaign--/u);
    expect(await campaignViewsFor(db, store, viewer(t.orgA), [t.collection], campaignId)).toEqual([]);
    expect(JSON.stringify(await t.canonicalObjects(viewer(t.orgA), true))).not.toContain(campaignId);
    expect((await campaignViewsFor(db, store, viewer(t.orgB), [t.collection], campaignId))[0]?.complete).toBe(true);
  });
});
