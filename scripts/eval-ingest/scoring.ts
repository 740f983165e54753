/**
 * Per-field scoring of the ingest pipeline against the dev-articles labels.
 * Per-report labels (what each text says) are used where they exist; the
 * incident's reference values elsewhere. A non-English article is correct when
 * the pipeline reports its language unsupported, and is not scored field by field.
 */
import { lookupPlace } from '../../src/ingest/gazetteer/places.js';
import { nameKey } from '../../src/ingest/gazetteer/normalize.js';
import { resolveGroup } from '../../src/ingest/groups/groups.js';
import { GTD_ATTACK_TYPES, GTD_TARGET_TYPES, GTD_WEAPON_TYPES, gtdCode } from '../../src/stix/gtd-codebook.js';
import type { Expectation, IncidentLabel, PerpetratorStatus, ReportLabel } from './labels.js';
import type { AttributionKind, PredictedAttribution, PredictedIncident } from './prediction.js';

export type FieldName =
  | 'unsupported'
  | 'detected'
  | 'distractor'
  | 'background'
  | 'date'
  | 'country'
  | 'region'
  | 'city'
  | 'attackTypes'
  | 'targetTypes'
  | 'weaponTypes'
  | 'killedVictims'
  | 'killedPerpetrators'
  | 'wounded'
  | 'perpetrator'
  | 'perpetratorStatus'
  | 'claimed'
  | 'claimedBy'
  | 'claimChannel';

export const FIELD_LABELS: Record<FieldName, string> = {
  unsupported: 'non-English article reported unsupported',
  detected: 'news incident detected (incident reports)',
  distractor: 'no news incident (distractors)',
  background: 'older incidents not turned into news incidents',
  date: 'date',
  country: 'country',
  region: 'region (first-level division)',
  city: 'city',
  attackTypes: 'attack types (exact set)',
  targetTypes: 'target types (exact set)',
  weaponTypes: 'weapon types (exact set)',
  killedVictims: 'victims killed (per report)',
  killedPerpetrators: 'perpetrators killed (reference figure)',
  wounded: 'wounded (per report)',
  perpetrator: 'perpetrator (per report)',
  perpetratorStatus: 'perpetrator status claimed/blamed/suspected (per report)',
  claimed: 'claimed true/false/not addressed (per report)',
  claimedBy: 'claimed by (reports with a claim)',
  claimChannel: 'claim channel (reports with a claim)',
};

export interface FieldResult {
  field: FieldName;
  correct: boolean;
  /** Overlap of label sets (Jaccard), for the set-valued fields. */
  overlap?: number;
  expected: string;
  found: string;
}

export interface ArticleOutcome {
  /** The pipeline said the language is not supported. */
  unsupported: boolean;
  incidents: PredictedIncident[];
}

const STATUS_KIND: Record<Exclude<PerpetratorStatus, null>, AttributionKind> = {
  claimed: 'claim',
  blamed: 'official',
  suspected: 'suspected',
};

/** Officials' attribution outranks a claim, which outranks a suspicion (as the labels code it). */
const KIND_RANK: Record<AttributionKind, number> = { official: 0, claim: 1, suspected: 2 };

function show(value: unknown): string {
  if (value === undefined || value === null) return '—';
  return Array.isArray(value) ? value.join(', ') || '—' : String(value);
}

function groupKey(name: string): string {
  return nameKey(resolveGroup(name)?.canonical ?? name);
}

export function sameGroup(expected: string, found: string | undefined): boolean {
  return found !== undefined && groupKey(expected) === groupKey(found);
}

/** Same place by folded name, or the gazetteer takes both names to the same division or city. */
export function samePlace(expected: string, found: string | undefined, kind: 'region' | 'city', countryHint: string): boolean {
  if (found === undefined) return false;
  if (nameKey(expected) === nameKey(found)) return true;
  const key = (name: string): Set<string> => {
    const places = lookupPlace(name, { countryHint }).filter((place) => place.countryCode === countryHint);
    return new Set(places.map((place) => (kind === 'region' ? place.regionCode ?? nameKey(place.region ?? '') : String(place.geonameId ?? place.name))));
  };
  const foundKeys = key(found);
  return [...key(expected)].some((k) => k !== '' && foundKeys.has(k));
}

