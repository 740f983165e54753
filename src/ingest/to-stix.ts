import { createHash } from 'node:crypto';
import {
  ATTRIBUTION_EXTENSION_ID, ENTENTE_EXTENSIONS, ENTENTE_IDENTITY, INCIDENT_EXTENSION_ID, LOCATION_TYPE_DECLARATION, PERSON_EXTENSION_ID,
  PROVENANCE_EXTENSION_ID, QUOTE_EXTENSION_ID, type Count, type IncidentExtension, type ProvenanceExtension,
} from '../stix/extensions.js';
import { deterministicId, randomId } from '../stix/identifier.js';
import type { StixBundle, StixObject } from '../stix/stix-object.js';
import { nowTimestamp } from '../stix/timestamp.js';
import type { Analysis } from './analyse.js';
import type { Incident } from './events.js';
import type { Place } from './gazetteer/place.js';
import type { Entity } from './resolve.js';
import type { CharSpan } from './types.js';

/**
 * Stage 10: the analysis as a STIX 2.1 bundle (DESIGN.md "STIX conventions").
 * A `report` (§4.16) holds the article's normalised text, with outlet, URL,
 * publication date and the text's SHA-256 in its external reference; every
 * object extracted from the text carries `entente-provenance` with the report,
 * the character spans of its evidence and the sources the text credits.
 * People, organisations, groups and places get deterministic ids; incidents,
 * notes and relationships random ones.
 */
export interface ReportMetadata {
  readonly outlet?: string;
  readonly url?: string;
  /** STIX timestamp of publication, when known. */
  readonly published?: string;
  readonly title?: string;
  readonly language: string;
}

export interface StixResult {
  readonly bundle: StixBundle;
  readonly reportId: string;
  /** Ids given to the analysis' entities and incidents, for the summary. */
  readonly ids: ReadonlyMap<Entity | Incident, string>;
  readonly sha256: string;
}

type Json = Record<string, unknown>;

