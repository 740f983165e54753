import { INCIDENT_EXTENSION_ID, PERSON_EXTENSION_ID, PROVENANCE_EXTENSION_ID } from '../stix/extensions.js';
import { normaliseName } from '../stix/identifier.js';
import type { StixObject } from '../stix/stix-object.js';
import { placeKey } from './watchlist-input.js';

/**
 * What an alert can be about, read from STIX objects as ingest/to-stix.ts
 * writes them: an `incident` (attack types in its entente-incident extension,
 * where via `located-at` → location, who via `attributed-to` →
 * intrusion-set, people via the reports that cite it), or a `report` that
 * cites no incident (its `object_refs`). Pure: the follower gives it the rows
 * of one step and the rows they refer to.
 *
 * Every feature lists the rows (by date_added within the collection) it rests
 * on, so a match can be re-decided with only the rows a given user may see.
 */
export interface ObjectRow {
  readonly dateAdded: number;
  readonly object: StixObject;
  /** Part of the step being matched (not a row looked up for context). */
  readonly inStep: boolean;
}

/** A row of another collection than the step's (a canonical incident's location, stored with its reports). */
export interface ElsewhereRow extends ObjectRow {
  readonly collectionId: string;
}

/** How a feature names a row of another collection: its collection and date_added. */
export function elsewhereKey(collectionId: string, dateAdded: number): string {
  return `${collectionId} ${dateAdded}`;
}

export interface NamedFeature {
  readonly id: string;
  /** Normalised names and aliases; empty when only the id is known. */
  readonly names: readonly string[];
  readonly rows: readonly number[];
}

export interface PlaceFeature {
  readonly country?: string;
  /** placeKey of the location's region, administrative area, and its name when it is itself a region. */
  readonly regions: readonly string[];
  readonly lat?: number;
  readonly lon?: number;
  readonly label: string;
  readonly rows: readonly number[];
  /** Rows of other collections it rests on too (elsewhereKey), each to be visible to the user. */
  readonly elsewhere?: readonly string[];
}

export interface Subject {
  readonly kind: 'incident' | 'report';
  readonly row: ObjectRow;
  readonly title: string;
  readonly groups: readonly NamedFeature[];
  readonly persons: readonly NamedFeature[];
  readonly places: readonly PlaceFeature[];
  readonly attackTypes: readonly string[];
  /** The newest row of the step that concerns the subject: a watchlist created after it does not fire. */
  readonly newestInStep: number;
  /**
   * The incidents this one is `derived-from` (latest version of each
   * relationship, revoked ones left out): a canonical incident's report
   * incidents (src/correlate), which stand for the same event.
   */
  readonly derivedFrom: readonly string[];
}

/** The rows of a step and the rows they refer to, latest version per id. */
export interface StepContext {
  readonly step: readonly ObjectRow[];
  readonly byId: ReadonlyMap<string, ObjectRow>;
  /** Relationships by source_ref, from the step and from lookups. */
  readonly relationshipsBySource: ReadonlyMap<string, readonly ObjectRow[]>;
  /** Locations that `located-at` relationships point at and this collection lacks, as other collections hold them. */
  readonly elsewhere: ReadonlyMap<string, readonly ElsewhereRow[]>;
}

const GROUP_TYPES = new Set(['intrusion-set', 'threat-actor']);

export function subjectsOf(context: StepContext): Subject[] {
  const incidents = touchedIncidents(context);
  const citing = reportsCiting(context);
  const subjects: Subject[] = [];
  for (const incident of incidents) subjects.push(incidentSubject(context, incident, citing.get(incident.object.id) ?? []));
  for (const row of context.step) {
    if (row.object.type !== 'report') continue;
    const refs = stringList(row.object.object_refs);
    if (refs.some((ref) => ref.startsWith('incident--'))) continue;
    subjects.push(reportSubject(context, row, refs));
  }
  return subjects;
}

/** Incidents of the step, and incidents that relationships of the step start from. */
function touchedIncidents(context: StepContext): ObjectRow[] {
  const ids = new Set<string>();
  for (const row of context.step) {
    if (row.object.type === 'incident') ids.add(row.object.id);
    const source = relationshipSource(row.object);
    if (source?.startsWith('incident--') === true) ids.add(source);
  }
  return [...ids].map((id) => context.byId.get(id)).filter((row): row is ObjectRow => row !== undefined && row.object.type === 'incident');
}

/** incident id → reports of the step that cite it. */
function reportsCiting(context: StepContext): Map<string, ObjectRow[]> {
  const citing = new Map<string, ObjectRow[]>();
  for (const row of context.step) {
    if (row.object.type !== 'report') continue;
    for (const ref of stringList(row.object.object_refs)) {
      if (ref.startsWith('incident--')) citing.set(ref, [...(citing.get(ref) ?? []), row]);
    }
  }
  return citing;
}

