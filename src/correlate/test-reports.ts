import { randomUUID } from 'node:crypto';
import {
  ATTRIBUTION_EXTENSION_ID,
  INCIDENT_EXTENSION_ID,
  PROVENANCE_EXTENSION_ID,
  withExtension,
  type IncidentExtension,
} from '../stix/extensions.js';
import { deterministicId } from '../stix/identifier.js';
import type { StixObject } from '../stix/stix-object.js';
import { tlpMarkingId, type TlpLevel } from '../stix/tlp.js';
import type { IncomingObject, ObjectStore, WriteMeta } from '../store/object-store.js';
import type { Perpetrator, Place } from './incident-features.js';

/**
 * One report as ingest would store it, for the store-backed correlate tests:
 * a `report` (text, outlet, publication date) whose `object_refs` list an
 * `incident` with the entente-incident and provenance extensions, its
 * `location` (`located-at`) and perpetrators (`attributed-to`).
 */
export interface ReportSketch {
  readonly outlet: string;
  readonly published: string;
  readonly date: string;
  readonly place: Place;
  readonly attack?: readonly string[];
  readonly target?: readonly string[];
  readonly killed?: number;
  readonly claimed?: boolean;
  readonly perpetrators?: readonly Perpetrator[];
  /** "according to …" */
  readonly sources?: readonly string[];
  readonly text?: string;
  readonly tlp?: TlpLevel;
  /** People named in the report (identity, individual), with aliases. */
  readonly people?: readonly { readonly name: string; readonly aliases?: readonly string[]; readonly role?: string }[];
}

export interface BuiltReport {
  readonly reportId: string;
  readonly incidentId: string;
  readonly objects: StixObject[];
}

export function buildReport(s: ReportSketch): BuiltReport {
  const stamp = `${s.published}T12:00:00.000Z`;
  const markings = s.tlp === undefined ? {} : { object_marking_refs: [tlpMarkingId(s.tlp)] };
  const common = { spec_version: '2.1', created: stamp, modified: stamp, ...markings };
  const reportId = `report--${randomUUID()}`;
  const incidentId = `incident--${randomUUID()}`;
  const text = s.text ?? `${s.outlet} reports its own words ${randomUUID()} about the attack in ${s.place.city ?? s.place.country ?? 'somewhere'}.`;
  const provenance = { extension_type: 'property-extension' as const, report_ref: reportId, evidence: [{ start: 0, end: text.length }], ...(s.sources ? { source_names: [...s.sources] } : {}) };
  const outlet: StixObject = { type: 'identity', id: deterministicId('identity', { name: s.outlet, identity_class: 'organization' }), ...common, name: s.outlet, identity_class: 'organization' };
  const ext: IncidentExtension = {
    extension_type: 'property-extension',
    event_date: s.date,
    date_precision: 'day',
    news_status: 'news',
    attack_types: [...(s.attack ?? ['Bombing/Explosion'])],
    target_types: [...(s.target ?? ['Private Citizens & Property'])],
    weapon_types: ['Unknown'],
    ...(s.killed !== undefined ? { victims_killed: { low: s.killed, high: s.killed, qualifier: 'exact' as const, text: String(s.killed) } } : {}),
    ...(s.claimed !== undefined ? { claimed: s.claimed } : {}),
  };
  const incident = withExtension(withExtension({ type: 'incident', id: incidentId, ...common, name: `Attack in ${s.place.city ?? ''}` }, INCIDENT_EXTENSION_ID, ext), PROVENANCE_EXTENSION_ID, provenance);
  const location: StixObject = {
    type: 'location', id: s.place.locationId ?? deterministicId('location', { name: s.place.city ?? s.place.country ?? 'x', x_opencti_location_type: 'City' }), ...common,
    name: s.place.city ?? s.place.country, country: s.place.country,
    ...(s.place.city !== undefined ? { city: s.place.city, x_opencti_location_type: 'City' } : { x_opencti_location_type: 'Country' }),
    ...(s.place.latitude !== undefined ? { latitude: s.place.latitude, longitude: s.place.longitude } : {}),
  };
  const relationship = (type: string, target: string): StixObject => ({ type: 'relationship', id: `relationship--${randomUUID()}`, ...common, relationship_type: type, source_ref: incidentId, target_ref: target });
  const objects: StixObject[] = [incident, location, relationship('located-at', location.id)];
  for (const p of s.perpetrators ?? []) {
    objects.push({ type: 'intrusion-set', id: p.groupId, ...common, name: p.name });
    objects.push(withExtension(relationship('attributed-to', p.groupId), ATTRIBUTION_EXTENSION_ID, {
      extension_type: 'property-extension', attribution_type: p.attributionType, ...(p.claimChannel ? { claim_channel: p.claimChannel } : {}),
    }));
  }
  for (const person of s.people ?? []) {
    objects.push({
      type: 'identity', id: deterministicId('identity', { name: person.name, identity_class: 'individual' }), ...common, name: person.name, identity_class: 'individual',
      ...(person.aliases ? { aliases: [...person.aliases] } : {}), ...(person.role ? { roles: [person.role] } : {}),
    });
  }
  const report: StixObject = {
    type: 'report', id: reportId, ...common, name: `${s.outlet}: attack`, description: text, published: stamp, report_types: ['incident'],
    created_by_ref: outlet.id, object_refs: objects.map((o) => o.id),
  };
  return { reportId, incidentId, objects: [report, outlet, ...objects] };
}

/** Stores a built report as `meta` publishes it (the level from its marking, else `green`). */
export async function storeReport(store: ObjectStore, collectionId: string, built: BuiltReport, meta: WriteMeta, tlp?: TlpLevel): Promise<void> {
  const incoming: IncomingObject[] = built.objects.map((object) => ({ object, json: JSON.stringify(object), tlp: tlp ?? 'green' }));
  await store.addObjects(collectionId, incoming, meta);
}
