import {
  INCIDENT_EXTENSION_ID,
  PROVENANCE_EXTENSION_ID,
  QUOTE_EXTENSION_ID,
  type Count,
  type IncidentExtension,
  type ProvenanceExtension,
  type QuoteExtension,
  type TextSpan,
} from '../../stix/extensions.js';
import type { StixObject } from '../../stix/stix-object.js';
import { extensionOf } from '../../store/incident-index-projection.js';

/**
 * A report as the console shows it (REST.md `GET /reports/:id`): its plain
 * text and the character spans of what was extracted from it, read from the
 * `entente-provenance` and `entente-quote` extensions of the objects given
 * (only those the viewer may see). The text is never HTML: the console
 * renders it as text with highlighted spans.
 */
export type AnnotationKind = 'incident' | 'entity' | 'quote' | 'source' | 'date' | 'casualty' | 'place';

export interface Annotation {
  readonly kind: AnnotationKind;
  readonly start: number;
  readonly end: number;
  readonly label: string;
  readonly objectId?: string;
}

export interface ReportView {
  readonly id: string;
  readonly title?: string;
  readonly outlet?: string;
  readonly url?: string;
  readonly published?: string;
  readonly language: string;
  readonly text: string;
  readonly annotations: Annotation[];
}

export function reportView(report: StixObject, objects: readonly StixObject[]): ReportView {
  const text = typeof report.description === 'string' ? report.description : '';
  const reference = firstReference(report);
  const outlet = reference?.source_name;
  return {
    id: report.id,
    ...(typeof report.name === 'string' ? { title: report.name } : {}),
    ...(typeof outlet === 'string' && outlet !== 'unknown outlet' ? { outlet } : {}),
    ...(typeof reference?.url === 'string' ? { url: reference.url } : {}),
    ...(typeof report.published === 'string' ? { published: report.published } : {}),
    language: typeof report.lang === 'string' ? report.lang : 'en',
    text,
    annotations: annotationsOf(report.id, text, objects),
  };
}

export function annotationsOf(reportId: string, text: string, objects: readonly StixObject[]): Annotation[] {
  const credited = new Set(objects.flatMap((o) => provenanceOf(o, reportId)?.source_refs ?? []));
  const out: Annotation[] = [];
  const add = (kind: AnnotationKind, span: TextSpan, label: string, objectId: string) => {
    if (Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.end > span.start && span.end <= text.length) {
      out.push({ kind, start: span.start, end: span.end, label, objectId });
    }
  };
  for (const object of objects) {
    const provenance = provenanceOf(object, reportId);
    if (provenance === undefined) continue;
    const name = typeof object.name === 'string' ? object.name : object.id;
    switch (object.type) {
      case 'incident': {
        for (const span of provenance.evidence) add('incident', span, name, object.id);
        for (const figure of casualtySpans(object, text)) add('casualty', figure.span, figure.label, object.id);
        break;
      }
      case 'location':
        for (const span of provenance.evidence) add('place', span, name, object.id);
        break;
      case 'identity':
      case 'intrusion-set':
        for (const span of provenance.evidence) add(credited.has(object.id) ? 'source' : 'entity', span, name, object.id);
        break;
      case 'note': {
        const quote = extensionOf<QuoteExtension>(object, QUOTE_EXTENSION_ID);
        if (quote !== undefined) add('quote', quote.span, `Quote of ${quote.speaker_name}`, object.id);
        break;
      }
      default:
        break;
    }
  }
  return out.sort((a, b) => a.start - b.start || b.end - a.end || a.kind.localeCompare(b.kind));
}

/** The provenance of `object` when it names this report. */
export function provenanceOf(object: StixObject, reportId: string): ProvenanceExtension | undefined {
  const provenance = extensionOf<ProvenanceExtension>(object, PROVENANCE_EXTENSION_ID);
  return provenance !== undefined && provenance.report_ref === reportId && Array.isArray(provenance.evidence) ? provenance : undefined;
}

const FIGURES = [
  ['victims_killed', 'killed'],
  ['perpetrators_killed', 'perpetrators killed'],
  ['wounded', 'wounded'],
  ['hostages', 'hostages'],
] as const;

/**
 * Where each casualty figure of an incident was read: the figure's words
 * (`Count.text`, e.g. "six servicemen") searched inside the incident's
 * evidence, so the span is the very words the number came from.
 */
export function casualtySpans(incident: StixObject, text: string): { field: (typeof FIGURES)[number][0]; span: TextSpan; label: string }[] {
  const ext = extensionOf<IncidentExtension>(incident, INCIDENT_EXTENSION_ID);
  const provenance = extensionOf<ProvenanceExtension>(incident, PROVENANCE_EXTENSION_ID);
  if (ext === undefined || provenance === undefined) return [];
  const found: { field: (typeof FIGURES)[number][0]; span: TextSpan; label: string }[] = [];
  for (const [field, label] of FIGURES) {
    const count = ext[field] as Count | undefined;
    if (count === undefined || count.text === '') continue;
    const span = findWithin(text, count.text, provenance.evidence);
    const value = count.low ?? count.high;
    if (span !== undefined) found.push({ field, span, label: value === null ? label : `${label}: ${value}` });
  }
  return found;
}

function findWithin(text: string, needle: string, spans: readonly TextSpan[]): TextSpan | undefined {
  for (const span of spans) {
    const at = text.slice(span.start, span.end).indexOf(needle);
    if (at >= 0) return { start: span.start + at, end: span.start + at + needle.length };
  }
  return undefined;
}

function firstReference(report: StixObject): Record<string, unknown> | undefined {
  const references = report.external_references;
  const first: unknown = Array.isArray(references) ? references[0] : undefined;
  return typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : undefined;
}