export function toStix(text: string, analysis: Analysis, metadata: ReportMetadata): StixResult {
  const now = nowTimestamp();
  const reportId = randomId('report');
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  const objects: Json[] = [];
  const ids = new Map<Entity | Incident, string>();
  const sentenceOf = (offset: number): number => analysis.segmented.sentences.find((s) => s.start <= offset && offset <= s.end)?.index ?? -1;
  const creditIds = new Map<string, string>();

  const provenance = (evidence: readonly CharSpan[], withSources: boolean): ProvenanceExtension => {
    const spans = dedupe(evidence);
    const ext: ProvenanceExtension = { extension_type: 'property-extension', report_ref: reportId, evidence: spans };
    if (!withSources) return ext;
    const sentences = new Set(spans.map((span) => sentenceOf(span.start)));
    const credits = analysis.credits.filter((credit) => sentences.has(credit.sentence));
    const names = [...new Set(credits.map((credit) => credit.name))];
    const refs = [...new Set(credits.map((credit) => credit.entity).filter((e): e is Entity => e !== undefined).map((e) => ids.get(e) ?? creditIds.get(e.key))
      .filter((id): id is string => id !== undefined))];
    return { ...ext, ...(names.length > 0 ? { source_names: names } : {}), ...(refs.length > 0 ? { source_refs: refs } : {}) };
  };
  const sdo = (type: string, id: string, props: Json): Json => ({ type, spec_version: '2.1', id, created: now, modified: now, ...props });

  for (const entity of analysis.resolved.entities) {
    const evidence = entity.mentions.map((m) => ({ start: m.start, end: m.end }));
    if (entity.kind === 'person' || entity.kind === 'organization') {
      const identityClass = entity.kind === 'person' ? 'individual' : 'organization';
      const id = deterministicId('identity', { name: entity.name, identity_class: identityClass });
      ids.set(entity, id);
      creditIds.set(entity.key, id);
      const roles = entity.roles.map((r) => r.text);
      const aliases = [...entity.aliases];
      const extensions: Json = { [PROVENANCE_EXTENSION_ID]: provenance([...evidence, ...entity.roles], false) };
      if (entity.kind === 'person' && aliases.length > 0) extensions[PERSON_EXTENSION_ID] = { extension_type: 'property-extension', aliases };
      objects.push(sdo('identity', id, {
        name: entity.name,
        identity_class: identityClass,
        ...(roles.length > 0 ? { roles, description: roles.join('; ') } : {}),
        extensions,
      }));
    } else if (entity.kind === 'group') {
      const id = deterministicId('intrusion-set', { name: entity.name });
      ids.set(entity, id);
      const aliases = [...entity.aliases];
      objects.push(sdo('intrusion-set', id, {
        name: entity.name,
        ...(aliases.length > 0 ? { aliases } : {}),
        extensions: { [PROVENANCE_EXTENSION_ID]: provenance(evidence, false) },
      }));
    } else if (entity.place !== undefined) {
      const id = locationId(entity.place);
      ids.set(entity, id);
      objects.push(sdo('location', id, {
        ...locationProps(entity.place),
        extensions: { ...LOCATION_TYPE_DECLARATION, [PROVENANCE_EXTENSION_ID]: provenance(evidence, false) },
      }));
    }
  }

  const claimed = analysis.attribution.claimed;
  for (const incident of analysis.incidents) {
    const id = randomId('incident');
    ids.set(incident, id);
    const ext = incidentExtension(incident, claimed.get(incident), metadata.published);
    objects.push(sdo('incident', id, {
      name: incidentName(incident, ext),
      description: incidentDescription(incident, analysis.segmented.text),
      extensions: { [INCIDENT_EXTENSION_ID]: ext, [PROVENANCE_EXTENSION_ID]: provenance(incident.evidence, true) },
    }));
    const placeId = incident.place !== undefined ? ids.get(incident.place) : undefined;
    if (incident.place !== undefined && placeId !== undefined) {
      const placeEvidence = incident.place.mentions.filter((m) => incident.sentences.has(m.sentence)).map((m) => ({ start: m.start, end: m.end }));
      objects.push(sdo('relationship', randomId('relationship'), {
        relationship_type: 'located-at',
        source_ref: id,
        target_ref: placeId,
        ...(incident.site !== undefined ? { description: incident.site.text } : {}),
        extensions: { [PROVENANCE_EXTENSION_ID]: provenance([...placeEvidence, ...(incident.site !== undefined ? [incident.site.span] : []), ...incident.evidence.slice(0, 1)], true) },
      }));
    }
  }

  for (const attribution of analysis.attribution.attributions) {
    const source = ids.get(attribution.incident);
    const target = ids.get(attribution.group);
    if (source === undefined || target === undefined) continue;
    const reporter = attribution.reportedBy !== undefined ? ids.get(attribution.reportedBy) : undefined;
    objects.push(sdo('relationship', randomId('relationship'), {
      relationship_type: 'attributed-to',
      source_ref: source,
      target_ref: target,
      extensions: {
        [ATTRIBUTION_EXTENSION_ID]: {
          extension_type: 'property-extension',
          attribution_type: attribution.type,
          ...(attribution.channel !== undefined ? { claim_channel: attribution.channel } : {}),
          ...(reporter !== undefined ? { claim_reported_by_ref: reporter } : {}),
        },
        [PROVENANCE_EXTENSION_ID]: provenance(attribution.evidence, true),
      },
    }));
  }

  for (const quote of analysis.quotes) {
    const speakerId = quote.speaker !== undefined ? ids.get(quote.speaker) : undefined;
    objects.push(sdo('note', randomId('note'), {
      abstract: `${quote.kind === 'direct' ? 'Quote' : 'Reported speech'} of ${quote.speakerName}`,
      content: quote.text,
      authors: [quote.speakerName],
      object_refs: [speakerId ?? reportId],
      extensions: {
        [QUOTE_EXTENSION_ID]: {
          extension_type: 'property-extension',
          speaker_name: quote.speakerName,
          ...(speakerId !== undefined ? { speaker_ref: speakerId } : {}),
          quote: quote.text,
          kind: quote.kind,
          span: quote.span,
        },
        [PROVENANCE_EXTENSION_ID]: provenance([quote.span, quote.evidence], true),
      },
    }));
  }

  const outletId = metadata.outlet !== undefined && metadata.outlet.trim() !== ''
    ? deterministicId('identity', { name: metadata.outlet.trim(), identity_class: 'organization' }) : undefined;
  if (outletId !== undefined && !objects.some((o) => o.id === outletId)) {
    objects.push(sdo('identity', outletId, { name: (metadata.outlet as string).trim(), identity_class: 'organization', description: 'News outlet' }));
  }
  const extracted = objects.map((o) => o.id as string);
  const report = sdo('report', reportId, {
    name: metadata.title ?? firstLine(text),
    description: text,
    published: metadata.published ?? now,
    report_types: ['threat-report'],
    lang: metadata.language,
    ...(outletId !== undefined ? { created_by_ref: outletId } : {}),
    external_references: [{
      source_name: metadata.outlet?.trim() || 'unknown outlet',
      ...(metadata.url !== undefined ? { url: metadata.url } : { description: 'Text of the article as ingested' }),
      hashes: { 'SHA-256': sha256 },
    }],
    object_refs: extracted.length > 0 ? extracted : [ENTENTE_IDENTITY.id],
  });
  const bundle: StixBundle = {
    type: 'bundle',
    id: randomId('bundle'),
    objects: [report, ...objects, ENTENTE_IDENTITY, ...ENTENTE_EXTENSIONS] as StixObject[],
  };
  return { bundle, reportId, ids, sha256 };
}

