/**
 * Place look-up for ingest: countries, first-level regions, cities and
 * districts by any of their names, ranked best first. Ambiguity ("Colombo",
 * "Moscow", "Punjab") is settled by the country the text is about, then by
 * kind and population.
 */
import { countryByName, findCountryByDemonym, placeAliases } from './countries.js';
import { nameKey } from './normalize.js';
import { findCities, loadCities } from './cities.js';
import { regionsByName, regionIndex } from './regions.js';
import type { LookupContext, Place } from './place.js';

export type { LookupContext, Place, PlaceKind, PlacePrecision } from './place.js';
export { findCountryByDemonym };

/** Worth about three orders of magnitude of population: a hint decides between homonyms of similar size, not London against London, Ohio. */
const HINT_BONUS = 25;
const SMALL_PLACE = 20_000;

/** Same letters, diacritics included; case, apostrophes and hyphens aside. */
function spelledAlike(a: string, b: string): boolean {
  const fold = (text: string): string => text.toLowerCase().replace(/['’‘`ʻʼ]/g, '').replace(/[-\s./]+/g, ' ').trim();
  return fold(a) === fold(b);
}

let exonyms: Set<string> | undefined;

function isExonym(name: string): boolean {
  exonyms ??= new Set(Object.keys(placeAliases().cities).map(nameKey));
  return exonyms.has(nameKey(name));
}

interface Scored {
  place: Place;
  score: number;
}

function cityScore(population: number, featureCode: string): number {
  const capital = featureCode === 'PPLC' ? 15 : featureCode === 'PPLA' ? 6 : 0;
  return 20 + 8 * Math.log10(population + 1) + capital;
}

/**
 * Every place this name can denote, best first: a country name first, then
 * regions and cities scored by kind and population, with a large bonus for
 * places in `context.countryHint`. An empty array when nothing matches.
 */
export function lookupPlace(name: string, context: LookupContext = {}): Place[] {
  const hint = context.countryHint?.toUpperCase();
  const scored: Scored[] = [];
  const country = countryByName(name);
  if (country) scored.push({ place: { ...country }, score: 150 });
  for (const region of regionsByName(name)) scored.push({ place: { ...region }, score: 75 });
  for (const { place, featureCode } of findCities(name)) {
    // "Catalan" is not the Turkish village Çatalan: a small place abroad must be spelled as GeoNames spells it.
    const small = (place.population ?? 0) < SMALL_PLACE && place.countryCode !== hint;
    if (small && !spelledAlike(name, place.name) && !isExonym(name)) continue;
    scored.push({ place, score: cityScore(place.population ?? 0, featureCode) });
  }
  for (const entry of scored) if (hint !== undefined && entry.place.countryCode === hint) entry.score += HINT_BONUS;
  return scored.sort((a, b) => b.score - a.score).map((entry) => entry.place);
}

/** Loads every table now rather than at first use; returns the number of cities. */
export function warmUpGazetteer(): number {
  placeAliases();
  regionIndex();
  findCountryByDemonym('French');
  return loadCities();
}
