import { v5 as uuidv5 } from 'uuid';
import { STIX_UUIDV5_NAMESPACE } from '../stix/identifier.js';
import type { StixObject } from '../stix/stix-object.js';
import { TLP_LEVELS, isTlpMarkingId, tlpMarkingId, type TlpLevel } from '../stix/tlp.js';
import type { TlpLevel as StoredTlp } from '../store/schema.js';
import { strictestMarkings } from './canonical-incident.js';
import type { IncidentFeatures } from './incident-features.js';

/**
 * A coordinated campaign as STIX: simultaneous attacks in different places
 * that incident-matching.ts `linked` rather than merged. A `campaign` SDO
 * (STIX 2.1 §4.2) with:
 * - `related-to` from each canonical incident to it: STIX 2.1 defines no
 *   relationship for `incident` (a stub object, §4.6), so the generic
 *   relationship of §5.1.1 applies (OpenCTI reads it between any entities);
 * - `attributed-to` from it to each intrusion set every member incident is
 *   attributed to (a campaign→intrusion-set relationship §4.2 defines).
 * Marked as strictly as every report it was built from, and no looser than
 * `tlp` (the level the stored row gets).
 */
export interface CampaignMember {
  readonly canonicalId: string;
  /** The report incidents of the canonical incident (those the campaign may draw on). */
  readonly reports: readonly IncidentFeatures[];
}

export interface CampaignInput {
  readonly id: string;
  /** ≥ 2, in any order. */
  readonly members: readonly CampaignMember[];
  /** `created` of the first version: kept by every version (STIX 2.1 §3.6). */
  readonly created: string;
  readonly now: string;
  /** Per relationship target, how many times it left the campaign: the generation of its relationship's id. */
  readonly departures: Readonly<Record<string, number>>;
  /** The level of the row it is stored with, when known; the markings never say less. */
  readonly tlp?: StoredTlp;
}

export interface BuiltCampaign {
  readonly campaign: StixObject;
  /** The campaign, then its relationships. */
  readonly objects: readonly StixObject[];
  /** Relationship targets: each member incident (`related-to`) and common group (`attributed-to`). */
  readonly targets: readonly CampaignTarget[];
  /** What a new version would change, compared by the linker to skip writing an unchanged campaign. */
  readonly signature: string;
}

export interface CampaignTarget {
  readonly id: string;
  readonly type: 'related-to' | 'attributed-to';
}

/** A stable id per campaign key (the campaign's earliest link). */
export function campaignIdOf(key: string): string {
  return `campaign--${uuidv5(`entente-campaign:${key}`, STIX_UUIDV5_NAMESPACE)}`;
}

/**
 * The id of the campaign's relationship to `target`: one object, versioned
 * with the campaign; a target that left and came back gets a new one (a
 * revoked object stays revoked, STIX 2.1 §3.6.2).
 */
export function campaignRelationshipId(campaignId: string, target: CampaignTarget, generation: number): string {
  return `relationship--${uuidv5(`${campaignId}|${target.type}|${target.id}${generation > 0 ? `|${generation}` : ''}`, STIX_UUIDV5_NAMESPACE)}`;
}

