import type { Count } from '../stix/extensions.js';
import {
  compareReliability,
  credibilityToConfidence,
  independentGroups,
  informationCredibility,
  minHash,
  type InformationCredibility,
  type ReliabilityRegistry,
  type SourceReliability,
  type Testimony,
} from './grading.js';
import type { EventDate, IncidentFeatures, Place } from './incident-features.js';

/**
 * Field-by-field reconciliation of the reports of one event. Every value
 * reported is kept with who reported it and when; one is chosen by these rules,
 * in this order (the first that separates the leaders decides, and is named in
 * `rule`):
 * 1. `superseded`: a later report from the same source (outlet and attributed
 *    source) replaces that source's earlier tolls and claim statements;
 * 2. `corroborated`: more independent groups of reports (copies of one wire
 *    story count once, see grading.ts) over fewer;
 * 3. `reliable`: the more reliable best source (Admiralty A over F);
 * 4. `specific`: the more specific value (a day over a year, a city over a
 *    country, an exact toll over "at least", a claim over an official blame);
 * 5. `latest`: the value most recently published (tolls rise as bodies are
 *    counted);
 * 6. `only` when a single value was reported, `none` when none was.
 * A vaguer value that a more specific one refines ("2015" and "13 November
 * 2015"; France and Paris; "no claim yet" and a claim) is not a conflict: it
 * counts in support of the specific value.
 */
export type FieldName = 'date' | 'place' | 'killed' | 'perpetratorsKilled' | 'wounded' | 'perpetrator' | 'claimed' | 'claimChannel';

export interface ReportedValue<T> {
  readonly value: T;
  readonly key: string;
  readonly reportId: string;
  readonly outlet: string;
  readonly published: string | undefined;
  readonly sources: readonly string[];
  readonly reliability: SourceReliability;
  /** True when a later report from the same source replaced it. */
  readonly superseded: boolean;
}

export type DecidingRule = 'only' | 'superseded' | 'corroborated' | 'reliable' | 'specific' | 'latest' | 'none';

export interface FieldReconciliation<T> {
  readonly field: FieldName;
  readonly values: readonly ReportedValue<T>[];
  readonly chosen: T | undefined;
  readonly conflict: boolean;
  readonly rule: DecidingRule;
  readonly credibility: InformationCredibility;
  /** STIX `confidence` for the chosen value (grading.ts); undefined for credibility 6. */
  readonly confidence: number | undefined;
}

export interface PerpetratorValue {
  readonly groupId: string;
  readonly name: string;
  readonly attributionType: 'claim' | 'official' | 'suspected';
}

export interface Reconciliation {
  readonly date: FieldReconciliation<EventDate>;
  readonly place: FieldReconciliation<Place>;
  readonly killed: FieldReconciliation<Count>;
  readonly perpetratorsKilled: FieldReconciliation<Count>;
  readonly wounded: FieldReconciliation<Count>;
  readonly perpetrator: FieldReconciliation<PerpetratorValue>;
  readonly claimed: FieldReconciliation<boolean>;
  readonly claimChannel: FieldReconciliation<string>;
}

interface FieldSpec<T> {
  readonly key: (value: T) => string;
  readonly specificity: (value: T) => number;
  /** Whether `general` is a vaguer statement that `specific` refines. */
  readonly refines?: (general: T, specific: T) => boolean;
  readonly supersedeBySource: boolean;
}

type Extract<T> = (f: IncidentFeatures) => readonly T[];

