import {
  ATTRIBUTION_EXTENSION_ID,
  INCIDENT_EXTENSION_ID,
  PROVENANCE_EXTENSION_ID,
  type AttributionExtension,
  type Count,
  type IncidentExtension,
  type ProvenanceExtension,
} from '../stix/extensions.js';
import type { StixObject } from '../stix/stix-object.js';
import type { FilterKind, IncidentRow, LinkRow, TermKind } from './incident-index-schema.js';

/**
 * Pure mapping from the STIX objects ingest (or a partner) writes to the rows
 * of the incident read model: an `incident` with `entente-incident`, the
 * `location` it is `located-at`, the `intrusion-set`s it is `attributed-to`
 * (`entente-attribution` says whether as a claim), and the `report` its
 * `entente-provenance` names. No database here: incident-index.ts reads the
 * objects and writes what this returns.
 */

export type IncidentColumns = Omit<IncidentRow, 'collection_id' | 'date_added' | 'latest' | 'version' | 'tlp'>;

export interface IncidentTerm {
  readonly kind: TermKind;
  readonly value: string;
}

/** What an incident is linked to, as far as the store holds it. */
export interface IncidentContext {
  /** `located-at` targets that are locations. */
  readonly locations: readonly StixObject[];
  readonly attributions: readonly { readonly link: Pick<LinkRow, 'target_ref' | 'attribution_type'>; readonly group: StixObject | undefined }[];
  /** The outlet of the report the incident came from, when that report is held. */
  readonly outlet: string | undefined;
}

export interface PerpetratorItem {
  readonly id: string;
  readonly name: string;
  readonly claimed: boolean;
}

const DAY_MS = 86_400_000;

export function incidentColumns(incident: StixObject, context: IncidentContext): { columns: IncidentColumns; terms: IncidentTerm[] } {
  const ext = extensionOf<IncidentExtension>(incident, INCIDENT_EXTENSION_ID);
  const provenance = extensionOf<ProvenanceExtension>(incident, PROVENANCE_EXTENSION_ID);
  const date = codedDate(ext, incident);
  const place = mostSpecific(context.locations);
  const attackTypes = known(ext?.attack_types);
  const targetTypes = known(ext?.target_types);
  const killed = figure(ext?.victims_killed);
  const wounded = figure(ext?.wounded);
  const perpetrators = perpetratorsOf(context.attributions);
  const sources = [...new Set([...(provenance?.source_names ?? []), ...(context.outlet !== undefined ? [context.outlet] : [])])];
  const name = typeof incident.name === 'string' && incident.name !== '' ? incident.name : incident.id;
  const columns: IncidentColumns = {
    id: incident.id,
    name,
    event_date: date.day,
    event_day: Math.floor(Date.parse(`${date.day}T00:00:00Z`) / DAY_MS),
    date_precision: date.precision,
    date_approximate: date.approximate ? 1 : 0,
    place_name: text(place?.name) ?? null,
    country: text(place?.country)?.toUpperCase() ?? null,
    region: text(place?.administrative_area) ?? text(place?.region) ?? null,
    city: text(place?.city) ?? null,
    lat: coordinate(place?.latitude, 90) ?? null,
    lon: coordinate(place?.longitude, 180) ?? null,
    attack_type: attackTypes[0] ?? 'Unknown',
    attack_types: JSON.stringify(attackTypes),
    target_types: JSON.stringify(targetTypes),
    killed: killed ?? null,
    wounded: wounded ?? null,
    casualties: (killed ?? 0) + (wounded ?? 0),
    perpetrators: JSON.stringify(perpetrators),
    claimed: ext?.claimed === undefined ? (perpetrators.some((p) => p.claimed) ? 1 : null) : ext.claimed ? 1 : 0,
    report_id: provenance?.report_ref ?? null,
    sources: JSON.stringify(sources),
    canonical: 0,
  };
  return { columns, terms: termsOf(attackTypes, targetTypes, perpetrators, sources) };
}

