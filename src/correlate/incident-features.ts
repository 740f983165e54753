import {
  ATTRIBUTION_EXTENSION_ID,
  INCIDENT_EXTENSION_ID,
  PROVENANCE_EXTENSION_ID,
  type AttributionExtension,
  type Count,
  type DatePrecision,
  type IncidentExtension,
  type ProvenanceExtension,
} from '../stix/extensions.js';
import type { StixObject } from '../stix/stix-object.js';
import { granularMarkingRefs } from '../stix/tlp.js';

/**
 * What the correlator needs to know about one report's incident, read from the
 * STIX objects ingest (or a partner) produced for that report. Plain data, so
 * that it can be stored in an index table and compared without the bundle.
 */
export interface IncidentFeatures {
  readonly incidentId: string;
  readonly reportId: string;
  /** The outlet (the report's `created_by_ref` identity name, or its first external reference). */
  readonly outlet: string;
  readonly published: string | undefined;
  readonly date: EventDate | undefined;
  readonly place: Place | undefined;
  readonly attackTypes: readonly string[];
  readonly targetTypes: readonly string[];
  readonly weaponTypes: readonly string[];
  readonly victimsKilled: Count | undefined;
  readonly perpetratorsKilled: Count | undefined;
  readonly wounded: Count | undefined;
  readonly claimed: boolean | undefined;
  readonly perpetrators: readonly Perpetrator[];
  readonly newsStatus: 'news' | 'background';
  /** Sources the text attributes the incident's facts to ("according to …"). */
  readonly sourceNames: readonly string[];
  /** The sentences the incident was read from, for near-duplicate detection. */
  readonly evidenceText: string;
  /** `object_marking_refs` of the incident, as published. */
  readonly markingRefs: readonly string[];
}

export interface EventDate {
  /** YYYY, YYYY-MM, YYYY-MM-DD or a timestamp, as in `entente-incident`. */
  readonly value: string;
  readonly end: string | undefined;
  readonly precision: DatePrecision;
  /** Inclusive range of days (since the Unix epoch) the date can stand for. */
  readonly firstDay: number;
  readonly lastDay: number;
}

export interface Place {
  /** The STIX `location` the report's incident is `located-at`, when there is one. */
  readonly locationId: string | undefined;
  readonly country: string | undefined;
  readonly region: string | undefined;
  readonly city: string | undefined;
  readonly latitude: number | undefined;
  readonly longitude: number | undefined;
}

export interface Perpetrator {
  readonly groupId: string;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly attributionType: AttributionExtension['attribution_type'];
  readonly claimChannel: string | undefined;
}

const DAY_MS = 86_400_000;
/** An "approximate" date is taken to mean within a week either side. */
const APPROXIMATE_SLACK_DAYS = 7;

/**
 * Reads every incident of one report's objects (a bundle's `objects`). Objects
 * of other reports in the same list are read too, each with its own report.
 */
export function extractIncidentFeatures(objects: readonly StixObject[]): IncidentFeatures[] {
  const byId = new Map(objects.map((o) => [o.id, o]));
  const locatedAt = new Map<string, StixObject[]>();
  const attributions = new Map<string, StixObject[]>();
  for (const o of objects) {
    if (o.type !== 'relationship') continue;
    const target = byId.get(String(o.target_ref));
    if (target === undefined) continue;
    const source = String(o.source_ref);
    if (o.relationship_type === 'located-at' && target.type === 'location') push(locatedAt, source, target);
    if (o.relationship_type === 'attributed-to') push(attributions, source, o);
  }
  const features: IncidentFeatures[] = [];
  for (const incident of objects) {
    if (incident.type !== 'incident') continue;
    const ext = extension<IncidentExtension>(incident, INCIDENT_EXTENSION_ID);
    const provenance = extension<ProvenanceExtension>(incident, PROVENANCE_EXTENSION_ID);
    const report = provenance === undefined ? undefined : byId.get(provenance.report_ref);
    const reportId = provenance?.report_ref ?? incident.id;
    features.push({
      incidentId: incident.id,
      reportId,
      outlet: report === undefined ? 'unknown' : outletOf(report, byId),
      published: report === undefined ? undefined : stringOrUndefined(report.published),
      date: ext === undefined ? undefined : eventDate(ext),
      place: mostSpecificPlace(locatedAt.get(incident.id) ?? []),
      attackTypes: known(ext?.attack_types),
      targetTypes: known(ext?.target_types),
      weaponTypes: known(ext?.weapon_types),
      victimsKilled: ext?.victims_killed,
      perpetratorsKilled: ext?.perpetrators_killed,
      wounded: ext?.wounded,
      claimed: ext?.claimed,
      perpetrators: (attributions.get(incident.id) ?? []).flatMap((r) => perpetrator(r, byId)),
      newsStatus: ext?.news_status ?? 'news',
      sourceNames: provenance?.source_names ?? [],
      evidenceText: evidenceText(report, provenance),
      // Granular markings too: a canonical incident carries the members' values whole, so a property marked
      // RED marks it RED (canonical-incident.ts strictestMarkings), as it marks the member itself.
      markingRefs: [...(incident.object_marking_refs ?? []), ...granularMarkingRefs(incident.granular_markings)],
    });
  }
  return features;
}