export function reconcile(members: readonly IncidentFeatures[], registry: ReliabilityRegistry): Reconciliation {
  const field = <T>(name: FieldName, extract: Extract<T>, spec: FieldSpec<T>): FieldReconciliation<T> =>
    reconcileField(name, members, extract, spec, registry);
  const count = (pick: (f: IncidentFeatures) => Count | undefined): Extract<Count> => (f) => {
    const c = pick(f);
    return c !== undefined && (c.low !== null || c.high !== null) ? [c] : [];
  };
  return {
    date: field('date', (f) => (f.date ? [f.date] : []), DATE_SPEC),
    place: field('place', (f) => (f.place?.country !== undefined ? [f.place] : []), PLACE_SPEC),
    killed: field('killed', count((f) => f.victimsKilled), COUNT_SPEC),
    perpetratorsKilled: field('perpetratorsKilled', count((f) => f.perpetratorsKilled), COUNT_SPEC),
    wounded: field('wounded', count((f) => f.wounded), COUNT_SPEC),
    perpetrator: field('perpetrator', (f) => f.perpetrators.map((p) => ({ groupId: p.groupId, name: p.name, attributionType: p.attributionType })), PERPETRATOR_SPEC),
    claimed: field('claimed', (f) => (f.claimed === undefined ? [] : [f.claimed]), CLAIMED_SPEC),
    claimChannel: field('claimChannel', (f) => f.perpetrators.flatMap((p) => (p.attributionType === 'claim' && p.claimChannel ? [p.claimChannel] : [])), CHANNEL_SPEC),
  };
}

const DATE_SPEC: FieldSpec<EventDate> = {
  key: (d) => (d.end === undefined ? d.value.slice(0, 10) : `${d.value.slice(0, 10)}/${d.end.slice(0, 10)}`),
  specificity: (d) => -(d.lastDay - d.firstDay),
  refines: (g, s) => s.firstDay >= g.firstDay && s.lastDay <= g.lastDay && s.lastDay - s.firstDay < g.lastDay - g.firstDay,
  supersedeBySource: false,
};

const PLACE_SPEC: FieldSpec<Place> = {
  key: (p) => `${p.country ?? ''}|${p.city?.toLowerCase() ?? ''}`,
  specificity: (p) => (p.city !== undefined ? 2 : p.region !== undefined ? 1 : 0),
  refines: (g, s) => g.country === s.country && g.city === undefined && s.city !== undefined,
  supersedeBySource: false,
};

/** "At least N", "about N" and N are one value, N (the labels' convention and GTD's). */
const QUALIFIER_SPECIFICITY: Readonly<Record<Count['qualifier'], number>> = {
  exact: 3, range: 2, approximately: 2, 'at-least': 1, 'more-than': 1, 'at-most': 1, unknown: 0,
};
const COUNT_SPEC: FieldSpec<Count> = {
  key: (c) => String(c.low ?? c.high),
  specificity: (c) => QUALIFIER_SPECIFICITY[c.qualifier],
  supersedeBySource: true,
};

const ATTRIBUTION_SPECIFICITY = { claim: 2, official: 1, suspected: 0 } as const;
const PERPETRATOR_SPEC: FieldSpec<PerpetratorValue> = {
  key: (p) => p.groupId,
  specificity: (p) => ATTRIBUTION_SPECIFICITY[p.attributionType],
  supersedeBySource: false,
};

const CLAIMED_SPEC: FieldSpec<boolean> = {
  key: String,
  specificity: (c) => (c ? 1 : 0),
  refines: (g, s) => !g && s,
  supersedeBySource: true,
};

const CHANNEL_SPEC: FieldSpec<string> = {
  key: (c) => c.toLowerCase().replace(/\s+/gu, ' ').trim(),
  specificity: (c) => c.length,
  supersedeBySource: false,
};

interface Candidate<T> {
  readonly key: string;
  readonly best: ReportedValue<T>;
  readonly support: readonly ReportedValue<T>[];
  readonly groups: number;
  readonly reliability: SourceReliability;
  readonly specificity: number;
  readonly latest: string;
}