function termsOf(attackTypes: readonly string[], targetTypes: readonly string[], perpetrators: readonly PerpetratorItem[], sources: readonly string[]): IncidentTerm[] {
  const terms: IncidentTerm[] = [
    ...attackTypes.map((value) => ({ kind: 'attack' as const, value: termValue(value) })),
    ...targetTypes.map((value) => ({ kind: 'target' as const, value: termValue(value) })),
    ...perpetrators.flatMap((p) => [{ kind: 'group' as const, value: termValue(p.id) }, { kind: 'group' as const, value: termValue(p.name) }]),
    ...sources.map((value) => ({ kind: 'source' as const, value: termValue(value) })),
  ];
  return dedupeTerms(terms);
}

export interface FilterKey {
  readonly kind: FilterKind;
  readonly value: string;
}

/** The columns of an index row its filter keys are read from. */
export type FilterColumns = Pick<IncidentRow, 'country' | 'region' | 'attack_types' | 'target_types' | 'perpetrators' | 'sources'>;

/**
 * Every (filter, value) an indexed incident row matches, for the filtered
 * counts (migration 1400): its terms, read back from the row's JSON columns
 * the way `incidentColumns` derived them, so a row's old keys can be taken
 * away without its term rows; its country and region; and the partner its
 * `objects` row came from.
 */
export function filterKeysOf(row: FilterColumns, partner: string | null): FilterKey[] {
  const perpetrators = jsonList(row.perpetrators).filter(
    (p): p is PerpetratorItem => typeof p === 'object' && p !== null && typeof (p as PerpetratorItem).id === 'string' && typeof (p as PerpetratorItem).name === 'string',
  );
  const strings = (json: string) => jsonList(json).filter((v): v is string => typeof v === 'string');
  const keys: FilterKey[] = termsOf(strings(row.attack_types), strings(row.target_types), perpetrators, strings(row.sources));
  if (row.country !== null) keys.push({ kind: 'country', value: row.country });
  const region = row.region === null ? '' : termValue(row.region);
  if (region !== '') keys.push({ kind: 'region', value: region });
  if (partner !== null) keys.push({ kind: 'partner', value: partner });
  return keys;
}

