import type { IncidentFeatures } from './incident-features.js';
import { normaliseEntityName } from './name-keys.js';

/**
 * Candidate retrieval for incident matching. Every incident is filed under a
 * few blocking keys; a new incident probes a bounded set of keys, so finding
 * its candidates costs the same whether the index holds a thousand incidents
 * or a million (a key's block only grows with the incidents of one place and
 * day). The keys are plain strings so that a SQL table
 * `(key TEXT, incident_id TEXT, PRIMARY KEY (key, incident_id))` can back
 * {@link CandidateIndex} with one indexed `WHERE key IN (…)` query.
 *
 * Keys (country in ISO-2, days since the Unix epoch):
 * - `cd:<country>:<day>`   day-precise incidents, one key per day they span;
 * - `cm:<country>:<YYYY-MM>` month-precise incidents;
 * - `cy:<country>:<YYYY>`  year-precise (or approximate) incidents;
 * - `gd:<cell>:<day>`      day-precise incidents with coordinates, in a
 *   {@link CELL_DEGREES}° grid cell, so that incidents whose country is missing
 *   or differs (border areas) still meet;
 * - `xd:<day>`             day-precise incidents with no country;
 * - `pd:<place>:<day>`     day-precise incidents with a city, by the city's
 *   name alone, so that a report giving only the city, or another country
 *   for it, meets the reports that name the same city (whether they are one
 *   place is then for incident-matching.ts to say: the same name in two
 *   countries is two places unless the coordinates agree);
 * - `ky:<country>:<city>:<YYYY>` day-precise incidents with a city, probed only
 *   by year-precise ones with that city ("in Paris in 2015"): a year-precise
 *   incident with only a country cannot reach the same-event threshold anyway.
 * An incident with no date gets no key: nothing can be matched to it safely.
 */
export interface CandidateIndex {
  add(incidentId: string, keys: readonly string[]): void;
  remove(incidentId: string): void;
  /** Ids filed under any of `keys`, at most `limit` (the most recently added first). */
  candidates(keys: readonly string[], limit: number): string[];
  size(): number;
}

/** Half a degree is about 55 km at the equator: a probe of the 3×3 neighbourhood covers {@link SAME_PLACE_KM}. */
export const CELL_DEGREES = 0.5;
/** Largest number of candidates compared with one incident; a block this large is a data problem, not a match. */
export const CANDIDATE_LIMIT = 500;

/** The keys an incident is filed under. */
export function indexKeys(f: IncidentFeatures): string[] {
  const date = f.date;
  if (date === undefined) return [];
  const country = f.place?.country;
  const keys: string[] = [];
  const width = date.lastDay - date.firstDay + 1;
  if (width <= 3) {
    for (let day = date.firstDay; day <= date.lastDay; day++) {
      keys.push(country === undefined ? `xd:${day}` : `cd:${country}:${day}`);
      const cell = cellOf(f);
      if (cell !== undefined) keys.push(`gd:${cell}:${day}`);
      const name = placeName(f);
      if (name !== undefined) keys.push(`pd:${name}:${day}`);
    }
    const city = cityKey(f);
    if (city !== undefined) keys.push(`ky:${city}:${yearOf(date.firstDay)}`);
  } else if (country !== undefined) {
    keys.push(width <= 31 ? `cm:${country}:${monthOf(date.firstDay)}` : `cy:${country}:${yearOf(date.firstDay)}`);
  }
  return keys;
}

/**
 * The keys to look candidates up under: the day before and after (events past
 * midnight), the coarser keys a vaguer report of the same event would be filed
 * under, and the neighbouring grid cells. A month probes the country's day keys of that
 * month; a year probes its months and its city's days.
 */
export function probeKeys(f: IncidentFeatures): string[] {
  const date = f.date;
  if (date === undefined) return [];
  const country = f.place?.country;
  const keys = new Set<string>();
  const width = date.lastDay - date.firstDay + 1;
  if (width <= 3) {
    for (let day = date.firstDay - 1; day <= date.lastDay + 1; day++) {
      keys.add(country === undefined ? `xd:${day}` : `cd:${country}:${day}`);
      for (const cell of neighbourCells(f)) keys.add(`gd:${cell}:${day}`);
      const name = placeName(f);
      if (name !== undefined) keys.add(`pd:${name}:${day}`);
      if (country === undefined) continue;
      keys.add(`cm:${country}:${monthOf(day)}`);
      keys.add(`cy:${country}:${yearOf(day)}`);
    }
  } else if (country !== undefined) {
    keys.add(`cy:${country}:${yearOf(date.firstDay)}`);
    if (width <= 31) {
      keys.add(`cm:${country}:${monthOf(date.firstDay)}`);
      for (let day = date.firstDay; day <= date.lastDay; day++) keys.add(`cd:${country}:${day}`);
    } else {
      for (let day = date.firstDay; day <= date.lastDay; day += 28) keys.add(`cm:${country}:${monthOf(day)}`);
      const city = cityKey(f);
      if (city !== undefined) keys.add(`ky:${city}:${yearOf(date.firstDay)}`);
    }
  }
  return [...keys];
}

function cityKey(f: IncidentFeatures): string | undefined {
  const place = f.place;
  if (place?.country === undefined || place.city === undefined) return undefined;
  return `${place.country}:${place.city.toLowerCase()}`;
}

/** The city's name folded (case, accents, punctuation), whatever country it is given in. */
function placeName(f: IncidentFeatures): string | undefined {
  const city = f.place?.city;
  const name = city === undefined ? '' : normaliseEntityName(city);
  return name === '' ? undefined : name;
}

function cellOf(f: IncidentFeatures): string | undefined {
  const lat = f.place?.latitude;
  const lon = f.place?.longitude;
  if (lat === undefined || lon === undefined || f.place?.city === undefined) return undefined;
  return `${Math.floor(lat / CELL_DEGREES)},${Math.floor(lon / CELL_DEGREES)}`;
}

function neighbourCells(f: IncidentFeatures): string[] {
  const cell = cellOf(f);
  if (cell === undefined) return [];
  const [y, x] = cell.split(',').map(Number) as [number, number];
  const cells: string[] = [];
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) cells.push(`${y + dy},${x + dx}`);
  return cells;
}

function monthOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 7);
}

function yearOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 4);
}

/** The in-memory index: a Map from key to the ids filed under it (insertion order kept). */
export class MemoryCandidateIndex implements CandidateIndex {
  private readonly byKey = new Map<string, Set<string>>();
  private readonly keysOf = new Map<string, readonly string[]>();

  add(incidentId: string, keys: readonly string[]): void {
    this.remove(incidentId);
    this.keysOf.set(incidentId, keys);
    for (const key of keys) {
      let ids = this.byKey.get(key);
      if (ids === undefined) this.byKey.set(key, (ids = new Set()));
      ids.add(incidentId);
    }
  }

  remove(incidentId: string): void {
    for (const key of this.keysOf.get(incidentId) ?? []) {
      const ids = this.byKey.get(key);
      ids?.delete(incidentId);
      if (ids?.size === 0) this.byKey.delete(key);
    }
    this.keysOf.delete(incidentId);
  }

  candidates(keys: readonly string[], limit: number): string[] {
    const found = new Set<string>();
    for (const key of keys) {
      const ids = this.byKey.get(key);
      if (ids === undefined) continue;
      for (const id of [...ids].reverse()) {
        found.add(id);
        if (found.size >= limit) return [...found];
      }
    }
    return [...found];
  }

  size(): number {
    return this.keysOf.size;
  }
}

