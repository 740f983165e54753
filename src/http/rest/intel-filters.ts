import { z } from 'zod';
import { EntenteError } from '../../errors.js';
import { searchWords } from '../../store/incident-index-fts.js';
import type { IncidentFilter } from '../../store/incident-index-queries.js';
import type { TlpLevel } from '../../store/schema.js';

/**
 * The feed, map and timeline filters of REST.md "Intelligence", validated
 * once: every list parameter may be repeated (`country=RU&country=FR`) or
 * comma-separated, at most MAX_VALUES values each; unknown parameters are
 * refused (strict).
 */
export const MAX_VALUES = 50;
const DAY_MS = 86_400_000;

const list = z
  .union([z.string().max(2000), z.array(z.string().max(200)).max(MAX_VALUES)])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((v) => v.trim()).filter((v) => v !== ''))
  .refine((values) => values.length <= MAX_VALUES, `at most ${MAX_VALUES} values`);
const isoDay = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'a date YYYY, YYYY-MM or YYYY-MM-DD');
const count = z.string().regex(/^\d{1,9}$/, 'a whole number');
const MARKINGS = ['clear', 'green', 'amber', 'amber+strict', 'red', 'none', 'unknown'] as const;

export const filterQuery = {
  from: isoDay.optional(),
  to: isoDay.optional(),
  country: list.optional(),
  region: list.optional(),
  group: list.optional(),
  attackType: list.optional(),
  targetType: list.optional(),
  minKilled: count.optional(),
  minCasualties: count.optional(),
  marking: list.optional(),
  source: list.optional(),
  partner: list.optional(),
  q: z.string().max(500).optional(),
  bbox: z.string().max(200).optional(),
};

export type FilterQuery = z.infer<z.ZodObject<typeof filterQuery>>;

export function incidentFilter(query: FilterQuery): IncidentFilter {
  const markings = query.marking?.map((m) => m.toLowerCase());
  const badMarking = markings?.find((m) => !(MARKINGS as readonly string[]).includes(m));
  if (badMarking !== undefined) {
    throw new EntenteError('invalid_input', `marking "${badMarking}" is not one of ${MARKINGS.join(', ')}`, { field: 'marking' });
  }
  const fromDay = query.from === undefined ? undefined : dayOf(query.from, 'start', 'from');
  const toDay = query.to === undefined ? undefined : dayOf(query.to, 'end', 'to');
  if (fromDay !== undefined && toDay !== undefined && fromDay > toDay) {
    throw new EntenteError('invalid_input', `from (${query.from}) is after to (${query.to})`, { field: 'from' });
  }
  return {
    ...(fromDay !== undefined ? { fromDay } : {}),
    ...(toDay !== undefined ? { toDay } : {}),
    ...(query.country !== undefined ? { countries: query.country.map((c) => c.toUpperCase()) } : {}),
    ...(query.region !== undefined ? { regions: query.region } : {}),
    ...(query.group !== undefined ? { groups: query.group } : {}),
    ...(query.attackType !== undefined ? { attackTypes: query.attackType } : {}),
    ...(query.targetType !== undefined ? { targetTypes: query.targetType } : {}),
    ...(query.minKilled !== undefined ? { minKilled: Number(query.minKilled) } : {}),
    ...(query.minCasualties !== undefined ? { minCasualties: Number(query.minCasualties) } : {}),
    ...(markings !== undefined ? { markings: markings as TlpLevel[] } : {}),
    ...(query.source !== undefined ? { sources: query.source } : {}),
    ...(query.partner !== undefined ? { partners: query.partner } : {}),
    ...(query.q !== undefined && query.q.trim() !== '' ? { words: searchWords(query.q) } : {}),
    ...(query.bbox !== undefined ? { bbox: boundingBox(query.bbox) } : {}),
  };
}

/** Days since the Unix epoch of the first (`start`) or last (`end`) day a YYYY[-MM[-DD]] stands for. */
export function dayOf(value: string, edge: 'start' | 'end', field: string): number {
  const [year, month, day] = value.split('-').map(Number) as [number, number | undefined, number | undefined];
  const start = Date.UTC(year, (month ?? 1) - 1, day ?? 1);
  const check = new Date(start);
  if (check.getUTCFullYear() !== year || (month !== undefined && check.getUTCMonth() !== month - 1) || (day !== undefined && check.getUTCDate() !== day)) {
    throw new EntenteError('invalid_input', `${field} "${value}" is not a calendar date`, { field });
  }
  if (edge === 'start') return Math.floor(start / DAY_MS);
  const end = day !== undefined ? start : month !== undefined ? Date.UTC(year, month, 1) - DAY_MS : Date.UTC(year + 1, 0, 1) - DAY_MS;
  return Math.floor(end / DAY_MS);
}

export function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function boundingBox(text: string): [number, number, number, number] {
  const parts = text.split(',').map((p) => Number(p.trim()));
  const [minLon, minLat, maxLon, maxLat] = parts as [number, number, number, number];
  const valid = parts.length === 4 && parts.every(Number.isFinite)
    && Math.abs(minLon) <= 180 && Math.abs(maxLon) <= 180 && Math.abs(minLat) <= 90 && Math.abs(maxLat) <= 90 && minLat <= maxLat;
  if (!valid) {
    throw new EntenteError('invalid_input', 'bbox must be minLon,minLat,maxLon,maxLat in degrees (longitudes -180..180, latitudes -90..90, minLat <= maxLat)', { field: 'bbox' });
  }
  return [minLon, minLat, maxLon, maxLat];
}
