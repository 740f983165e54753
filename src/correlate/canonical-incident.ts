import { v5 as uuidv5 } from 'uuid';
import {
  ATTRIBUTION_EXTENSION_ID,
  INCIDENT_EXTENSION_ID,
  withExtension,
  type AttributionExtension,
  type IncidentExtension,
} from '../stix/extensions.js';
import { STIX_UUIDV5_NAMESPACE } from '../stix/identifier.js';
import type { StixObject } from '../stix/stix-object.js';
import { TLP_LEVELS, isTlpMarkingId, tlpLevelOf, tlpMarkingId, type TlpLevel } from '../stix/tlp.js';
import { credibilityToConfidence, informationCredibility, minHash, type ReliabilityRegistry } from './grading.js';
import type { Cluster } from './incident-clusterer.js';
import type { IncidentFeatures } from './incident-features.js';
import { reconcile, type FieldReconciliation, type Reconciliation } from './reconcile.js';

/**
 * The canonical incident of one cluster: a STIX `incident` with the
 * `entente-incident` extension holding the chosen values, `derived-from`
 * relationships (STIX 2.1 §4.6, §5.1.1 common relationships) to each report's
 * incident, `located-at` and `attributed-to` for the chosen place and
 * perpetrator, and a `note` setting out every reported value side by side.
 */
export interface CanonicalIncident {
  readonly id: string;
  readonly clusterId: string;
  readonly incident: StixObject;
  /** The incident first, then its relationships and the reconciliation note. */
  readonly objects: readonly StixObject[];
  readonly reconciliation: Reconciliation;
}

export interface CanonicalOptions {
  readonly registry: ReliabilityRegistry;
  /** `created`/`modified` of the objects built (a STIX timestamp). */
  readonly now: string;
}

/** A stable id per cluster: UUIDv5 of the cluster key (its founding report incident). */
export function canonicalIncidentId(clusterId: string): string {
  return `incident--${uuidv5(`entente-canonical-incident:${clusterId}`, STIX_UUIDV5_NAMESPACE)}`;
}

/** The id of a canonical incident's relationship of `type` to `target`: one object, versioned as the incident is. */
export function canonicalRelationshipId(canonicalId: string, type: string, target: string): string {
  return `relationship--${uuidv5(`${canonicalId}|${type}|${target}`, STIX_UUIDV5_NAMESPACE)}`;
}

/**
 * The canonical incident as a viewer who may read only some of the reports
 * sees it: built from those reports' incidents alone, so that nothing a hidden
 * report said (a toll, a perpetrator, its marking) shows through. When the
 * viewer sees every report it is the shared canonical incident; otherwise it
 * is another object, with an id of its own (derived from the reports it was
 * built from), never a different version of the shared one. Undefined when the
 * viewer sees none.
 */
export function buildCanonicalIncidentFor(
  cluster: Cluster,
  canSeeReport: (reportId: string) => boolean,
  options: CanonicalOptions,
): CanonicalIncident | undefined {
  const visible = cluster.members.filter((m) => canSeeReport(m.reportId));
  if (visible.length === 0) return undefined;
  if (visible.length === cluster.members.length) return buildCanonicalIncident(cluster, options);
  return buildPartialCanonicalIncident(cluster.id, visible, options);
}

/**
 * The canonical incident of cluster `clusterId` built from some of its
 * members only (those a viewer may see): an object of its own, whose id is
 * derived from the cluster and the members it was built from.
 */
export function buildPartialCanonicalIncident(clusterId: string, visible: readonly IncidentFeatures[], options: CanonicalOptions): CanonicalIncident {
  const key = `${clusterId}|${visible.map((m) => m.incidentId).sort().join(',')}`;
  return build({ id: clusterId, members: visible, news: visible.some((m) => m.newsStatus === 'news') }, canonicalIncidentId(key), options);
}

export function buildCanonicalIncident(cluster: Cluster, options: CanonicalOptions): CanonicalIncident {
  return build(cluster, canonicalIncidentId(cluster.id), options);
}