function reconcileField<T>(
  name: FieldName,
  members: readonly IncidentFeatures[],
  extract: Extract<T>,
  spec: FieldSpec<T>,
  registry: ReliabilityRegistry,
): FieldReconciliation<T> {
  const signatures = new Map(members.map((m) => [m.reportId, minHash(m.evidenceText)]));
  const wires = new Map(members.map((m) => [m.reportId, m.sourceNames[0]]));
  const reported = members.flatMap((m) => extract(m).map((value): ReportedValue<T> => ({
    value,
    key: spec.key(value),
    reportId: m.reportId,
    outlet: m.outlet,
    published: m.published,
    sources: m.sourceNames,
    reliability: m.sourceNames[0] !== undefined ? registry.get(m.sourceNames[0]) : registry.get(m.outlet),
    superseded: false,
  })));
  const values = spec.supersedeBySource ? markSuperseded(reported) : reported;
  const current = values.filter((v) => !v.superseded);
  const testimony = (v: ReportedValue<T>): Testimony => ({
    reportId: v.reportId, outlet: v.outlet, reliability: v.reliability, wire: wires.get(v.reportId), signature: signatures.get(v.reportId) ?? [],
  });
  const keys = [...new Set(current.map((v) => v.key))];
  const candidates = keys
    .map((key): Candidate<T> => {
      const own = current.filter((v) => v.key === key);
      const best = [...own].sort((a, b) => spec.specificity(b.value) - spec.specificity(a.value))[0] as ReportedValue<T>;
      const support = current.filter((v) => v.key === key || (spec.refines?.(v.value, best.value) ?? false));
      return {
        key,
        best,
        support,
        groups: independentGroups(support.map(testimony)).length,
        reliability: [...support].map((v) => v.reliability).sort(compareReliability)[0] ?? 'F',
        specificity: spec.specificity(best.value),
        latest: support.map((v) => v.published ?? '').sort().at(-1) ?? '',
      };
    })
    .filter((c, _, all) => !all.some((o) => o.key !== c.key && (spec.refines?.(c.best.value, o.best.value) ?? false)));
  const ranked = [...candidates].sort(compareCandidates);
  const [winner, runnerUp] = ranked;
  if (winner === undefined) {
    return { field: name, values, chosen: undefined, conflict: false, rule: 'none', credibility: 6, confidence: undefined };
  }
  const supportIds = new Set(winner.support.map((v) => `${v.reportId}|${v.key}`));
  const contradiction = current.filter((v) => !supportIds.has(`${v.reportId}|${v.key}`));
  const credibility = informationCredibility(winner.support.map(testimony), contradiction.map(testimony));
  const rule: DecidingRule = runnerUp === undefined
    ? (values.some((v) => v.superseded) ? 'superseded' : 'only')
    : decidingRule(winner, runnerUp);
  return {
    field: name,
    values,
    chosen: winner.best.value,
    conflict: candidates.length > 1,
    rule,
    credibility,
    confidence: credibilityToConfidence(credibility),
  };
}

function compareCandidates<T>(a: Candidate<T>, b: Candidate<T>): number {
  return b.groups - a.groups
    || compareReliability(a.reliability, b.reliability)
    || b.specificity - a.specificity
    || b.latest.localeCompare(a.latest)
    || a.key.localeCompare(b.key);
}

function decidingRule<T>(winner: Candidate<T>, runnerUp: Candidate<T>): DecidingRule {
  if (winner.groups !== runnerUp.groups) return 'corroborated';
  if (winner.reliability !== runnerUp.reliability) return 'reliable';
  if (winner.specificity !== runnerUp.specificity) return 'specific';
  return 'latest';
}

/** Rule 1: per source (outlet and attributed source), only the latest published value stands. */
function markSuperseded<T>(values: readonly ReportedValue<T>[]): ReportedValue<T>[] {
  const latest = new Map<string, string>();
  const sourceOf = (v: ReportedValue<T>): string => `${v.outlet.toLowerCase()}|${v.sources.map((s) => s.toLowerCase()).sort().join(',')}`;
  for (const v of values) {
    const previous = latest.get(sourceOf(v));
    if (v.published !== undefined && (previous === undefined || v.published > previous)) latest.set(sourceOf(v), v.published);
  }
  return values.map((v) => {
    const newest = latest.get(sourceOf(v));
    return newest !== undefined && v.published !== undefined && v.published < newest ? { ...v, superseded: true } : v;
  });
}