export function buildCampaign(input: CampaignInput): BuiltCampaign {
  const members = [...input.members].sort((a, b) => a.canonicalId.localeCompare(b.canonicalId));
  const reports = members.flatMap((m) => m.reports);
  const markings = markWith(strictestMarkings(reports), input.tlp);
  const common = { spec_version: '2.1', created: input.created, modified: input.now, ...(markings.length > 0 ? { object_marking_refs: markings } : {}) };
  const groups = commonGroups(members);
  const places = [...new Set(members.map((m) => placeOf(m.reports)))].sort();
  const days = reports.map((r) => r.date).filter((d) => d !== undefined);
  const first = Math.min(...days.map((d) => d.firstDay));
  const last = Math.max(...days.map((d) => d.lastDay));
  const when = days.length === 0 ? 'date unknown' : first === last ? isoDay(first) : `${isoDay(first)} to ${isoDay(last)}`;
  const by = groups.length > 0 ? `, attributed to ${groups.map((g) => g.name).join(' and ')}` : '';
  const campaign: StixObject = {
    type: 'campaign',
    id: input.id,
    ...common,
    name: `Coordinated attacks in ${places.join(', ')} (${when})`,
    description: `${members.length} attacks on the same day in different places${by}, linked rather than merged: `
      + 'each has the same perpetrator or, when none is named, the same kinds of attack and target as another.',
    ...(days.length > 0 ? { first_seen: `${isoDay(first)}T00:00:00.000Z`, last_seen: `${isoDay(last)}T00:00:00.000Z` } : {}),
  };
  const targets: CampaignTarget[] = [
    ...members.map((m) => ({ id: m.canonicalId, type: 'related-to' as const })),
    ...groups.map((g) => ({ id: g.groupId, type: 'attributed-to' as const })),
  ];
  const relationships = targets.map((t) => campaignRelationship(input.id, t, input.departures[t.id] ?? 0, common));
  const { modified: _modified, ...content } = campaign;
  return { campaign, objects: [campaign, ...relationships], targets, signature: JSON.stringify({ content, targets }) };
}

/** The revoked version of the campaign's relationship to a target that left it. */
export function revokedCampaignRelationship(campaignId: string, target: CampaignTarget, generation: number, common: CommonProperties): StixObject {
  return { ...campaignRelationship(campaignId, target, generation, common), revoked: true };
}

export interface CommonProperties {
  readonly spec_version: string;
  readonly created: string;
  readonly modified: string;
  readonly object_marking_refs?: readonly string[];
}

function campaignRelationship(campaignId: string, target: CampaignTarget, generation: number, common: CommonProperties): StixObject {
  const [source, to] = target.type === 'related-to' ? [target.id, campaignId] : [campaignId, target.id];
  return { type: 'relationship', id: campaignRelationshipId(campaignId, target, generation), ...common, relationship_type: target.type, source_ref: source, target_ref: to } as StixObject;
}

/** Intrusion sets named by some report of every member incident. */
function commonGroups(members: readonly CampaignMember[]): { groupId: string; name: string }[] {
  const names = new Map<string, string>();
  let common: Set<string> | undefined;
  for (const m of members) {
    const ids = new Set(m.reports.flatMap((r) => r.perpetrators.map((p) => {
      names.set(p.groupId, p.name);
      return p.groupId;
    })));
    common = common === undefined ? ids : new Set([...common].filter((id) => ids.has(id)));
  }
  return [...(common ?? [])].sort().map((groupId) => ({ groupId, name: names.get(groupId) ?? groupId }));
}

/** The place most of the member's reports give (the city, else the country). */
function placeOf(reports: readonly IncidentFeatures[]): string {
  const counts = new Map<string, number>();
  for (const r of reports) {
    const place = r.place?.city ?? r.place?.country;
    if (place !== undefined) counts.set(place, (counts.get(place) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? 'an unknown place';
}

function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** The TLP marking at least as strict as `tlp` (the stored level), keeping every other marking. */
function markWith(refs: readonly string[], tlp: StoredTlp | undefined): string[] {
  const level = (l: string): number => TLP_LEVELS.indexOf(l as TlpLevel);
  const others = refs.filter((r) => !isTlpMarkingId(r));
  const fromRefs = refs.filter(isTlpMarkingId).map((r) => TLP_LEVELS.findIndex((l) => tlpMarkingId(l) === r)).reduce((a, b) => Math.max(a, b), -1);
  const strictest = Math.max(fromRefs, tlp === undefined ? -1 : level(tlp));
  const tlpRef = strictest >= 0 ? [tlpMarkingId(TLP_LEVELS[strictest] as TlpLevel)] : [];
  return [...tlpRef, ...others];
}
