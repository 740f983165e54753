import { canSendToPartner } from '../../access/partner-scope.js';
import { withSharing } from '../../access/sharing-schema.js';
import { canonicalViewFor } from '../../correlate/canonical-view.js';
import { canonicalIdOf } from '../../correlate/correlator.js';
import { MapReliabilityRegistry, type ReliabilityRegistry } from '../../correlate/grading.js';
import { extractIncidentFeatures, type IncidentFeatures } from '../../correlate/incident-features.js';
import { reconcile, type FieldReconciliation, type ReportedValue } from '../../correlate/reconcile.js';
import { pushWatermarkKey } from '../../federation/partners.js';
import { withFederation } from '../../federation/federation-schema.js';
import { recordedCorrectionsOf } from '../../stix/correction-record.js';
import {
  ATTRIBUTION_EXTENSION_ID,
  INCIDENT_EXTENSION_ID,
  PROVENANCE_EXTENSION_ID,
  QUOTE_EXTENSION_ID,
  type AttributionExtension,
  type Count,
  type IncidentCorrectionField,
  type IncidentExtension,
  type QuoteExtension,
  type TextSpan,
} from '../../stix/extensions.js';
import { EntenteError } from '../../errors.js';
import type { StixObject } from '../../stix/stix-object.js';
import type { FeedRow, IncidentQueries, Viewer, VisibleObject } from '../../store/incident-index-queries.js';
import { extensionOf } from '../../store/incident-index-projection.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { DatabaseSchema } from '../../store/schema.js';
import type { Kysely } from 'kysely';
import { presentFeedItem, type FeedItem } from './intel-present.js';
import { casualtySpans, provenanceOf } from './intel-report-view.js';

/**
 * `GET /incidents/:id` (REST.md "Intelligence"): the feed item with every
 * field's reported values, the value chosen and why (correlate/reconcile.ts),
 * the evidence span each value was read from, claims, quotes, the report,
 * related incidents, its sharing group and the partners it has reached. Only
 * objects the viewer may see are read.
 */
export interface IncidentDetail extends Omit<FeedItem, 'reports'> {
  readonly description?: string;
  readonly fields: FieldView[];
  readonly claims: { group: { id: string; name: string }; channel?: string; reportedBy?: string; evidence?: Evidence }[];
  readonly quotes: { speaker: { id?: string; name: string; role?: string }; text: string; reportId: string; start: number; end: number }[];
  readonly reports: { id: string; title?: string; outlet?: string; url?: string; published?: string }[];
  readonly related: { id: string; name: string; relation: string }[];
  readonly sharingGroup?: { id: string; name: string };
  readonly reachedPartners: string[];
  readonly stix: { id: string; version: string };
  /** The analyst's corrections of this incident, from the correction notes the viewer may read (none otherwise). */
  readonly corrections: FieldCorrection[];
}

/** One field an analyst corrected before publishing (ingest-corrections.ts): who, when, and what the extraction had said. */
export interface FieldCorrection {
  readonly field: string;
  readonly by: string;
  readonly at: string;
  readonly extracted: unknown;
  readonly noteId: string;
}

