import { describe, expect, it } from 'vitest';
import { findCountryByDemonym, lookupPlace } from './places.js';
import { nameKey } from './normalize.js';
import { regionIndex } from './regions.js';

describe('nameKey', () => {
  it('folds case, diacritics, apostrophes and hyphens', () => {
    expect(nameKey('Île-de-France')).toBe('ile de france');
    expect(nameKey("Nal’chik")).toBe('nalchik');
    expect(nameKey('  São   Paulo ')).toBe('sao paulo');
  });
});

describe('lookupPlace', () => {
  it('finds a first-level region with its country and centre', () => {
    const [chechnya] = lookupPlace('Chechnya');
    expect(chechnya).toMatchObject({ kind: 'region', countryCode: 'RU', regionCode: 'RU-CE', precision: 'region' });
    expect(chechnya?.latitude).toBeCloseTo(43.4, 0);
    expect(lookupPlace('Chechen Republic')[0]?.name).toBe('Chechnya');
  });

  it('takes a name shared by a division and its seat for the city', () => {
    expect(lookupPlace('Herat')[0]).toMatchObject({ kind: 'city', countryCode: 'AF', region: 'Herat' });
    expect(lookupPlace('Kirkuk')[0]).toMatchObject({ kind: 'city', region: 'Kirkuk' });
    expect(lookupPlace('Kirkuk').some((place) => place.kind === 'region')).toBe(true);
  });

  it('links a city to its region and knows English exonyms', () => {
    expect(lookupPlace('Grozny')[0]).toMatchObject({ kind: 'city', name: 'Groznyy', countryCode: 'RU', region: 'Chechnya' });
    expect(lookupPlace('Paris')[0]).toMatchObject({ countryCode: 'FR', region: 'Île-de-France', precision: 'city' });
  });

  it('prefers the country the text is about, then population', () => {
    expect(lookupPlace('Colombo')[0]?.countryCode).toBe('LK');
    expect(lookupPlace('Saint-Denis', { countryHint: 'FR' })[0]?.countryCode).toBe('FR');
    expect(lookupPlace('Saint-Denis', { countryHint: 'RE' })[0]?.countryCode).toBe('RE');
    expect(lookupPlace('Kashmir', { countryHint: 'IN' })[0]?.regionCode).toBe('IN-JK');
    expect(lookupPlace('London', { countryHint: 'US' })[0]?.countryCode).toBe('GB');
    expect(lookupPlace('Birmingham', { countryHint: 'GB' })[0]?.countryCode).toBe('GB');
  });

  it('finds countries by common, official and curated names', () => {
    expect(lookupPlace('Russia')[0]).toMatchObject({ kind: 'country', countryCode: 'RU', precision: 'country' });
    expect(lookupPlace('Russian Federation')[0]?.countryCode).toBe('RU');
    expect(lookupPlace('UK')[0]?.countryCode).toBe('GB');
  });

  it('knows places GeoNames calls "City of X" or "X City" by their short name', () => {
    expect(lookupPlace('Westminster')[0]).toMatchObject({ name: 'City of Westminster', countryCode: 'GB' });
    expect(lookupPlace('Marawi')[0]).toMatchObject({ name: 'Marawi City', countryCode: 'PH' });
  });

  it('takes no small place abroad for a word that names a nationality', () => {
    expect(lookupPlace('Catalan').some((place) => place.name === 'Çatalan')).toBe(false);
    expect(lookupPlace('Catalan', { countryHint: 'TR' })[0]?.countryCode).toBe('TR');
    expect(lookupPlace('Menaka')[0]?.countryCode).toBe('ML');
  });

  it('finds a name written with an Arabic article that GeoNames omits', () => {
    expect(lookupPlace('El-Arish')[0]).toMatchObject({ name: 'Arish', countryCode: 'EG', region: 'North Sinai' });
  });

  it('returns nothing for an unknown name', () => {
    expect(lookupPlace('Xyzzyville')).toEqual([]);
  });
});

describe('the region table', () => {
  it('gives every division an admin1 code and a centre, and no admin1 code twice', () => {
    const { records } = regionIndex();
    const seen = new Set<string>();
    for (const record of records) {
      expect(record.latitude, record.name).toBeTypeOf('number');
      if (record.macro) continue;
      expect(record.admin1, record.name).toBeDefined();
      const key = `${record.countryCode}.${record.admin1}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it('links cities in divisions it did not list by hand to their region', () => {
    expect(lookupPlace('Ramadi')[0]).toMatchObject({ countryCode: 'IQ', region: 'Anbar', regionCode: 'IQ-AN' });
    expect(lookupPlace('Maiduguri')[0]?.region).toBe('Borno');
  });
});

describe('findCountryByDemonym', () => {
  it.each([
    ['Russian', 'RU'],
    ['French', 'FR'],
    ['Iraq-born', 'IQ'],
    ['Iraqi-born', 'IQ'],
    ['Afghans', 'AF'],
    ['Somali', 'SO'],
    ['British', 'GB'],
  ])('%s → %s', (word, code) => {
    expect(findCountryByDemonym(word)).toBe(code);
  });

  it('returns undefined for other words', () => {
    expect(findCountryByDemonym('yesterday')).toBeUndefined();
  });
});
