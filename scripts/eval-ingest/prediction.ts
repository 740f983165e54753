/**
 * Reads what the pipeline extracted out of its STIX bundle: each incident with
 * its entente-incident fields, the location it is located-at, and the groups
 * it is attributed-to with the kind of attribution.
 */
import { ATTRIBUTION_EXTENSION_ID, INCIDENT_EXTENSION_ID, type AttributionExtension, type Count, type IncidentExtension } from '../../src/stix/extensions.js';
import type { StixObject } from '../../src/stix/stix-object.js';

export type AttributionKind = AttributionExtension['attribution_type'];

export interface PredictedAttribution {
  group: string;
  kind: AttributionKind;
  channel?: string;
}

export interface PredictedIncident {
  status: 'news' | 'background';
  date?: string;
  country?: string;
  region?: string;
  city?: string;
  attackTypes: string[];
  targetTypes: string[];
  weaponTypes: string[];
  killedVictims: number | null;
  killedPerpetrators: number | null;
  wounded: number | null;
  claimed: boolean | null;
  attributions: PredictedAttribution[];
}

/**
 * The number a count stands for under the labels' conventions: "at least N",
 * "more than N", "about N" → N; vague ranges ("dozens") and unknowns → null.
 */
export function countValue(count: Count | undefined): number | null {
  if (!count) return null;
  switch (count.qualifier) {
    case 'exact':
    case 'at-least':
    case 'more-than':
    case 'approximately':
      return count.low ?? count.high;
    case 'at-most':
      return count.high ?? count.low;
    default:
      return null;
  }
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function extensionOf<T>(object: StixObject, id: string): T | undefined {
  const extensions = object.extensions as Record<string, unknown> | undefined;
  return extensions?.[id] as T | undefined;
}

export function incidentsFromBundle(objects: readonly StixObject[]): PredictedIncident[] {
  const byId = new Map(objects.map((object) => [object.id, object]));
  const relationships = objects.filter((object) => object.type === 'relationship');
  const incidents: PredictedIncident[] = [];
  for (const object of objects) {
    if (object.type !== 'incident') continue;
    const coded = extensionOf<IncidentExtension>(object, INCIDENT_EXTENSION_ID);
    if (!coded) continue;
    const outgoing = relationships.filter((r) => r.source_ref === object.id);
    const location = outgoing
      .filter((r) => r.relationship_type === 'located-at')
      .map((r) => byId.get(String(r.target_ref)))
      .find((target) => target?.type === 'location');
    const attributions: PredictedAttribution[] = [];
    for (const relationship of outgoing.filter((r) => r.relationship_type === 'attributed-to')) {
      const target = byId.get(String(relationship.target_ref));
      const kind = extensionOf<AttributionExtension>(relationship, ATTRIBUTION_EXTENSION_ID);
      const group = stringOf(target?.name);
      if (!group || !kind) continue;
      const attribution: PredictedAttribution = { group, kind: kind.attribution_type };
      if (kind.claim_channel) attribution.channel = kind.claim_channel;
      attributions.push(attribution);
    }
    const incident: PredictedIncident = {
      status: coded.news_status,
      attackTypes: coded.attack_types,
      targetTypes: coded.target_types,
      weaponTypes: coded.weapon_types,
      killedVictims: countValue(coded.victims_killed),
      killedPerpetrators: countValue(coded.perpetrators_killed),
      wounded: countValue(coded.wounded),
      claimed: coded.claimed ?? (attributions.some((a) => a.kind === 'claim') ? true : null),
      attributions,
    };
    const date = stringOf(coded.event_date);
    if (date) incident.date = date;
    const country = stringOf(location?.country);
    if (country) incident.country = country;
    const region = stringOf(location?.administrative_area) ?? stringOf(location?.region);
    if (region) incident.region = region;
    const city = stringOf(location?.city);
    if (city) incident.city = city;
    incidents.push(incident);
  }
  return incidents;
}