interface Evidence {
  readonly reportId: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

interface FieldView {
  readonly field: string;
  readonly chosen: { value: unknown; rule: string };
  readonly conflict: boolean;
  readonly values: {
    value: unknown;
    source: { id?: string; name: string; reliability: string };
    report: { id: string; title?: string; published?: string };
    credibility: number;
    confidence: number;
    evidence?: Evidence;
    /** Set when this report's value is the analyst's, not the source's. */
    corrected?: Omit<FieldCorrection, 'field'>;
  }[];
}

export async function incidentDetail(
  db: Kysely<DatabaseSchema>,
  store: ObjectStore,
  queries: IncidentQueries,
  viewer: Viewer,
  row: FeedRow,
  registry: ReliabilityRegistry = new MapReliabilityRegistry(),
): Promise<IncidentDetail> {
  const loaded = await loadIncident(queries, viewer, row.collection_id, row.id, row.report_id);
  if (loaded === undefined) throw new EntenteError('not_found', `No incident ${row.id} that you may see`);
  const { incidentRow, incident, report, objects, byId, text } = loaded;
  const corrections = correctionsOf(incident.id, objects);
  const ownFields = incidentFieldViews(loaded, registry, corrections);
  const correlated = await correlatedView(db, store, queries, viewer, row, ownFields, registry);
  const [sharingGroup, reachedPartners] = await Promise.all([sharingGroupOf(db, row.sharing_group), reachedPartnersOf(db, incidentRow)]);
  return {
    ...presentFeedItem(row),
    ...(typeof incident.description === 'string' ? { description: incident.description } : {}),
    ...(correlated !== undefined ? { canonical: true } : {}),
    fields: correlated?.fields ?? ownFields,
    claims: claimsOf(incident, objects, byId, text),
    quotes: quotesOf(objects, byId, report),
    reports: correlated?.reports ?? (report === undefined ? [] : [reportSummary(report)]),
    related: [
      ...(correlated?.related ?? []),
      ...objects
        .filter((o) => o.type === 'incident' && o.id !== incident.id)
        .map((o) => ({ id: o.id, name: typeof o.name === 'string' ? o.name : o.id, relation: 'same report' })),
    ],
    ...(sharingGroup !== undefined ? { sharingGroup } : {}),
    reachedPartners,
    stix: { id: incident.id, version: incidentRow.version },
    corrections: [...corrections.values()],
  };
}

/** One incident as its own report told it: the incident, its report, the objects both refer to, all as the viewer may see them. */
interface LoadedIncident {
  readonly incidentRow: VisibleObject;
  readonly incident: StixObject;
  readonly report: StixObject | undefined;
  readonly objects: readonly StixObject[];
  readonly byId: ReadonlyMap<string, StixObject>;
  readonly text: string;
}

async function loadIncident(queries: IncidentQueries, viewer: Viewer, collectionId: string, incidentId: string, reportId: string | null): Promise<LoadedIncident | undefined> {
  const links = await queries.linksOf(collectionId, incidentId);
  const first = await queries.objects(viewer, [incidentId, ...(reportId !== null ? [reportId] : []), ...links.flatMap((l) => [l.id, l.target_ref])], collectionId);
  const incidentRow = first.get(incidentId);
  if (incidentRow === undefined) return undefined;
  const incident = JSON.parse(incidentRow.json) as StixObject;
  const report = reportId === null ? undefined : parseObject(first.get(reportId));
  const referenced = report !== undefined && Array.isArray(report.object_refs) ? (report.object_refs as string[]) : [];
  const rest = await queries.objects(viewer, referenced.filter((id) => !first.has(id)), collectionId);
  const objects = [...first.values(), ...rest.values()].flatMap((o) => parseObject(o) ?? []);
  const text = report !== undefined && typeof report.description === 'string' ? report.description : '';
  return { incidentRow, incident, report, objects, byId: new Map(objects.map((o) => [o.id, o])), text };
}

/** Every field of one incident from its own report, each value with the span of that report it was read from. */
function incidentFieldViews(
  loaded: LoadedIncident,
  registry: ReliabilityRegistry,
  corrections: ReadonlyMap<string, FieldCorrection> = correctionsOf(loaded.incident.id, loaded.objects),
): FieldView[] {
  const features = extractIncidentFeatures(loaded.objects).find((f) => f.incidentId === loaded.incident.id);
  if (features === undefined) return [];
  return fieldViews(features, loaded.incident, loaded.byId, loaded.report, loaded.text, registry).map((view) => {
    const correction = corrections.get(view.field);
    if (correction === undefined) return view;
    const { field: _field, ...corrected } = correction;
    return { ...view, values: view.values.map((value) => ({ ...value, corrected })) };
  });
}

/** Each corrected incident field (stix/correction-record.ts) as the incident page names it. */
const CORRECTED_FIELDS: Readonly<Record<IncidentCorrectionField, string>> = {
  name: 'name',
  description: 'description',
  event_date: 'date',
  date_precision: 'datePrecision',
  attack_types: 'attackType',
  target_types: 'targetType',
  weapon_types: 'weaponType',
  victims_killed: 'killed',
  perpetrators_killed: 'perpetratorsKilled',
  wounded: 'wounded',
  claimed: 'claimed',
};

/**
 * The analyst's corrections of one incident, field by field (the latest note
 * wins), read from the structured record of the correction notes among
 * `objects` — which hold only what the viewer may see, so a note the viewer
 * may not read corrects nothing here.
 */
function correctionsOf(incidentId: string, objects: readonly StixObject[]): Map<string, FieldCorrection> {
  const notes = objects.filter((o) => o.type === 'note').sort((a, b) => String(a.created).localeCompare(String(b.created)));
  const out = new Map<string, FieldCorrection>();
  for (const note of notes) {
    const by = Array.isArray(note.authors) && typeof note.authors[0] === 'string' ? note.authors[0] : 'an analyst';
    for (const correction of recordedCorrectionsOf(note, incidentId)) {
      const field = CORRECTED_FIELDS[correction.field];
      out.set(field, { field, by, at: String(note.created), extracted: correction.extracted_value ?? null, noteId: note.id });
    }
  }
  return out;
}

function fieldViews(
  features: IncidentFeatures,
  incident: StixObject,
  byId: ReadonlyMap<string, StixObject>,
  report: StixObject | undefined,
  text: string,
  registry: ReliabilityRegistry,
): FieldView[] {
  const reconciliation = reconcile([features], registry);
  const ext = extensionOf<IncidentExtension>(incident, INCIDENT_EXTENSION_ID);
  const incidentEvidence = firstEvidence(incident, features.reportId, text);
  const figures = new Map(casualtySpans(incident, text).map((f) => [f.field, f.span]));
  const attribution = (groupId: string | undefined) =>
    [...byId.values()].find((o) => o.type === 'relationship' && o.relationship_type === 'attributed-to' && o.source_ref === incident.id && (groupId === undefined || o.target_ref === groupId));
  const placeLink = [...byId.values()].find((o) => o.type === 'relationship' && o.relationship_type === 'located-at' && o.source_ref === incident.id);
  const spanEvidence = (span: TextSpan | undefined): Evidence | undefined =>
    span === undefined ? undefined : { reportId: features.reportId, start: span.start, end: span.end, text: text.slice(span.start, span.end) };
  const source = { ...(sourceRef(incident) !== undefined ? { id: sourceRef(incident) as string } : {}) };
  const reportInfo = { id: features.reportId, ...(report !== undefined ? pick(reportSummary(report), ['title', 'published']) : {}) };

  const view = <T>(field: FieldReconciliation<T>, present: (value: T) => unknown, evidenceOf: (value: ReportedValue<T>) => Evidence | undefined): FieldView => ({
    field: field.field,
    chosen: { value: field.chosen === undefined ? null : present(field.chosen), rule: field.rule },
    conflict: field.conflict,
    values: field.values.map((v) => {
      const evidence = evidenceOf(v);
      return {
        value: present(v.value),
        source: { ...source, name: v.sources[0] ?? v.outlet, reliability: v.reliability },
        report: reportInfo,
        credibility: field.credibility,
        confidence: field.confidence ?? 0,
        ...(evidence !== undefined ? { evidence } : {}),
      };
    }),
  });
  const countValue = (c: Count) => c.low ?? c.high;
  const listField = (name: string, values: readonly string[]): FieldView => ({
    field: name,
    chosen: { value: values, rule: values.length === 0 ? 'none' : 'only' },
    conflict: false,
    values: values.length === 0 ? [] : [{
      value: values,
      source: { ...source, name: features.sourceNames[0] ?? features.outlet, reliability: registry.get(features.sourceNames[0] ?? features.outlet) },
      report: reportInfo,
      credibility: 6,
      confidence: 0,
      ...(incidentEvidence !== undefined ? { evidence: incidentEvidence } : {}),
    }],
  });
  const r = reconciliation;
  return [
    view(r.date, (d) => d.value, () => incidentEvidence),
    view(r.place, (p) => ({ country: p.country, region: p.region, city: p.city }), () => (placeLink === undefined ? undefined : firstEvidence(placeLink, features.reportId, text))),
    view(r.killed, countValue, () => spanEvidence(figures.get('victims_killed')) ?? incidentEvidence),
    view(r.perpetratorsKilled, countValue, () => spanEvidence(figures.get('perpetrators_killed')) ?? incidentEvidence),
    view(r.wounded, countValue, () => spanEvidence(figures.get('wounded')) ?? incidentEvidence),
    view(r.perpetrator, (p) => ({ id: p.groupId, name: p.name, attributionType: p.attributionType }), (v) => relationEvidence(attribution(v.value.groupId), features.reportId, text)),
    view(r.claimed, (c) => c, () => relationEvidence(attribution(undefined), features.reportId, text) ?? incidentEvidence),
    view(r.claimChannel, (c) => c, () => relationEvidence(attribution(undefined), features.reportId, text)),
    listField('attackType', ext?.attack_types ?? []),
    listField('targetType', ext?.target_types ?? []),
  ];
}

/**
 * When correlate/ has placed this incident in a canonical incident with other
 * reports the viewer may read, every field shows every report's value
 * (correlate/canonical-view.ts, which applies the viewer's scope itself),
 * each with the span of its own report it was read from, so the console can
 * highlight the sentence in whichever report the analyst picks.
 */
async function correlatedView(
  db: Kysely<DatabaseSchema>,
  store: ObjectStore,
  queries: IncidentQueries,
  viewer: Viewer,
  row: FeedRow,
  ownFields: readonly FieldView[],
  registry: ReliabilityRegistry,
): Promise<{ fields: FieldView[]; reports: IncidentDetail['reports']; related: IncidentDetail['related'] } | undefined> {
  const canonicalId = row.canonical === 1 ? row.id : await canonicalIdOf(db, row.id);
  if (canonicalId === undefined) return undefined;
  const view = await canonicalViewFor(db, store, viewer.scope, viewer.collections, canonicalId);
  if (view === undefined || view.members.length < 2) return undefined;
  const others = await Promise.all(
    view.members
      .filter((m) => m.incidentId !== row.id)
      .map(async (m) => {
        const loaded = await loadIncident(queries, viewer, m.collectionId, m.incidentId, m.reportId);
        return loaded === undefined ? [] : incidentFieldViews(loaded, registry);
      }),
  );
  const evidence = evidenceByFieldAndReport([...ownFields, ...others.flat()]);
  const corrected = new Map([...ownFields, ...others.flat()].flatMap((f) => f.values.flatMap((v) => (v.corrected === undefined ? [] : [[`${f.field}|${v.report.id}`, v.corrected] as const]))));
  const fields = view.fields.map((f): FieldView => ({
    field: f.field,
    chosen: { value: f.chosen === undefined ? null : presentValue(f.field, f.chosen.value), rule: f.chosen?.rule ?? 'none' },
    conflict: f.conflict,
    values: f.values.map((v) => {
      const span = evidence.get(`${f.field}|${v.report.id}`);
      const correction = corrected.get(`${f.field}|${v.report.id}`);
      return {
        value: presentValue(f.field, v.value),
        source: { name: v.source.name, reliability: v.source.reliability },
        report: { id: v.report.id, ...(v.report.published !== undefined ? { published: v.report.published } : {}) },
        credibility: v.credibility,
        confidence: v.confidence ?? 0,
        ...(span !== undefined ? { evidence: span } : {}),
        ...(correction !== undefined ? { corrected: correction } : {}),
      };
    }),
  }));
  const ownAttackTypes = ownFields.filter((f) => f.field === 'attackType' || f.field === 'targetType');
  return {
    fields: [...fields, ...ownAttackTypes],
    reports: view.members.map((m) => ({ id: m.reportId, outlet: m.outlet, ...(m.published !== undefined ? { published: m.published } : {}) })),
    related: [
      ...(canonicalId !== row.id ? [{ id: canonicalId, name: 'Canonical incident', relation: 'canonical' }] : []),
      ...view.members.filter((m) => m.incidentId !== row.id).map((m) => ({ id: m.incidentId, name: `Reported by ${m.outlet}`, relation: 'same incident' })),
    ],
  };
}

/**
 * Each report's evidence span per field, keyed `field|reportId`: a report
 * gives one value per field (correlate/incident-features.ts), so the key
 * finds the span of exactly the value the canonical view lists.
 */
function evidenceByFieldAndReport(fields: readonly FieldView[]): Map<string, Evidence> {
  const spans = new Map<string, Evidence>();
  for (const f of fields) for (const v of f.values) if (v.evidence !== undefined) spans.set(`${f.field}|${v.report.id}`, v.evidence);
  return spans;
}

/** A reconciled value as the console shows it (REST.md notes: date string, place object, count number, perpetrator object). */
function presentValue(field: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const v = value as Record<string, unknown>;
  if (field === 'date') return v.value;
  if (field === 'place') return { country: v.country, region: v.region, city: v.city };
  if (field === 'perpetrator') return { id: v.groupId, name: v.name, attributionType: v.attributionType };
  if ('low' in v || 'high' in v) return v.low ?? v.high;
  return value;
}

function claimsOf(incident: StixObject, objects: readonly StixObject[], byId: ReadonlyMap<string, StixObject>, text: string): IncidentDetail['claims'] {
  return objects
    .filter((o) => o.type === 'relationship' && o.relationship_type === 'attributed-to' && o.source_ref === incident.id)
    .flatMap((o) => {
      const ext = extensionOf<AttributionExtension>(o, ATTRIBUTION_EXTENSION_ID);
      if (ext?.attribution_type !== 'claim') return [];
      const groupId = String(o.target_ref);
      const group = byId.get(groupId);
      const reporter = ext.claim_reported_by_ref === undefined ? undefined : byId.get(ext.claim_reported_by_ref);
      const reportRef = provenanceReport(o);
      const evidence = reportRef === undefined ? undefined : relationEvidence(o, reportRef, text);
      return [{
        group: { id: groupId, name: typeof group?.name === 'string' ? group.name : groupId },
        ...(ext.claim_channel !== undefined ? { channel: ext.claim_channel } : {}),
        ...(typeof reporter?.name === 'string' ? { reportedBy: reporter.name } : {}),
        ...(evidence !== undefined ? { evidence } : {}),
      }];
    });
}

function quotesOf(objects: readonly StixObject[], byId: ReadonlyMap<string, StixObject>, report: StixObject | undefined): IncidentDetail['quotes'] {
  if (report === undefined) return [];
  return objects.flatMap((o) => {
    const quote = o.type === 'note' ? extensionOf<QuoteExtension>(o, QUOTE_EXTENSION_ID) : undefined;
    if (quote === undefined || provenanceOf(o, report.id) === undefined) return [];
    const speaker = quote.speaker_ref === undefined ? undefined : byId.get(quote.speaker_ref);
    const roles = Array.isArray(speaker?.roles) ? (speaker.roles as unknown[]) : [];
    return [{
      speaker: {
        ...(quote.speaker_ref !== undefined ? { id: quote.speaker_ref } : {}),
        name: quote.speaker_name,
        ...(typeof roles[0] === 'string' ? { role: roles[0] } : {}),
      },
      text: quote.quote,
      reportId: report.id,
      start: quote.span.start,
      end: quote.span.end,
    }];
  });
}

export function reportSummary(report: StixObject): { id: string; title?: string; outlet?: string; url?: string; published?: string } {
  const references = Array.isArray(report.external_references) ? (report.external_references as Record<string, unknown>[]) : [];
  const reference = references[0];
  const outlet = reference?.source_name;
  return {
    id: report.id,
    ...(typeof report.name === 'string' ? { title: report.name } : {}),
    ...(typeof outlet === 'string' && outlet !== 'unknown outlet' ? { outlet } : {}),
    ...(typeof reference?.url === 'string' ? { url: reference.url } : {}),
    ...(typeof report.published === 'string' ? { published: report.published } : {}),
  };
}

async function sharingGroupOf(db: Kysely<DatabaseSchema>, groupId: string | null): Promise<{ id: string; name: string } | undefined> {
  if (groupId === null) return undefined;
  const group = await withSharing(db).selectFrom('sharing_groups').select(['id', 'name']).where('id', '=', groupId).executeTakeFirst();
  return group;
}

/**
 * The partners this version has been pushed to: push rules of its collection
 * whose watermark has passed it and whose partner may receive it
 * (access/partner-scope.ts).
 */
async function reachedPartnersOf(db: Kysely<DatabaseSchema>, object: VisibleObject): Promise<string[]> {
  const federation = withFederation(db);
  const rules = await federation
    .selectFrom('partner_rules as r')
    .innerJoin('partners as p', 'p.id', 'r.partner_id')
    .select(['r.id', 'r.partner_id', 'p.name'])
    .where('r.direction', '=', 'push')
    .where('r.local_collection', '=', object.collection_id)
    .execute();
  const reached = new Set<string>();
  for (const rule of rules) {
    const mark = await db.selectFrom('watermarks').select('value').where('key', '=', pushWatermarkKey(rule.id)).executeTakeFirst();
    if (mark === undefined || Number(mark.value) < object.date_added) continue;
    const orgIds = (await federation.selectFrom('partner_organizations').select('org_id').where('partner_id', '=', rule.partner_id).execute()).map((o) => o.org_id);
    const groupIds = orgIds.length === 0
      ? []
      : (await withSharing(db).selectFrom('sharing_group_members').select('group_id').where('org_id', 'in', orgIds).execute()).map((g) => g.group_id);
    if (canSendToPartner({ orgIds: new Set(orgIds), groupIds: new Set(groupIds) }, { tlp: object.tlp, sharingGroup: object.sharing_group })) reached.add(rule.name);
  }
  return [...reached].sort();
}

function firstEvidence(object: StixObject, reportId: string, text: string): Evidence | undefined {
  const span = provenanceOf(object, reportId)?.evidence[0];
  if (span === undefined || span.end > text.length) return undefined;
  return { reportId, start: span.start, end: span.end, text: text.slice(span.start, span.end) };
}

function relationEvidence(relationship: StixObject | undefined, reportId: string, text: string): Evidence | undefined {
  return relationship === undefined ? undefined : firstEvidence(relationship, reportId, text);
}

function provenanceReport(object: StixObject): string | undefined {
  const ref = extensionOf<{ report_ref?: unknown }>(object, PROVENANCE_EXTENSION_ID)?.report_ref;
  return typeof ref === 'string' ? ref : undefined;
}

function sourceRef(incident: StixObject): string | undefined {
  return extensionOf<{ source_refs?: string[] }>(incident, PROVENANCE_EXTENSION_ID)?.source_refs?.[0];
}

function parseObject(row: VisibleObject | undefined): StixObject | undefined {
  if (row === undefined) return undefined;
  try {
    return JSON.parse(row.json) as StixObject;
  } catch {
    return undefined;
  }
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => value[k] !== undefined).map((k) => [k, value[k]])) as Pick<T, K>;
}
