import { describe, expect, it } from 'vitest';
import { indexKeys, probeKeys } from './blocking.js';
import { CITIES, incident } from './test-incidents.js';

const meets = (probe: ReturnType<typeof incident>, filed: ReturnType<typeof incident>): boolean => {
  const keys = new Set(indexKeys(filed));
  return probeKeys(probe).some((k) => keys.has(k));
};

describe('blocking keys', () => {
  const attack = incident({ id: 'a', date: '2024-06-01', place: CITIES.strasbourg });
  const cityOnly = incident({ id: 'b', date: '2024-06-01', place: { ...CITIES.strasbourg, country: undefined, latitude: undefined, longitude: undefined } });
  const wrongCountry = incident({ id: 'c', date: '2024-06-02', place: { ...CITIES.strasbourg, country: 'DE', latitude: undefined, longitude: undefined } });

  it('lets a report that gives only the city, or another country, meet the reports of that city, either way round', () => {
    expect(meets(cityOnly, attack)).toBe(true);
    expect(meets(attack, cityOnly)).toBe(true);
    expect(meets(wrongCountry, attack)).toBe(true);
    expect(indexKeys(attack)).toContain('pd:strasbourg:19875');
  });

  it('lets places either side of a border meet through their coordinates', () => {
    expect(meets(incident({ id: 'd', date: '2024-06-01', place: CITIES.kehl }), attack)).toBe(true);
  });

  it('keeps the city keys to the day and the day either side', () => {
    expect(meets(incident({ id: 'e', date: '2024-06-03', place: { ...CITIES.strasbourg, country: undefined } }), attack)).toBe(false);
    expect(meets(incident({ id: 'f', date: '2024-06-01', place: { ...CITIES.lyon, country: undefined } }), attack)).toBe(false);
  });
});
