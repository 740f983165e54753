import { describe, expect, it } from 'vitest';
import { compareIncidents, haversineKm } from './incident-matching.js';
import { CITIES, group, incident } from './test-incidents.js';

describe('compareIncidents', () => {
  it('matches two reports of one bombing in one city on one day', () => {
    const result = compareIncidents(incident({ id: 'a', date: '2015-11-13', place: CITIES.paris }), incident({ id: 'b', date: '2015-11-13', place: CITIES.paris }));
    expect(result.decision).toBe('same');
    expect(result.veto).toBeUndefined();
  });

  it('never merges two attacks in one city on different days', () => {
    const result = compareIncidents(incident({ id: 'a', date: '2015-11-13', place: CITIES.paris }), incident({ id: 'b', date: '2015-11-20', place: CITIES.paris }));
    expect(result).toMatchObject({ decision: 'distinct', veto: 'same place, different days' });
  });

  it('links simultaneous attacks in different cities as a campaign instead of merging them', () => {
    const result = compareIncidents(incident({ id: 'a', date: '2016-03-22', place: CITIES.brussels }), incident({ id: 'b', date: '2016-03-22', place: CITIES.lyon }));
    expect(result.decision).toBe('linked');
  });

  it('keeps unrelated same-day events in different cities distinct', () => {
    const result = compareIncidents(
      incident({ id: 'a', date: '2016-03-22', place: CITIES.paris, attack: ['Armed Assault'] }),
      incident({ id: 'b', date: '2016-03-22', place: CITIES.lyon, attack: ['Kidnapping'] }),
    );
    expect(result).toMatchObject({ decision: 'distinct', veto: 'different places' });
  });

  it('never merges a follow-up raid the next day with the attack', () => {
    const result = compareIncidents(
      incident({ id: 'a', date: '2015-11-13', place: CITIES.paris, attack: ['Bombing/Explosion'], target: ['Private Citizens & Property'] }),
      incident({ id: 'b', date: '2015-11-14', place: CITIES.paris, attack: ['Armed Assault'], target: ['Police'] }),
    );
    expect(result.veto).toMatch(/follow-up/u);
  });

  it('accepts the next day for the same kind of attack (events past midnight)', () => {
    const result = compareIncidents(incident({ id: 'a', date: '2015-11-13', place: CITIES.paris }), incident({ id: 'b', date: '2015-11-14', place: CITIES.paris }));
    expect(result.decision).toBe('same');
  });

  it('treats nearby places (Saint-Denis and Paris) as one place', () => {
    const result = compareIncidents(incident({ id: 'a', date: '2015-11-13', place: CITIES.paris }), incident({ id: 'b', date: '2015-11-13', place: CITIES.saintDenis }));
    expect(result.decision).toBe('same');
  });

  it('matches a year-precise date to a day in that year only weakly, and never to a day in another year', () => {
    const day = incident({ id: 'a', date: '2015-11-13', place: CITIES.paris, perpetrators: [group('Islamic State')] });
    const year = incident({ id: 'b', date: '2015', precision: 'year', place: CITIES.paris, perpetrators: [group('Islamic State')] });
    const sameDay = compareIncidents(day, incident({ id: 'c', date: '2015-11-13', place: CITIES.paris, perpetrators: [group('Islamic State')] }));
    const weak = compareIncidents(day, year);
    expect(weak.score).toBeGreaterThan(0);
    expect(weak.score).toBeLessThan(sameDay.score);
    expect(compareIncidents(day, incident({ id: 'd', date: '2016', precision: 'year', place: CITIES.paris })).veto).toBe('dates that cannot overlap');
  });

  it('never merges two incidents of one report', () => {
    const result = compareIncidents(incident({ id: 'a', report: 'r', date: '2015-11-13', place: CITIES.paris }), incident({ id: 'b', report: 'r', date: '2015-11-13', place: CITIES.paris }));
    expect(result.veto).toBe('two incidents of one report');
  });

  it('never merges events in different countries', () => {
    const result = compareIncidents(incident({ id: 'a', date: '2015-11-13', place: CITIES.paris, attack: ['Armed Assault'] }), incident({ id: 'b', date: '2015-11-20', place: CITIES.brussels }));
    expect(result.veto).toBe('different places');
  });
});

describe('compareIncidents across a border', () => {
  const noCoordinates = { latitude: undefined, longitude: undefined };

  it('takes places given in two countries for one when their coordinates lie within 40 km (Strasbourg and Kehl)', () => {
    const result = compareIncidents(incident({ id: 'a', date: '2024-06-01', place: CITIES.strasbourg }), incident({ id: 'b', date: '2024-06-01', place: CITIES.kehl }));
    expect(result.decision).toBe('same');
    expect(result.reasons).toContain('place 0.80');
  });

  it('takes the same city with a wrong country and the same coordinates for one place', () => {
    const wrong = { ...CITIES.strasbourg, country: 'DE' };
    const result = compareIncidents(incident({ id: 'a', date: '2024-06-01', place: CITIES.strasbourg }), incident({ id: 'b', date: '2024-06-01', place: wrong }));
    expect(result.reasons).toContain('place 1.00');
  });

  it('matches a report that gives only the city', () => {
    const cityOnly = { ...CITIES.strasbourg, country: undefined, ...noCoordinates };
    expect(compareIncidents(incident({ id: 'a', date: '2024-06-01', place: CITIES.strasbourg }), incident({ id: 'b', date: '2024-06-01', place: cityOnly })).decision).toBe('same');
  });

  it('keeps one city name in two countries apart, with coordinates far apart or without coordinates to tell', () => {
    const lebanon = incident({ id: 'a', date: '2024-06-02', place: CITIES.tripoliLebanon, attack: ['Armed Assault'] });
    expect(compareIncidents(lebanon, incident({ id: 'b', date: '2024-06-02', place: CITIES.tripoliLibya, attack: ['Hijacking'] })).veto).toBe('different places');
    expect(compareIncidents(lebanon, incident({ id: 'c', date: '2024-06-02', place: { ...CITIES.tripoliLibya, ...noCoordinates }, attack: ['Hijacking'] })).veto)
      .toBe('different places');
  });
});

describe('haversineKm', () => {
  it('gives the great-circle distance Paris–Lyon (about 392 km)', () => {
    expect(haversineKm(48.8566, 2.3522, 45.764, 4.8357)).toBeCloseTo(392, -1);
  });
});
