/**
 * Countries from the world-countries package (ODbL): common and official
 * names, alternative spellings, English demonyms, capital and a central point,
 * plus the extra names and demonyms in data/place-aliases.json.
 */
import { readDataFile, requireDataPackage } from './data-files.js';
import { nameKey } from './normalize.js';
import type { Place } from './place.js';

interface WorldCountry {
  name: { common: string; official: string };
  cca2: string;
  capital: string[];
  altSpellings: string[];
  latlng: [number, number];
  demonyms: Record<string, { f: string; m: string } | undefined>;
}

export interface PlaceAliases {
  /** Extra names for countries: alias → ISO alpha-2. */
  countries: Record<string, string>;
  /** Extra demonyms and adjectives: word → ISO alpha-2. */
  demonyms: Record<string, string>;
  /** English exonyms of cities: alias → [GeoNames name, ISO alpha-2]. */
  cities: Record<string, [string, string]>;
}

interface CountryIndex {
  byName: Map<string, Place>;
  byDemonym: Map<string, string>;
}

let index: CountryIndex | undefined;
let aliases: PlaceAliases | undefined;

export function placeAliases(): PlaceAliases {
  aliases ??= readDataFile<PlaceAliases>('place-aliases.json');
  return aliases;
}

function buildIndex(): CountryIndex {
  const byCode = new Map<string, Place>();
  const byName = new Map<string, Place>();
  const byDemonym = new Map<string, string>();
  for (const country of requireDataPackage<WorldCountry[]>('world-countries')) {
    const place: Place = {
      kind: 'country',
      name: country.name.common,
      countryCode: country.cca2,
      latitude: country.latlng[0],
      longitude: country.latlng[1],
      precision: 'country',
    };
    byCode.set(country.cca2, place);
    // Two-letter codes in altSpellings ("RU", "IS") collide with words; the curated aliases add the useful ones.
    const names = [country.name.common, country.name.official, ...country.altSpellings.filter((s) => s.length > 3)];
    for (const name of names) {
      const key = nameKey(name);
      if (key && !byName.has(key)) byName.set(key, place);
    }
    const demonym = country.demonyms.eng;
    if (demonym) {
      for (const word of [demonym.m, demonym.f]) if (word) byDemonym.set(nameKey(word), country.cca2);
    }
  }
  const extra = placeAliases();
  for (const [alias, code] of Object.entries(extra.countries)) {
    const place = byCode.get(code);
    if (place) byName.set(nameKey(alias), place);
  }
  for (const [word, code] of Object.entries(extra.demonyms)) byDemonym.set(nameKey(word), code);
  return { byName, byDemonym };
}

function countryIndex(): CountryIndex {
  index ??= buildIndex();
  return index;
}

export function countryByName(name: string): Place | undefined {
  return countryIndex().byName.get(nameKey(name));
}

const ORIGIN_SUFFIX = /[-\s](born|based|raised|backed|led|bred|origin)$/;

/**
 * The country a nationality word points to: "Russian" → RU, "French" → FR,
 * "Iraq-born" or "Iraqi-born" → IQ. Undefined when the word names no country.
 */
export function findCountryByDemonym(word: string): string | undefined {
  const { byDemonym, byName } = countryIndex();
  const key = nameKey(word.replace(ORIGIN_SUFFIX, ''));
  const plural = key.endsWith('s') ? key.slice(0, -1) : undefined;
  return (
    byDemonym.get(key) ??
    byName.get(key)?.countryCode ??
    (plural === undefined ? undefined : byDemonym.get(plural))
  );
}
