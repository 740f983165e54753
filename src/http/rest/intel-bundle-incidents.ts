import type { StixObject } from '../../stix/stix-object.js';
import { incidentColumns, linkColumns, type PerpetratorItem } from '../../store/incident-index-projection.js';
import { annotationsOf, type Annotation } from './intel-report-view.js';
import { countryName } from './intel-present.js';

/**
 * The incidents of a bundle not yet published (the ingest preview), in the
 * shape of feed items, each with the annotations of its own evidence so the
 * console can show where every value was read and let the analyst correct it.
 */
export interface PreviewIncident {
  readonly id: string;
  readonly name: string;
  readonly date: { value: string; precision: string; approximate: boolean };
  readonly place: { name?: string; country?: string; countryName?: string; region?: string; city?: string; lat?: number; lon?: number };
  readonly attackTypes: string[];
  readonly targetTypes: string[];
  readonly killed?: number;
  readonly wounded?: number;
  readonly perpetrators: PerpetratorItem[];
  readonly sources: { name: string }[];
  readonly evidence: Annotation[];
}

export function bundleIncidents(objects: readonly StixObject[], text: string): PreviewIncident[] {
  const byId = new Map(objects.map((o) => [o.id, o]));
  const report = objects.find((o) => o.type === 'report');
  const links = objects.flatMap((o) => {
    const link = linkColumns(o);
    return link === undefined ? [] : [link];
  });
  return objects.filter((o) => o.type === 'incident').map((incident) => {
    const own = links.filter((l) => l.source_ref === incident.id);
    const { columns } = incidentColumns(incident, {
      locations: own.filter((l) => l.relationship_type === 'located-at').flatMap((l) => {
        const target = byId.get(l.target_ref);
        return target?.type === 'location' ? [target] : [];
      }),
      attributions: own.filter((l) => l.relationship_type === 'attributed-to').map((link) => ({ link, group: byId.get(link.target_ref) })),
      outlet: undefined,
    });
    const related = [incident, ...own.flatMap((l) => {
      const relationship = byId.get(l.id);
      return relationship === undefined ? [] : [relationship];
    })];
    return {
      id: incident.id,
      name: columns.name,
      date: { value: columns.event_date, precision: columns.date_precision, approximate: columns.date_approximate === 1 },
      place: {
        ...(columns.place_name !== null ? { name: columns.place_name } : {}),
        ...(columns.country !== null ? { country: columns.country, ...(countryName(columns.country) !== undefined ? { countryName: countryName(columns.country) } : {}) } : {}),
        ...(columns.region !== null ? { region: columns.region } : {}),
        ...(columns.city !== null ? { city: columns.city } : {}),
        ...(columns.lat !== null && columns.lon !== null ? { lat: columns.lat, lon: columns.lon } : {}),
      },
      attackTypes: JSON.parse(columns.attack_types) as string[],
      targetTypes: JSON.parse(columns.target_types) as string[],
      ...(columns.killed !== null ? { killed: columns.killed } : {}),
      ...(columns.wounded !== null ? { wounded: columns.wounded } : {}),
      perpetrators: JSON.parse(columns.perpetrators) as PerpetratorItem[],
      sources: (JSON.parse(columns.sources) as string[]).map((name) => ({ name })),
      evidence: report === undefined ? [] : annotationsOf(report.id, text, related).concat(relationAnnotations(related.slice(1), report.id, text)),
    };
  });
}

function relationAnnotations(relationships: readonly StixObject[], reportId: string, text: string): Annotation[] {
  return relationships.flatMap((r) => annotationsOf(reportId, text, [{ ...r, type: r.relationship_type === 'located-at' ? 'location' : 'intrusion-set', name: String(r.relationship_type) }]));
}
