import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryCandidateIndex, indexKeys, probeKeys } from './blocking.js';
import { IncidentClusterer } from './incident-clusterer.js';
import type { IncidentFeatures } from './incident-features.js';
import { CITIES, group, incident } from './test-incidents.js';

function partition(clusterer: IncidentClusterer): string[][] {
  return clusterer.clusters().map((c) => c.members.map((m) => m.incidentId).sort()).sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}

describe('IncidentClusterer', () => {
  it('puts the reports of one event together and keeps the never-merge cases apart', () => {
    const clusterer = new IncidentClusterer();
    clusterer.addReport([incident({ id: 'a1', date: '2015-11-13', place: CITIES.paris })]);
    clusterer.addReport([incident({ id: 'a2', date: '2015-11-13', place: CITIES.paris })]);
    clusterer.addReport([incident({ id: 'b', date: '2015-11-20', place: CITIES.paris })]);
    clusterer.addReport([incident({ id: 'c', date: '2015-11-14', place: CITIES.paris, attack: ['Armed Assault'], target: ['Police'] })]);
    expect(partition(clusterer)).toEqual([['incident--a1', 'incident--a2'], ['incident--b'], ['incident--c']]);
  });

  it('attaches a claim reported days later, separately, to the attack it claims', () => {
    const clusterer = new IncidentClusterer();
    const attack = clusterer.addIncident(incident({ id: 'attack', date: '2015-11-13', place: CITIES.paris, published: '2015-11-13' }));
    clusterer.addIncident(incident({ id: 'other', date: '2015-11-16', place: CITIES.paris, attack: ['Armed Assault'], published: '2015-11-16' }));
    const claim = incident({ id: 'claim', date: '2015-11-13', place: CITIES.paris, attack: [], target: [], published: '2015-11-16',
      claimed: true, perpetrators: [group('Islamic State', 'claim', 'Amaq')] });
    expect(clusterer.addIncident(claim)).toBe(attack);
  });

  it('links simultaneous attacks in different cities as one campaign', () => {
    const clusterer = new IncidentClusterer();
    const paris = clusterer.addIncident(incident({ id: 'x', date: '2016-03-22', place: CITIES.paris }));
    const lyon = clusterer.addIncident(incident({ id: 'y', date: '2016-03-22', place: CITIES.lyon }));
    expect(paris).not.toBe(lyon);
    expect(clusterer.campaignLinks()).toEqual([[paris, lyon].sort()]);
  });

  it('lets a background mention join the event but never makes a cluster news by itself', () => {
    const clusterer = new IncidentClusterer();
    const mention = clusterer.addIncident(incident({ id: 'old', date: '2015-11-13', place: CITIES.paris, news: false }));
    expect(clusterer.clusters().find((c) => c.id === mention)?.news).toBe(false);
    const joined = clusterer.addIncident(incident({ id: 'new', date: '2015-11-13', place: CITIES.paris }));
    expect(joined).toBe(mention);
    expect(clusterer.clusters().find((c) => c.id === joined)?.news).toBe(true);
  });

  it('splits a wrong merge, restores the absorbed cluster and does not merge it again', () => {
    const clusterer = new IncidentClusterer();
    const first = clusterer.addIncident(incident({ id: 'p', date: '2015-11-13', place: CITIES.paris }));
    const second = clusterer.addIncident(incident({ id: 'q', date: '2015-11-13', place: CITIES.saintDenis, attack: ['Armed Assault'], target: ['Police'] }));
    expect(second).not.toBe(first);
    // A vague report matching both bridges them: the clusterer merges, wrongly here.
    const bridged = clusterer.addIncident(incident({ id: 'v', date: '2015-11-13', place: CITIES.paris, attack: ['Armed Assault', 'Bombing/Explosion'] }));
    expect(clusterer.clusters()).toHaveLength(1);
    const restored = clusterer.split(bridged, ['incident--q']);
    expect(restored).toBe(bridged === first ? second : first);
    expect(partition(clusterer)).toEqual([['incident--p', 'incident--v'], ['incident--q']]);
    clusterer.addIncident(incident({ id: 'w', date: '2015-11-13', place: CITIES.paris, attack: ['Armed Assault', 'Bombing/Explosion'] }));
    expect(clusterer.clusterOf('incident--q')).toBe(restored);
    expect(clusterer.clusterOf('incident--w')).not.toBe(restored);
  });

  it('keeps the cluster id for the rest when the founding incident is split off', () => {
    const clusterer = new IncidentClusterer();
    const id = clusterer.addIncident(incident({ id: 'founder', date: '2015-11-13', place: CITIES.paris }));
    clusterer.addIncident(incident({ id: 'second', date: '2015-11-13', place: CITIES.paris }));
    clusterer.addIncident(incident({ id: 'third', date: '2015-11-13', place: CITIES.paris }));
    const apart = clusterer.split(id, ['incident--founder']);
    expect(apart).not.toBe(id);
    expect(partition(clusterer)).toEqual([['incident--founder'], ['incident--second', 'incident--third']]);
    expect(clusterer.clusterOf('incident--second')).toBe(id);
  });

  it('refuses to split off a whole cluster or incidents it does not hold', () => {
    const clusterer = new IncidentClusterer();
    const id = clusterer.addIncident(incident({ id: 'p', date: '2015-11-13', place: CITIES.paris }));
    expect(() => clusterer.split(id, ['incident--p'])).toThrow(/some, but not all/u);
    expect(() => clusterer.split(id, ['incident--nope'])).toThrow(/some, but not all/u);
  });

  it('compares a new incident with its block only, however many incidents are held', () => {
    const index = new MemoryCandidateIndex();
    const clusterer = new IncidentClusterer({ index });
    for (let i = 0; i < 2000; i++) {
      const day = new Date(Date.UTC(2000, 0, 1 + (i % 1000))).toISOString().slice(0, 10);
      clusterer.addIncident(incident({ id: `bg${i}`, date: day, place: i % 2 === 0 ? CITIES.lyon : CITIES.brussels }));
    }
    const probe = incident({ id: 'new', date: '2015-11-13', place: CITIES.paris });
    expect(index.candidates(probeKeys(probe), 500)).toEqual([]);
    expect(index.size()).toBe(2000);
  });
});