function incidentSubject(context: StepContext, incident: ObjectRow, reports: readonly ObjectRow[]): Subject {
  const groups: NamedFeature[] = [];
  const places: PlaceFeature[] = [];
  const persons: NamedFeature[] = [];
  let newest = incident.inStep ? incident.dateAdded : 0;
  const relationships = context.relationshipsBySource.get(incident.object.id) ?? [];
  for (const relationship of relationships) {
    if (relationship.inStep) newest = Math.max(newest, relationship.dateAdded);
    const kind = relationship.object.relationship_type;
    const target = typeof relationship.object.target_ref === 'string' ? relationship.object.target_ref : undefined;
    if (target === undefined) continue;
    if (kind === 'attributed-to' && GROUP_TYPES.has(target.split('--')[0] ?? '')) {
      groups.push(...namedFeatures(target, context.byId.get(target), [relationship.dateAdded], groupNames));
    } else if (kind === 'located-at') {
      const location = context.byId.get(target);
      if (location?.object.type === 'location') places.push(placeFeature(location, [relationship.dateAdded, location.dateAdded]));
      else places.push(...placesElsewhere(context, target, relationship.dateAdded));
    }
  }
  for (const source of stringList(extension(incident.object, PROVENANCE_EXTENSION_ID)?.source_refs)) {
    if (source.startsWith('identity--')) persons.push(...namedFeatures(source, context.byId.get(source), [incident.dateAdded], personNames));
  }
  for (const report of reports) {
    newest = Math.max(newest, report.dateAdded);
    for (const ref of stringList(report.object.object_refs)) {
      if (ref.startsWith('identity--')) persons.push(...namedFeatures(ref, context.byId.get(ref), [report.dateAdded], personNames));
    }
  }
  const attackTypes = stringList(extension(incident.object, INCIDENT_EXTENSION_ID)?.attack_types);
  return {
    kind: 'incident',
    row: incident,
    title: titleOf(incident.object),
    groups,
    persons,
    places,
    attackTypes,
    newestInStep: newest,
    derivedFrom: derivedFrom(relationships),
  };
}

/** Targets of the `derived-from` relationships whose latest version (in these rows) is not revoked. */
function derivedFrom(relationships: readonly ObjectRow[]): string[] {
  const latest = new Map<string, ObjectRow>();
  for (const row of relationships) {
    if (row.object.relationship_type !== 'derived-from') continue;
    const held = latest.get(row.object.id);
    if (held === undefined || held.dateAdded < row.dateAdded) latest.set(row.object.id, row);
  }
  return [...latest.values()]
    .filter((row) => row.object.revoked !== true && typeof row.object.target_ref === 'string')
    .map((row) => String(row.object.target_ref));
}

function reportSubject(context: StepContext, report: ObjectRow, refs: readonly string[]): Subject {
  const groups: NamedFeature[] = [];
  const persons: NamedFeature[] = [];
  const places: PlaceFeature[] = [];
  const at = [report.dateAdded];
  for (const ref of refs) {
    const type = ref.split('--')[0] ?? '';
    if (GROUP_TYPES.has(type)) groups.push(...namedFeatures(ref, context.byId.get(ref), at, groupNames));
    else if (type === 'identity') persons.push(...namedFeatures(ref, context.byId.get(ref), at, personNames));
    else if (type === 'location') {
      const location = context.byId.get(ref);
      if (location?.object.type === 'location') places.push(placeFeature(location, [report.dateAdded, location.dateAdded]));
    }
  }
  return { kind: 'report', row: report, title: titleOf(report.object), groups, persons, places, attackTypes: [], newestInStep: report.dateAdded, derivedFrom: [] };
}

/**
 * The id alone rests on the referring rows; the names need the referred
 * object's row too, so they are a second feature that a user who cannot see
 * that object does not get.
 */
function namedFeatures(
  id: string,
  target: ObjectRow | undefined,
  rows: readonly number[],
  names: (object: StixObject) => string[],
): NamedFeature[] {
  const byId: NamedFeature = { id, names: [], rows };
  if (target === undefined) return [byId];
  const known = names(target.object);
  return known.length === 0 ? [byId] : [byId, { id, names: known, rows: [...rows, target.dateAdded] }];
}

function groupNames(object: StixObject): string[] {
  return [object.name, ...stringList(object.aliases)].filter((n): n is string => typeof n === 'string').map(normaliseName);
}

function personNames(object: StixObject): string[] {
  if (object.identity_class !== 'individual') return [];
  const aliases = stringList(extension(object, PERSON_EXTENSION_ID)?.aliases);
  return [object.name, ...aliases].filter((n): n is string => typeof n === 'string').map(normaliseName);
}

/** One feature per other collection holding the location (a canonical incident's place): any one the user may see gives the place. */
function placesElsewhere(context: StepContext, locationId: string, relationshipRow: number): PlaceFeature[] {
  return (context.elsewhere.get(locationId) ?? [])
    .filter((row) => row.object.type === 'location')
    .map((row) => ({ ...placeFeature(row, [relationshipRow]), elsewhere: [elsewhereKey(row.collectionId, row.dateAdded)] }));
}

function placeFeature(location: ObjectRow, rows: readonly number[]): PlaceFeature {
  const o = location.object;
  const regions = [o.region, o.administrative_area, isRegionLike(o) ? o.name : undefined]
    .filter((v): v is string => typeof v === 'string' && v !== '')
    .map(placeKey);
  const lat = typeof o.latitude === 'number' ? o.latitude : undefined;
  const lon = typeof o.longitude === 'number' ? o.longitude : undefined;
  return {
    ...(typeof o.country === 'string' ? { country: o.country.toUpperCase() } : {}),
    regions,
    ...(lat !== undefined && lon !== undefined ? { lat, lon } : {}),
    label: typeof o.name === 'string' ? o.name : location.object.id,
    rows,
  };
}

function isRegionLike(o: StixObject): boolean {
  return o.x_opencti_location_type === 'Region' || o.x_opencti_location_type === 'Administrative-Area';
}

function titleOf(object: StixObject): string {
  return typeof object.name === 'string' && object.name !== '' ? object.name : object.id;
}

export function relationshipSource(object: StixObject): string | undefined {
  return object.type === 'relationship' && typeof object.source_ref === 'string' ? object.source_ref : undefined;
}

function extension(object: StixObject, id: string): Record<string, unknown> | undefined {
  const extensions = object.extensions;
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  const payload = (extensions as Record<string, unknown>)[id];
  return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined;
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