function build(cluster: Cluster, id: string, options: CanonicalOptions): CanonicalIncident {
  const members = cluster.members;
  const r = reconcile(members, options.registry);
  const markings = strictestMarkings(members);
  const common = {
    spec_version: '2.1',
    created: options.now,
    modified: options.now,
    ...(markings.length > 0 ? { object_marking_refs: markings } : {}),
  };
  const date = r.date.chosen;
  const attackTypes = byFrequency(members.map((m) => m.attackTypes));
  const ext: IncidentExtension = {
    extension_type: 'property-extension',
    event_date: date?.value ?? earliestPublished(members),
    ...(date?.end !== undefined ? { event_date_end: date.end } : {}),
    date_precision: date?.precision ?? 'unknown',
    news_status: cluster.news ? 'news' : 'background',
    attack_types: attackTypes,
    target_types: byFrequency(members.map((m) => m.targetTypes)),
    weapon_types: byFrequency(members.map((m) => m.weaponTypes)),
    ...(r.killed.chosen !== undefined ? { victims_killed: r.killed.chosen } : {}),
    ...(r.perpetratorsKilled.chosen !== undefined ? { perpetrators_killed: r.perpetratorsKilled.chosen } : {}),
    ...(r.wounded.chosen !== undefined ? { wounded: r.wounded.chosen } : {}),
    ...(r.claimed.chosen !== undefined ? { claimed: r.claimed.chosen } : {}),
  };
  const where = r.place.chosen?.city ?? r.place.chosen?.country ?? 'an unknown place';
  const confidence = eventConfidence(members);
  const incident = withExtension({
    type: 'incident',
    id,
    ...common,
    name: `${attackTypes[0] === 'Unknown' ? 'Incident' : attackTypes[0]} in ${where} (${ext.event_date})`,
    ...(confidence !== undefined ? { confidence } : {}),
  }, INCIDENT_EXTENSION_ID, ext);
  const relationship = (type: string, target: string, extra: Record<string, unknown> = {}): StixObject => ({
    type: 'relationship',
    id: canonicalRelationshipId(id, type, target),
    ...common,
    relationship_type: type,
    source_ref: id,
    target_ref: target,
    ...extra,
  });
  const objects: StixObject[] = [incident, ...members.map((m) => relationship('derived-from', m.incidentId))];
  const locationId = r.place.chosen?.locationId;
  if (locationId !== undefined) objects.push(relationship('located-at', locationId, confidenceOf(r.place)));
  const perpetrator = r.perpetrator.chosen;
  if (perpetrator !== undefined) {
    const channel = perpetrator.attributionType === 'claim' ? r.claimChannel.chosen : undefined;
    const attribution: AttributionExtension = {
      extension_type: 'property-extension',
      attribution_type: perpetrator.attributionType,
      ...(channel !== undefined ? { claim_channel: channel } : {}),
    };
    objects.push(withExtension(relationship('attributed-to', perpetrator.groupId, confidenceOf(r.perpetrator)), ATTRIBUTION_EXTENSION_ID, attribution));
  }
  objects.push({
    type: 'note',
    id: `note--${uuidv5(`${id}|reconciliation`, STIX_UUIDV5_NAMESPACE)}`,
    ...common,
    abstract: 'What each report says, and what was chosen',
    content: describe(r),
    object_refs: [id],
  });
  return { id, clusterId: cluster.id, incident, objects, reconciliation: r };
}

/**
 * Never looser than the most restrictive input: the strictest TLP level among
 * the members plus every non-TLP marking any member carries (a marking we
 * cannot interpret is kept rather than dropped).
 */
export function strictestMarkings(members: readonly Pick<IncidentFeatures, 'markingRefs'>[]): string[] {
  let strictest = -1;
  const others = new Set<string>();
  for (const m of members) {
    for (const ref of m.markingRefs) {
      if (isTlpMarkingId(ref)) {
        const refLevel = tlpLevelOf([ref]);
        if (refLevel !== undefined && refLevel !== 'unknown') strictest = Math.max(strictest, TLP_LEVELS.indexOf(refLevel));
      } else {
        others.add(ref);
      }
    }
  }
  const tlp = strictest >= 0 ? [tlpMarkingId(TLP_LEVELS[strictest] as TlpLevel)] : [];
  return [...tlp, ...[...others].sort()];
}

/** The event itself is as credible as its independent reports make it. */
function eventConfidence(members: readonly IncidentFeatures[]): number | undefined {
  const testimony = members.map((m) => ({
    reportId: m.reportId, outlet: m.outlet, reliability: 'F' as const, wire: m.sourceNames[0], signature: minHash(m.evidenceText),
  }));
  return credibilityToConfidence(informationCredibility(testimony, []));
}

function confidenceOf<T>(field: FieldReconciliation<T>): Record<string, number> {
  return field.confidence === undefined ? {} : { confidence: field.confidence };
}

/** Type lists ordered by how many reports give each type; never empty (GTD "Unknown"). */
function byFrequency(lists: readonly (readonly string[])[]): string[] {
  const counts = new Map<string, number>();
  for (const list of lists) for (const t of new Set(list)) counts.set(t, (counts.get(t) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
  return sorted.length > 0 ? sorted : ['Unknown'];
}

function earliestPublished(members: readonly IncidentFeatures[]): string {
  const published = members.map((m) => m.published).filter((p): p is string => p !== undefined).sort()[0];
  return published?.slice(0, 4) ?? '1970';
}

function describe(r: Reconciliation): string {
  const lines: string[] = [];
  for (const field of Object.values(r) as FieldReconciliation<unknown>[]) {
    const chosen = field.chosen === undefined ? 'not known' : show(field.chosen);
    const flag = field.conflict ? ' CONFLICT' : '';
    lines.push(`${field.field}: ${chosen} (rule: ${field.rule}; credibility ${field.credibility})${flag}`);
    for (const v of field.values) {
      const by = [v.outlet, ...v.sources].join(' / ');
      lines.push(`  - ${show(v.value)} — ${by}, ${v.published ?? 'date unknown'}, source ${v.reliability}${v.superseded ? ' (superseded)' : ''}`);
    }
  }
  return lines.join('\n');
}

function show(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  const v = value as Record<string, unknown>;
  if ('qualifier' in v) return typeof v.text === 'string' && v.text !== '' ? `${String(v.low)} ("${v.text}")` : String(v.low);
  if ('firstDay' in v) return v.end === undefined ? String(v.value) : `${String(v.value)}/${String(v.end)}`;
  if ('country' in v) return [v.city, v.region, v.country].filter((x) => typeof x === 'string').join(', ');
  if ('groupId' in v) return `${String(v.name)} (${String(v.attributionType)})`;
  return JSON.stringify(value);
}