/** Well-separated events (in different months), each reported by a few outlets with varying detail. */
const scenario = fc.array(
  fc.record({
    reports: fc.integer({ min: 1, max: 4 }),
    city: fc.constantFrom(CITIES.paris, CITIES.lyon, CITIES.brussels),
    vagueDay: fc.boolean(),
  }),
  { minLength: 1, maxLength: 8 },
).map((events) => events.flatMap((e, n) => Array.from({ length: e.reports }, (_, r): IncidentFeatures => {
  const day = new Date(Date.UTC(2015, 0, 1 + n * 40)).toISOString().slice(0, 10);
  return incident({
    id: `e${n}r${r}`,
    date: e.vagueDay && r > 0 ? day.slice(0, 7) : day,
    precision: e.vagueDay && r > 0 ? 'month' : 'day',
    place: e.city,
    attack: r % 2 === 0 ? ['Bombing/Explosion'] : ['Bombing/Explosion', 'Armed Assault'],
  });
})));

describe('IncidentClusterer properties', () => {
  it('finds the same partition whatever the order reports arrive in', () => {
    fc.assert(fc.property(scenario.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))), ([list, shuffled]) => {
      const inOrder = new IncidentClusterer();
      for (const f of list) inOrder.addIncident(f);
      const reordered = new IncidentClusterer();
      for (const f of shuffled) reordered.addIncident(f);
      expect(partition(reordered)).toEqual(partition(inOrder));
    }));
  });

  it('puts every incident in exactly one cluster, the cluster of its event', () => {
    fc.assert(fc.property(scenario, (list) => {
      const clusterer = new IncidentClusterer();
      for (const f of list) clusterer.addIncident(f);
      const seen = clusterer.clusters().flatMap((c) => c.members.map((m) => m.incidentId));
      expect(seen.sort()).toEqual(list.map((f) => f.incidentId).sort());
      for (const c of clusterer.clusters()) expect(new Set(c.members.map((m) => m.incidentId.split('r')[0])).size).toBe(1);
    }));
  });

  it('files and probes keys so that two reports of one day in one place always meet', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 1 }), (offset, shift) => {
      const day = new Date(Date.UTC(2010, 0, 1 + offset)).toISOString().slice(0, 10);
      const next = new Date(Date.UTC(2010, 0, 1 + offset + shift)).toISOString().slice(0, 10);
      const a = incident({ id: 'a', date: day, place: CITIES.paris });
      const b = incident({ id: 'b', date: next, place: CITIES.saintDenis });
      const month = incident({ id: 'm', date: day.slice(0, 7), precision: 'month', place: CITIES.france });
      expect(probeKeys(b).some((k) => indexKeys(a).includes(k))).toBe(true);
      expect(probeKeys(month).some((k) => indexKeys(a).includes(k))).toBe(true);
      expect(probeKeys(a).some((k) => indexKeys(month).includes(k))).toBe(true);
    }));
  });
});
