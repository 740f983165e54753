/**
 * Place look-up for ingest: countries, first-level regions, cities and
 * districts by any of their names, ranked best first. Ambiguity ("Colombo",
 * "Moscow", "Punjab") is settled by the country the text is about, then by
 * kind and population.
 */
import { countryByName, findCountryByDemonym, placeAliases } from './countries.js';
import { findCities, loadCities } from './cities.js';
import { regionsByName, regionIndex } from './regions.js';
import type { LookupContext, Place } from './place.js';

export type { LookupContext, Place, PlaceKind, PlacePrecision } from './place.js';
export { findCountryByDemonym };

/** Worth about three orders of magnitude of population: a hint decides between homonyms of similar size, not London against London, Ohio. */
const HINT_BONUS = 25;
const SMALL_PLACE = 20_000;
const COUNTRY = 150;
/** Above every city but the largest capitals: "Punjab", "Chechnya" mean the division. */
const REGION = 75;
/** Below the division's own seat, which a city score of a seat always exceeds. */
const SEAT_NAMED_REGION = 40;
const SEAT_CODES = new Set(['PPLC', 'PPLA']);

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
 * regions and cities scored by kind and population (a division named after
 * its seat yields to the city), with a bonus for places in
 * `context.countryHint` that decides between homonyms of similar size. An
 * empty array when nothing matches.
 */
export function lookupPlace(name: string, context: LookupContext = {}): Place[] {
  const found = rankPlaces(name, context);
  // "El-Arish", "al-Raqqa": GeoNames often writes the name without the Arabic article.
  const bare = /^(?:al|el|ar|as|ad|an|at|az|ash)[-\s](.{3,})$/i.exec(name.trim())?.[1];
  return found.length > 0 || bare === undefined ? found : rankPlaces(bare, context);
}

function rankPlaces(name: string, context: LookupContext): Place[] {
  const hint = context.countryHint?.toUpperCase();
  const scored: Scored[] = [];
  const country = countryByName(name);
  if (country) scored.push({ place: { ...country }, score: COUNTRY });
  // "Catalan" is an adjective, not the Turkish village Çatalan: a word that names a nationality
  // denotes no small place abroad.
  const adjective = findCountryByDemonym(name) !== undefined;
  const cities = findCities(name).filter(({ place }) => !adjective || (place.population ?? 0) >= SMALL_PLACE || place.countryCode === hint);
  for (const region of regionsByName(name)) {
    // "Herat", "Kano", "Kirkuk": a division named after its seat means the city unless the text says otherwise.
    const seatNamed = cities.some(({ place, featureCode }) => place.countryCode === region.countryCode && SEAT_CODES.has(featureCode));
    scored.push({ place: { ...region }, score: seatNamed ? SEAT_NAMED_REGION : REGION });
  }
  for (const { place, featureCode } of cities) scored.push({ place, score: cityScore(place.population ?? 0, featureCode) });
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
