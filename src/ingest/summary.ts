import type { Count } from '../stix/extensions.js';
import type { Analysis } from './analyse.js';
import type { StixResult } from './to-stix.js';

/** A person-readable account of what was extracted, with the STIX ids it became. */
export interface IngestSummary {
  readonly reportId: string;
  readonly title?: string;
  readonly outlet?: string;
  readonly url?: string;
  readonly published?: string;
  readonly sha256: string;
  readonly objectCount: number;
  readonly incidents: readonly IncidentSummary[];
  readonly people: readonly { id: string; name: string; roles: string[]; aliases: string[] }[];
  readonly organisations: readonly { id: string; name: string; description?: string }[];
  readonly groups: readonly { id: string; name: string; aliases: string[] }[];
  readonly quotes: readonly { speaker: string; kind: 'direct' | 'reported'; text: string; start: number; end: number }[];
  readonly sources: readonly string[];
}

export interface IncidentSummary {
  readonly id: string;
  readonly status: 'news' | 'background';
  readonly date?: string;
  readonly datePrecision?: string;
  readonly place?: string;
  readonly country?: string;
  readonly site?: string;
  readonly attackTypes: string[];
  readonly killed?: string;
  readonly wounded?: string;
  readonly perpetratorsKilled?: string;
  readonly perpetrators: readonly { name: string; type: string; channel?: string; reportedBy?: string }[];
  readonly claimed?: boolean;
  readonly sources: string[];
}

/** "at least 6", "24–99", "38". */
export function formatCount(count: Count | undefined): string | undefined {
  if (count === undefined) return undefined;
  const { low, high, qualifier, text } = count;
  if (low === null) return text;
  switch (qualifier) {
    case 'exact': return String(low);
    case 'at-least': return `at least ${low}`;
    case 'more-than': return `more than ${low}`;
    case 'at-most': return `at most ${low}`;
    case 'approximately': return `about ${low}`;
    case 'range': return high === null ? `${low}+` : `${low}–${high}`;
    default: return text;
  }
}

export function summarise(analysis: Analysis, stix: StixResult, metadata: { outlet?: string; url?: string; title?: string }): IngestSummary {
  const idOf = (key: Parameters<StixResult['ids']['get']>[0]): string => stix.ids.get(key) ?? '';
  const report = stix.bundle.objects[0];
  const incidents: IncidentSummary[] = analysis.incidents.map((incident) => {
    const sentences = incident.sentences;
    const place = incident.place?.place;
    return {
      id: idOf(incident),
      status: incident.status,
      ...(incident.date?.date !== undefined ? { date: incident.date.date, datePrecision: incident.date.precision } : {}),
      ...(incident.place !== undefined ? { place: incident.place.name } : {}),
      ...(place !== undefined ? { country: place.countryCode } : {}),
      ...(incident.site !== undefined ? { site: incident.site.text } : {}),
      attackTypes: [...incident.attackTypes],
      ...optional('killed', formatCount(incident.victimsKilled?.count)),
      ...optional('wounded', formatCount(incident.wounded?.count)),
      ...optional('perpetratorsKilled', formatCount(incident.perpetratorsKilled?.count)),
      perpetrators: analysis.attribution.attributions.filter((a) => a.incident === incident).map((a) => ({
        name: a.group.name,
        type: a.type,
        ...(a.channel !== undefined ? { channel: a.channel } : {}),
        ...(a.reportedBy !== undefined ? { reportedBy: a.reportedBy.name } : {}),
      })),
      ...(analysis.attribution.claimed.has(incident) ? { claimed: analysis.attribution.claimed.get(incident) as boolean } : {}),
      sources: [...new Set(analysis.credits.filter((c) => sentences.has(c.sentence)).map((c) => c.name))],
    };
  });
  const entities = analysis.resolved.entities;
  return {
    reportId: stix.reportId,
    ...(typeof report?.name === 'string' ? { title: report.name } : {}),
    ...optional('outlet', metadata.outlet),
    ...optional('url', metadata.url),
    ...(typeof report?.published === 'string' ? { published: report.published } : {}),
    sha256: stix.sha256,
    objectCount: stix.bundle.objects.length,
    incidents,
    people: entities.filter((e) => e.kind === 'person').map((e) => ({ id: idOf(e), name: e.name, roles: e.roles.map((r) => r.text), aliases: [...e.aliases] })),
    organisations: entities.filter((e) => e.kind === 'organization').map((e) => ({ id: idOf(e), name: e.name, ...optional('description', e.roles[0]?.text) })),
    groups: entities.filter((e) => e.kind === 'group').map((e) => ({ id: idOf(e), name: e.name, aliases: [...e.aliases] })),
    quotes: analysis.quotes.map((q) => ({ speaker: q.speakerName, kind: q.kind, text: q.text, start: q.span.start, end: q.span.end })),
    sources: [...new Set(analysis.credits.map((c) => c.name))],
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