export function jaccard(expected: readonly string[], found: readonly string[]): number {
  const a = new Set(expected);
  const b = new Set(found);
  const union = new Set([...a, ...b]);
  if (union.size === 0) return 1;
  return [...a].filter((item) => b.has(item)).length / union.size;
}

const CHANNEL_STOPWORDS = new Set(['a', 'an', 'the', 'by', 'on', 'of', 'in', 'and', 'to', 'its', 'group', 'news', 'posted', 'reported', 'sent']);

/** A channel matches when it shares a content word with the label ("Amaq", "statement", "video"). */
export function sameChannel(expected: string, found: string | undefined): boolean {
  if (found === undefined) return false;
  const words = (text: string): Set<string> => new Set(nameKey(text).split(' ').filter((w) => w.length > 1 && !CHANNEL_STOPWORDS.has(w)));
  const foundWords = words(found);
  return [...words(expected)].some((word) => foundWords.has(word));
}

/** The attribution the labels call "the perpetrator": official over claim over suspicion. */
export function mainAttribution(attributions: readonly PredictedAttribution[]): PredictedAttribution | undefined {
  return [...attributions].sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind])[0];
}

type GtdList = readonly string[];

function foldedWords(name: string): string[] {
  return name.toLowerCase().split(/[^\p{L}\p{N}&]+/u).filter((word) => word.length > 0);
}

/**
 * The GTD codebook category a type name stands for, as "code N" of its list
 * (gtd-codebook.ts). The codebook's full names ("Hostage Taking (Barricade
 * Incident)", "Vehicle (not to include vehicle-borne explosives, …)") and the
 * short forms people write ("Hostage Taking (Barricade)", "Vehicle") are the
 * same category when the short form's words begin exactly one codebook name.
 * A name that fits no category, or several, stays as it is.
 */
export function gtdCategory(list: GtdList, name: string): string {
  const exact = gtdCode(list, name);
  if (exact !== undefined) return `code ${exact}`;
  const words = foldedWords(name);
  if (words.length === 0) return name;
  const fits = list.filter((entry) => {
    const entryWords = foldedWords(entry);
    return words.length <= entryWords.length && words.every((word, i) => entryWords[i] === word);
  });
  const only = fits.length === 1 ? gtdCode(list, fits[0] as string) : undefined;
  return only === undefined ? name : `code ${only}`;
}

function sameDate(incident: IncidentLabel, found: string | undefined): boolean {
  const day = found?.slice(0, 10);
  return day !== undefined && (day === incident.date || day === incident.date_end);
}

function result(field: FieldName, correct: boolean, expected: unknown, found: unknown): FieldResult {
  return { field, correct, expected: show(expected), found: show(found) };
}

/** Set fields compare GTD categories, so a codebook name and its short form agree. */
function setResult(field: FieldName, list: GtdList, expected: string[], found: string[]): FieldResult {
  const overlap = jaccard(expected.map((name) => gtdCategory(list, name)), found.map((name) => gtdCategory(list, name)));
  return { ...result(field, overlap === 1, expected, found), overlap };
}

function reportFields(incident: IncidentLabel, report: ReportLabel, found: PredictedIncident | undefined): FieldResult[] {
  const main = found ? mainAttribution(found.attributions) : undefined;
  const claim = found?.attributions.find((a) => a.kind === 'claim');
  const results: FieldResult[] = [
    result('killedVictims', found !== undefined && found.killedVictims === report.killed_victims, report.killed_victims, found?.killedVictims),
    result('wounded', found !== undefined && found.wounded === report.wounded, report.wounded, found?.wounded),
    result(
      'perpetrator',
      found !== undefined && (report.perpetrator === null ? main === undefined : sameGroup(report.perpetrator, main?.group)),
      report.perpetrator,
      main?.group,
    ),
    result(
      'perpetratorStatus',
      found !== undefined && (report.perpetrator_status === null ? main === undefined : main?.kind === STATUS_KIND[report.perpetrator_status]),
      report.perpetrator_status,
      main?.kind,
    ),
    result('claimed', found !== undefined && found.claimed === report.claimed, report.claimed, found?.claimed),
  ];
  if (report.claimed === true) {
    const claimedBy = report.claimed_by ?? incident.claimed_by ?? incident.perpetrator.name;
    results.push(result('claimedBy', sameGroup(claimedBy, claim?.group), claimedBy, claim?.group));
    if (incident.claim_channel) results.push(result('claimChannel', sameChannel(incident.claim_channel, claim?.channel), incident.claim_channel, claim?.channel));
  }
  return results;
}