function jsonList(json: string): unknown[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

/** The index columns of a `located-at` or `attributed-to` relationship from an incident; undefined for any other object. */
export function linkColumns(object: StixObject): Omit<LinkRow, 'collection_id' | 'date_added'> | undefined {
  if (object.type !== 'relationship') return undefined;
  const type = object.relationship_type;
  const source = text(object.source_ref);
  const target = text(object.target_ref);
  if ((type !== 'located-at' && type !== 'attributed-to') || source === undefined || target === undefined) return undefined;
  if (!source.startsWith('incident--')) return undefined;
  const attribution = extensionOf<AttributionExtension>(object, ATTRIBUTION_EXTENSION_ID);
  return {
    id: object.id,
    relationship_type: type,
    source_ref: source,
    target_ref: target,
    attribution_type: type === 'attributed-to' ? (attribution?.attribution_type ?? 'suspected') : null,
    claim_channel: text(attribution?.claim_channel) ?? null,
    reported_by_ref: text(attribution?.claim_reported_by_ref) ?? null,
  };
}

export interface ReportColumns {
  readonly title: string | null;
  readonly outlet: string | null;
  readonly publishedDay: number | null;
  /** What full-text search indexes: the title and the text. */
  readonly text: string;
}

export function reportColumns(report: StixObject): ReportColumns {
  const references = Array.isArray(report.external_references) ? (report.external_references as unknown[]) : [];
  const first = references[0];
  const outlet = typeof first === 'object' && first !== null ? text((first as Record<string, unknown>).source_name) : undefined;
  const published = text(report.published);
  const day = published === undefined ? Number.NaN : Math.floor(Date.parse(published) / DAY_MS);
  const title = text(report.name) ?? null;
  return {
    title,
    outlet: outlet === undefined || outlet === 'unknown outlet' ? null : outlet,
    publishedDay: Number.isFinite(day) ? day : null,
    text: [title ?? '', text(report.description) ?? ''].join('\n'),
  };
}

/** An actor's searchable name, or undefined for objects that are not groups, people or organisations. */
export function actorName(object: StixObject): string | undefined {
  if (object.type !== 'intrusion-set' && object.type !== 'identity') return undefined;
  return text(object.name);
}

/** Names are matched case-insensitively with collapsed spaces; ids as written (they are lower case). */
export function termValue(value: string): string {
  return value.toLowerCase().replace(/\s+/gu, ' ').trim();
}

export function extensionOf<T>(object: StixObject, extensionId: string): T | undefined {
  const extensions = object.extensions;
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  const payload = (extensions as Record<string, unknown>)[extensionId];
  return typeof payload === 'object' && payload !== null ? (payload as T) : undefined;
}

interface CodedDate {
  readonly day: string;
  readonly precision: IncidentRow['date_precision'];
  readonly approximate: boolean;
}

/**
 * The first day a coded date stands for, and how precisely it is known. An
 * incident without the extension (a partner's plain STIX) is dated by its
 * `first_seen`, else its `created`.
 */
function codedDate(ext: IncidentExtension | undefined, incident: StixObject): CodedDate {
  const raw = text(ext?.event_date) ?? text(incident.first_seen) ?? text(incident.created) ?? '1970';
  const match = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/u.exec(raw);
  const [year, month, day] = match === null ? ['1970', undefined, undefined] : [match[1] as string, match[2], match[3]];
  const precision: CodedDate['precision'] = day !== undefined ? 'day' : month !== undefined ? 'month' : 'year';
  const approximate = ext === undefined || ext.date_precision === 'approximate' || ext.date_precision === 'unknown';
  return { day: `${year}-${month ?? '01'}-${day ?? '01'}`, precision, approximate };
}

const SPECIFICITY: Readonly<Record<string, number>> = { Position: 3, City: 2, 'Administrative-Area': 1, Country: 0 };

function mostSpecific(locations: readonly StixObject[]): StixObject | undefined {
  const rank = (l: StixObject): number =>
    SPECIFICITY[String(l.x_opencti_location_type)] ?? (l.city !== undefined ? 2 : l.administrative_area !== undefined ? 1 : 0);
  return [...locations].sort((a, b) => rank(b) - rank(a) || a.id.localeCompare(b.id))[0];
}

function perpetratorsOf(attributions: IncidentContext['attributions']): PerpetratorItem[] {
  const byId = new Map<string, PerpetratorItem>();
  for (const { link, group } of attributions) {
    if (!link.target_ref.startsWith('intrusion-set--') && !link.target_ref.startsWith('threat-actor--')) continue;
    const previous = byId.get(link.target_ref);
    const claimed = link.attribution_type === 'claim' || (previous?.claimed ?? false);
    byId.set(link.target_ref, { id: link.target_ref, name: text(group?.name) ?? previous?.name ?? link.target_ref, claimed });
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** The number a casualty figure stands for: its lower bound ("at least 6" counts 6), else its upper bound. */
function figure(count: Count | undefined): number | undefined {
  const value = count?.low ?? count?.high ?? undefined;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

function known(list: readonly string[] | undefined): string[] {
  return [...new Set((list ?? []).filter((item) => typeof item === 'string' && item !== ''))];
}

function coordinate(value: unknown, bound: number): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= bound ? value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function dedupeTerms(terms: readonly IncidentTerm[]): IncidentTerm[] {
  const seen = new Set<string>();
  return terms.filter((t) => {
    const key = `${t.kind}\u0000${t.value}`;
    if (t.value === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
