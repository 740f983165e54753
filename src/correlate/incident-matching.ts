import type { EventDate, IncidentFeatures, Place } from './incident-features.js';
import { nameKey } from './name-keys.js';

/**
 * Whether two reports' incidents describe the same event.
 *
 * The decision is made in two steps. First the never-merge rules, each of which
 * vetoes a merge whatever the score:
 * - two incidents of one report (ingest already told them apart);
 * - the same place on different days, beyond what the dates' precision allows
 *   (day-precise dates may differ by one day: events that run past midnight
 *   and time-zone differences in reporting);
 * - a follow-up: one day apart with no attack type in common (an attack, then
 *   a raid on the suspects);
 * - different places (cities more than {@link SAME_PLACE_KM} apart, or
 *   different countries, unless both places have coordinates that lie
 *   within {@link SAME_PLACE_KM} of each other: an attack at a border, or a
 *   report that names the wrong country; the same city name in two
 *   countries without coordinates to tell is two places). When such events happen on the same day and
 *   share a perpetrator (or, when neither names one, an attack type and a
 *   target type), they are `linked` as parts of one coordinated campaign
 *   rather than merged;
 * - dates whose ranges do not overlap (a "2015" never matches a day in 2016).
 * Then a weighted similarity of time, place, attack and target types and
 * actors; `same` when it reaches {@link SAME_EVENT_THRESHOLD}. Tolls are not
 * compared: they change as reports come in.
 */
export type MatchDecision = 'same' | 'distinct' | 'linked';

export interface MatchResult {
  readonly decision: MatchDecision;
  /** Weighted similarity in [0, 1]; 0 when a never-merge rule applied. */
  readonly score: number;
  /** The never-merge rule that applied, when one did. */
  readonly veto: string | undefined;
  readonly reasons: readonly string[];
}

/** Cities closer than this are one place (Saint-Denis and Paris). */
export const SAME_PLACE_KM = 40;
export const SAME_EVENT_THRESHOLD = 0.65;
/** Scores are sums of floating-point products: compare with a tolerance. */
const EPSILON = 1e-9;

const WEIGHTS = { time: 0.35, place: 0.3, attack: 0.15, target: 0.1, actor: 0.1 } as const;
/** Day-precise dates (possibly with an end the next day) span at most this many days. */
const NARROW_DAYS = 2;
/** Below this, a missing value neither helps nor hurts much. */
const UNKNOWN_SCORE = 0.3;

export function compareIncidents(a: IncidentFeatures, b: IncidentFeatures): MatchResult {
  if (a.reportId === b.reportId && a.incidentId !== b.incidentId) return veto('two incidents of one report');
  const reasons: string[] = [];
  const gap = a.date !== undefined && b.date !== undefined ? dayGap(a.date, b.date) : undefined;
  const bothNarrow = a.date !== undefined && b.date !== undefined && isNarrow(a.date) && isNarrow(b.date);
  const attackOverlap = overlap(a.attackTypes, b.attackTypes);
  const actorOverlap = actorsOverlap(a, b);
  const distanceKm = placeDistance(a.place, b.place);

  if (distanceKm === Infinity || (distanceKm !== undefined && distanceKm > SAME_PLACE_KM)) {
    const sameDay = bothNarrow && gap === 0;
    const sameKind = attackOverlap === true && overlap(a.targetTypes, b.targetTypes) === true;
    if (sameDay && (actorOverlap === true || (actorOverlap === undefined && sameKind))) {
      return { decision: 'linked', score: 0, veto: 'different places on the same day', reasons: ['same day, same perpetrator or same kind of attack: one campaign'] };
    }
    return veto('different places');
  }
  if (gap !== undefined && gap > 0 && !bothNarrow) return veto('dates that cannot overlap');
  if (gap !== undefined && gap > 1) return veto('same place, different days');
  if (gap === 1 && attackOverlap === false) return veto('a follow-up: the next day with a different attack type');

  const time = timeScore(a.date, b.date, gap);
  reasons.push(`time ${time.toFixed(2)}`);
  const place = placeScore(a.place, b.place, distanceKm);
  reasons.push(`place ${place.toFixed(2)}`);
  const attack = jaccardOrUnknown(a.attackTypes, b.attackTypes);
  const target = jaccardOrUnknown(a.targetTypes, b.targetTypes);
  const actor = actorOverlap === undefined ? 0.5 : actorOverlap ? 1 : 0;
  reasons.push(`attack ${attack.toFixed(2)}`, `target ${target.toFixed(2)}`, `actor ${actor.toFixed(2)}`);
  const score = WEIGHTS.time * time + WEIGHTS.place * place + WEIGHTS.attack * attack + WEIGHTS.target * target + WEIGHTS.actor * actor;
  return { decision: score + EPSILON >= SAME_EVENT_THRESHOLD ? 'same' : 'distinct', score, veto: undefined, reasons };
}