/**
 * Every field result for one article. The first news incident stands for the
 * article's incident; when there is none, every field of an incident report
 * counts as missed.
 */
export function scoreArticle(expectation: Expectation, language: string, outcome: ArticleOutcome, olderIncidentsMentioned: number): FieldResult[] {
  if (language !== 'en') return [result('unsupported', outcome.unsupported, 'unsupported', outcome.unsupported ? 'unsupported' : 'processed')];
  const news = outcome.incidents.filter((incident) => incident.status === 'news');
  const results: FieldResult[] = [];
  if (olderIncidentsMentioned > 0) {
    const allowed = expectation.kind === 'distractor' ? 0 : 1;
    results.push(result('background', news.length <= allowed, `≤ ${allowed} news`, `${news.length} news`));
  }
  if (expectation.kind === 'distractor') {
    results.push(result('distractor', news.length === 0, 0, news.length));
    return results;
  }
  const { incident, report } = expectation;
  const found = news[0];
  results.push(result('detected', found !== undefined, 'news incident', found ? 'news incident' : 'none'));
  results.push(result('date', sameDate(incident, found?.date), incident.date, found?.date));
  results.push(result('country', found?.country === incident.country, incident.country, found?.country));
  results.push(result('region', samePlace(incident.region, found?.region, 'region', incident.country), incident.region, found?.region));
  results.push(result('city', samePlace(incident.city, found?.city, 'city', incident.country), incident.city, found?.city));
  results.push(setResult('attackTypes', GTD_ATTACK_TYPES, incident.attack_types, found?.attackTypes ?? []));
  results.push(setResult('targetTypes', GTD_TARGET_TYPES, incident.target_types, found?.targetTypes ?? []));
  results.push(setResult('weaponTypes', GTD_WEAPON_TYPES, incident.weapon_types, found?.weaponTypes ?? []));
  results.push(
    result('killedPerpetrators', found !== undefined && found.killedPerpetrators === incident.killed_perpetrators, incident.killed_perpetrators, found?.killedPerpetrators),
  );
  if (report) results.push(...reportFields(incident, report, found));
  return results;
}

export interface FieldSummary {
  field: FieldName;
  scored: number;
  correct: number;
  /** Mean label-set overlap, for set-valued fields. */
  meanOverlap?: number;
}

export function summarise(results: readonly FieldResult[]): FieldSummary[] {
  const order = Object.keys(FIELD_LABELS) as FieldName[];
  return order.flatMap((field) => {
    const mine = results.filter((r) => r.field === field);
    if (mine.length === 0) return [];
    const summary: FieldSummary = { field, scored: mine.length, correct: mine.filter((r) => r.correct).length };
    const overlaps = mine.map((r) => r.overlap).filter((o): o is number => o !== undefined);
    if (overlaps.length > 0) summary.meanOverlap = overlaps.reduce((a, b) => a + b, 0) / overlaps.length;
    return [summary];
  });
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${((100 * part) / whole).toFixed(0)} %`;
}

/** The accuracy table, as Markdown for BENCHMARKS.md. */
export function renderTable(summaries: readonly FieldSummary[]): string {
  const lines = ['| field | correct | scored | accuracy | mean overlap |', '|---|---:|---:|---:|---:|'];
  for (const s of summaries) {
    const overlap = s.meanOverlap === undefined ? '' : s.meanOverlap.toFixed(2);
    lines.push(`| ${FIELD_LABELS[s.field]} | ${s.correct} | ${s.scored} | ${percent(s.correct, s.scored)} | ${overlap} |`);
  }
  return lines.join('\n');
}