/**
 * The day range a coded date stands for: a "2015" covers the whole year, so it
 * matches a day in 2015 only weakly (incident-matching.ts weighs by width).
 */
export function eventDate(ext: Pick<IncidentExtension, 'event_date' | 'event_date_end' | 'date_precision'>): EventDate | undefined {
  const start = dayRange(ext.event_date);
  if (start === undefined) return undefined;
  const end = ext.event_date_end === undefined ? undefined : dayRange(ext.event_date_end);
  let [firstDay, lastDay] = [start[0], Math.max(start[1], end?.[1] ?? start[1])];
  if (ext.date_precision === 'approximate') [firstDay, lastDay] = [firstDay - APPROXIMATE_SLACK_DAYS, lastDay + APPROXIMATE_SLACK_DAYS];
  return { value: ext.event_date, end: ext.event_date_end, precision: ext.date_precision, firstDay, lastDay };
}

function dayRange(value: string): [number, number] | undefined {
  const year = /^(\d{4})$/u.exec(value);
  if (year) return [epochDay(Number(year[1]), 0, 1), epochDay(Number(year[1]) + 1, 0, 1) - 1];
  const month = /^(\d{4})-(\d{2})$/u.exec(value);
  if (month) return [epochDay(Number(month[1]), Number(month[2]) - 1, 1), epochDay(Number(month[1]), Number(month[2]), 1) - 1];
  const day = /^(\d{4})-(\d{2})-(\d{2})/u.exec(value);
  if (day) {
    const d = epochDay(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    return [d, d];
  }
  return undefined;
}

function epochDay(year: number, monthIndex: number, day: number): number {
  return Math.floor(Date.UTC(year, monthIndex, day) / DAY_MS);
}

/** "Unknown" is the GTD code for "the text does not say": it carries no evidence either way. */
function known(types: readonly string[] | undefined): string[] {
  return (types ?? []).filter((t) => t !== 'Unknown');
}

const PLACE_RANK: Readonly<Record<string, number>> = { Position: 4, City: 3, 'Administrative-Area': 2, Region: 1, Country: 0 };

function mostSpecificPlace(locations: readonly StixObject[]): Place | undefined {
  const ranked = [...locations].sort((a, b) => rank(b) - rank(a));
  const best = ranked[0];
  if (best === undefined) return undefined;
  const country = ranked.map((l) => stringOrUndefined(l.country)).find((c) => c !== undefined);
  return {
    locationId: best.id,
    country: country?.toUpperCase(),
    region: stringOrUndefined(best.administrative_area) ?? stringOrUndefined(best.region),
    city: stringOrUndefined(best.city),
    latitude: typeof best.latitude === 'number' ? best.latitude : undefined,
    longitude: typeof best.longitude === 'number' ? best.longitude : undefined,
  };
}

function rank(location: StixObject): number {
  return PLACE_RANK[String(location.x_opencti_location_type)] ?? (location.city !== undefined ? 3 : 0);
}

function perpetrator(relationship: StixObject, byId: ReadonlyMap<string, StixObject>): Perpetrator[] {
  const group = byId.get(String(relationship.target_ref));
  if (group === undefined || typeof group.name !== 'string') return [];
  const attribution = extension<AttributionExtension>(relationship, ATTRIBUTION_EXTENSION_ID);
  return [{
    groupId: group.id,
    name: group.name,
    aliases: Array.isArray(group.aliases) ? group.aliases.filter((a): a is string => typeof a === 'string') : [],
    attributionType: attribution?.attribution_type ?? 'suspected',
    claimChannel: attribution?.claim_channel,
  }];
}

function outletOf(report: StixObject, byId: ReadonlyMap<string, StixObject>): string {
  const author = byId.get(String(report.created_by_ref));
  if (author !== undefined && typeof author.name === 'string') return author.name;
  const refs = Array.isArray(report.external_references) ? (report.external_references as { source_name?: unknown }[]) : [];
  const named = refs.find((r) => typeof r.source_name === 'string');
  return typeof named?.source_name === 'string' ? named.source_name : 'unknown';
}

function evidenceText(report: StixObject | undefined, provenance: ProvenanceExtension | undefined): string {
  if (report === undefined || provenance === undefined || typeof report.description !== 'string') return '';
  const text = report.description;
  return provenance.evidence.map((span) => text.slice(span.start, span.end)).join(' ');
}

function extension<T>(object: StixObject, id: string): T | undefined {
  const extensions = object.extensions as Record<string, unknown> | undefined;
  const value = extensions?.[id];
  return typeof value === 'object' && value !== null ? (value as T) : undefined;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
