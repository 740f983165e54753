/**
 * The dev-articles label file (shared/data/dev-articles/labels.json, see its
 * README) and the header of each article file.
 */

export type PerpetratorStatus = 'claimed' | 'blamed' | 'suspected' | null;

export interface ReportLabel {
  killed_victims: number | null;
  wounded: number | null;
  perpetrator: string | null;
  perpetrator_status: PerpetratorStatus;
  claimed: boolean | null;
  claimed_by?: string;
}

export interface IncidentLabel {
  id: string;
  reports: string[];
  date: string;
  date_end?: string;
  country: string;
  region: string;
  city: string;
  attack_types: string[];
  target_types: string[];
  weapon_types: string[];
  killed_victims: number | null;
  killed_perpetrators: number | null;
  wounded: number | null;
  perpetrator: { name: string; aliases_in_text: string[] };
  claimed: boolean;
  claimed_by: string | null;
  claim_channel: string | null;
  per_report: Record<string, ReportLabel>;
}

export interface LabelFile {
  incidents: IncidentLabel[];
  distractors: string[];
  other_incidents_mentioned: Record<string, string[]>;
}

export interface ArticleHeader {
  outlet?: string;
  published?: string;
  language?: string;
}

export interface Article {
  id: string;
  header: ArticleHeader;
  /** Everything after the header's blank line: headline and body. */
  body: string;
}

/** Splits "outlet: …\npublished: …\nlanguage: …\n\n<headline>\n\n<body>" into header and body. */
export function parseArticle(id: string, text: string): Article {
  const header: ArticleHeader = {};
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let line = 0;
  for (; line < lines.length; line++) {
    const match = /^(outlet|published|language):\s*(.*)$/.exec(lines[line] ?? '');
    if (!match) break;
    const key = match[1] as keyof ArticleHeader;
    header[key] = (match[2] ?? '').trim();
  }
  return { id, header, body: lines.slice(line).join('\n').trim() };
}

/** What the labels expect of one article. */
export type Expectation =
  | { kind: 'distractor' }
  | { kind: 'incident'; incident: IncidentLabel; report: ReportLabel | undefined };

export function expectationFor(labels: LabelFile, articleId: string): Expectation | undefined {
  if (labels.distractors.includes(articleId)) return { kind: 'distractor' };
  const incident = labels.incidents.find((candidate) => candidate.reports.includes(articleId));
  if (!incident) return undefined;
  return { kind: 'incident', incident, report: incident.per_report[articleId] };
}
