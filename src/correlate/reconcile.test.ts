import { describe, expect, it } from 'vitest';
import { MapReliabilityRegistry } from './grading.js';
import { reconcile } from './reconcile.js';
import { CITIES, group, incident } from './test-incidents.js';

const registry = new MapReliabilityRegistry();

describe('reconcile', () => {
  it('keeps every reported toll with who reported it and when, and lets a later report from the same source supersede', () => {
    const r = reconcile([
      incident({ id: 'a', outlet: 'Wire', published: '2015-11-14T08:00:00Z', killed: 120, killedQualifier: 'at-least', date: '2015-11-13' }),
      incident({ id: 'b', outlet: 'Wire', published: '2015-11-15T08:00:00Z', killed: 129, date: '2015-11-13' }),
    ], registry);
    expect(r.killed.values.map((v) => [v.value.low, v.outlet, v.superseded])).toEqual([[120, 'Wire', true], [129, 'Wire', false]]);
    expect(r.killed.chosen?.low).toBe(129);
    expect(r.killed.rule).toBe('superseded');
    expect(r.killed.conflict).toBe(false);
  });

  it('prefers a corroborated toll over a single one, and flags the conflict', () => {
    const r = reconcile([
      incident({ id: 'a', published: '2015-11-14', killed: 38, evidence: 'first independent account of the hotel attack by our reporter' }),
      incident({ id: 'b', published: '2015-11-14', killed: 38, evidence: 'a completely different article written by another newsroom' }),
      incident({ id: 'c', published: '2015-11-16', killed: 40, evidence: 'yet another text with unrelated wording from a third outlet' }),
    ], registry);
    expect(r.killed).toMatchObject({ conflict: true, rule: 'corroborated', credibility: 2, confidence: 70 });
    expect(r.killed.chosen?.low).toBe(38);
  });

  it('prefers the more reliable source when corroboration is equal', () => {
    const graded = new MapReliabilityRegistry({ 'Ministry': 'B' });
    const r = reconcile([
      incident({ id: 'a', published: '2015-11-16', killed: 40, sources: ['Rumour Mill'] }),
      incident({ id: 'b', published: '2015-11-14', killed: 38, sources: ['Ministry'] }),
    ], graded);
    expect(r.killed).toMatchObject({ rule: 'reliable' });
    expect(r.killed.chosen?.low).toBe(38);
  });

  it('prefers an exact toll over "at least", then the latest report', () => {
    const exact = reconcile([
      incident({ id: 'a', published: '2015-11-16', killed: 20, killedQualifier: 'at-least' }),
      incident({ id: 'b', published: '2015-11-14', killed: 22 }),
    ], registry);
    expect(exact.killed).toMatchObject({ rule: 'specific' });
    expect(exact.killed.chosen?.low).toBe(22);
    const latest = reconcile([incident({ id: 'a', published: '2015-11-16', killed: 25 }), incident({ id: 'b', published: '2015-11-14', killed: 22 })], registry);
    expect(latest.killed).toMatchObject({ rule: 'latest' });
    expect(latest.killed.chosen?.low).toBe(25);
  });

  it('takes a vaguer date or place as support for the more specific one, not as a conflict', () => {
    const r = reconcile([
      incident({ id: 'a', date: '2015', precision: 'year', place: CITIES.france }),
      incident({ id: 'b', date: '2015-11-13', place: CITIES.paris }),
    ], registry);
    expect(r.date).toMatchObject({ conflict: false, credibility: 1 });
    expect(r.date.chosen?.value).toBe('2015-11-13');
    expect(r.place.chosen?.city).toBe('Paris');
    expect(r.place.conflict).toBe(false);
  });

  it('attaches a claim reported later to the incident: a claim supersedes "no claim yet"', () => {
    const r = reconcile([
      incident({ id: 'a', published: '2015-11-13', claimed: false }),
      incident({ id: 'b', published: '2015-11-15', claimed: true, perpetrators: [group('Islamic State', 'claim', 'Amaq')] }),
      incident({ id: 'c', published: '2015-11-15', perpetrators: [group('Other Front', 'official')] }),
    ], registry);
    expect(r.claimed.chosen).toBe(true);
    expect(r.claimed.conflict).toBe(false);
    expect(r.perpetrator.chosen?.name).toBe('Islamic State');
    expect(r.perpetrator).toMatchObject({ conflict: true, rule: 'specific' });
    expect(r.claimChannel.chosen).toBe('Amaq');
  });

  it('says nothing was reported when nothing was', () => {
    const r = reconcile([incident({ id: 'a' })], registry);
    expect(r.wounded).toMatchObject({ chosen: undefined, rule: 'none', credibility: 6, confidence: undefined });
  });
});