function veto(rule: string): MatchResult {
  return { decision: 'distinct', score: 0, veto: rule, reasons: [`never merge: ${rule}`] };
}

/** Days between two date ranges; 0 when they overlap. */
export function dayGap(a: EventDate, b: EventDate): number {
  return Math.max(0, Math.max(a.firstDay, b.firstDay) - Math.min(a.lastDay, b.lastDay));
}

function isNarrow(date: EventDate): boolean {
  return date.lastDay - date.firstDay + 1 <= NARROW_DAYS;
}

/** Precision-aware: a month range matching a day is weaker evidence than two equal days, a year weaker still. */
function timeScore(a: EventDate | undefined, b: EventDate | undefined, gap: number | undefined): number {
  if (a === undefined || b === undefined || gap === undefined) return UNKNOWN_SCORE * 0.5;
  const widest = Math.max(a.lastDay - a.firstDay, b.lastDay - b.firstDay) + 1;
  if (widest <= NARROW_DAYS) return gap === 0 ? 1 : 0.7;
  if (widest <= 31) return 0.5;
  return 0.25;
}

/**
 * Great-circle distance in km (haversine) between two places; 0 for the same
 * named city; undefined when one of them is not known precisely enough to
 * tell. Places given in different countries are Infinity apart unless their
 * coordinates put them within {@link SAME_PLACE_KM} of each other (one place
 * at a border, or a wrong country), which the coordinates then measure.
 */
export function placeDistance(a: Place | undefined, b: Place | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (a.country !== undefined && b.country !== undefined && a.country !== b.country) return acrossBorder(a, b);
  if (a.city === undefined || b.city === undefined) return undefined;
  if (a.city.toLowerCase() === b.city.toLowerCase()) return 0;
  if (a.latitude === undefined || a.longitude === undefined || b.latitude === undefined || b.longitude === undefined) return undefined;
  return haversineKm(a.latitude, a.longitude, b.latitude, b.longitude);
}

function acrossBorder(a: Place, b: Place): number {
  if (a.latitude === undefined || a.longitude === undefined || b.latitude === undefined || b.longitude === undefined) return Infinity;
  const km = haversineKm(a.latitude, a.longitude, b.latitude, b.longitude);
  if (km > SAME_PLACE_KM) return Infinity;
  return a.city !== undefined && a.city.toLowerCase() === b.city?.toLowerCase() ? 0 : km;
}

const EARTH_RADIUS_KM = 6371.0088;

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

function placeScore(a: Place | undefined, b: Place | undefined, distanceKm: number | undefined): number {
  if (distanceKm !== undefined) return distanceKm === 0 ? 1 : 0.8;
  if (a?.country !== undefined && a.country === b?.country) return 0.5;
  return UNKNOWN_SCORE;
}

/** undefined when either side does not say. */
function overlap(a: readonly string[], b: readonly string[]): boolean | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  return a.some((x) => b.includes(x));
}

function jaccardOrUnknown(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0.5;
  const union = new Set([...a, ...b]);
  const common = a.filter((x) => b.includes(x)).length;
  return common / union.size;
}

function actorsOverlap(a: IncidentFeatures, b: IncidentFeatures): boolean | undefined {
  if (a.perpetrators.length === 0 || b.perpetrators.length === 0) return undefined;
  const names = (f: IncidentFeatures): Set<string> =>
    new Set(f.perpetrators.flatMap((p) => [p.groupId, ...[p.name, ...p.aliases].map(nameKey)]));
  const left = names(a);
  return [...names(b)].some((n) => left.has(n));
}