function dedupe(spans: readonly CharSpan[]): CharSpan[] {
  const seen = new Set<string>();
  const out: CharSpan[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start || a.end - b.end)) {
    const key = `${span.start}:${span.end}`;
    if (span.end <= span.start || seen.has(key)) continue;
    seen.add(key);
    out.push({ start: span.start, end: span.end });
  }
  return out;
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}

const LOCATION_TYPE = { country: 'Country', region: 'Administrative-Area', city: 'City', district: 'City', site: 'Position' } as const;
// Metres of uncertainty for each gazetteer precision (STIX 2.1 §4.10 precision).
const PRECISION_METRES = { exact: 100, city: 10_000, region: 100_000, country: 1_000_000 } as const;

function locationId(place: Place): string {
  return deterministicId('location', { name: place.name, x_opencti_location_type: LOCATION_TYPE[place.kind] });
}

function locationProps(place: Place): Json {
  const coordinates = place.latitude !== undefined && place.longitude !== undefined
    ? { latitude: place.latitude, longitude: place.longitude, precision: PRECISION_METRES[place.precision] } : {};
  return {
    name: place.name,
    country: place.countryCode,
    ...(place.region !== undefined && place.kind !== 'country' ? { administrative_area: place.region } : {}),
    ...(place.kind === 'city' || place.kind === 'district' ? { city: place.name } : {}),
    ...coordinates,
    x_opencti_location_type: LOCATION_TYPE[place.kind],
  };
}

function count(figure: { count: Count } | undefined): Count | undefined {
  return figure === undefined ? undefined : { ...figure.count };
}

function incidentExtension(incident: Incident, claimed: boolean | undefined, published: string | undefined): IncidentExtension {
  const date = incident.date?.date;
  const [eventDate, precision]: [string, IncidentExtension['date_precision']] = date !== undefined && incident.date !== undefined
    ? [date, incident.date.precision]
    : published !== undefined
      ? incident.status === 'news' ? [published.slice(0, 10), 'approximate'] : [published.slice(0, 4), 'unknown']
      : [nowTimestamp().slice(0, 4), 'unknown'];
  const optional: Partial<IncidentExtension> = {};
  const killed = count(incident.victimsKilled);
  const perpetrators = count(incident.perpetratorsKilled);
  const wounded = count(incident.wounded);
  const hostages = count(incident.hostages);
  if (killed !== undefined) optional.victims_killed = killed;
  if (perpetrators !== undefined) optional.perpetrators_killed = perpetrators;
  if (wounded !== undefined) optional.wounded = wounded;
  if (hostages !== undefined) optional.hostages = hostages;
  if (incident.success !== undefined) optional.success = incident.success;
  if (claimed !== undefined) optional.claimed = claimed;
  return {
    extension_type: 'property-extension',
    event_date: eventDate,
    date_precision: precision,
    news_status: incident.status,
    attack_types: incident.attackTypes.size > 0 ? [...incident.attackTypes] : ['Unknown'],
    target_types: incident.targetTypes.size > 0 ? [...incident.targetTypes] : ['Unknown'],
    weapon_types: incident.weaponTypes.size > 0 ? [...incident.weaponTypes] : ['Unknown'],
    ...optional,
    suicide: incident.suicide,
  };
}

function incidentName(incident: Incident, ext: IncidentExtension): string {
  const kind = ext.attack_types[0] === 'Unknown' ? 'Attack' : (ext.attack_types[0] as string);
  const where = incident.place !== undefined ? ` in ${incident.place.name}` : '';
  return `${kind}${where} (${ext.event_date})`;
}

function incidentDescription(incident: Incident, text: string): string {
  const first = incident.evidence[0];
  return first === undefined ? 'Incident reported in the article' : text.slice(first.start, first.end);
}
