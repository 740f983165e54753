import {
  credibilityToConfidence,
  informationCredibility,
  minHash,
  type InformationCredibility,
  type SourceReliability,
  type Testimony,
} from './grading.js';
import type { IncidentFeatures } from './incident-features.js';
import type { DecidingRule, FieldName, FieldReconciliation, Reconciliation } from './reconcile.js';

/**
 * Every field of a canonical incident as the analyst reads it: each value
 * reported, by whom and when, with the source's reliability and the value's
 * own information credibility (its independent support against the
 * independent reports that contradict it) and STIX confidence — both grades
 * wherever the fact is shown — the chosen value and the rule that chose it.
 */
export interface FieldView {
  readonly field: FieldName;
  readonly chosen: { readonly value: unknown; readonly rule: DecidingRule; readonly credibility: InformationCredibility; readonly confidence: number | undefined } | undefined;
  readonly conflict: boolean;
  readonly values: readonly ValueView[];
}

export interface ValueView {
  readonly value: unknown;
  readonly source: { readonly name: string; readonly outlet: string; readonly reliability: SourceReliability };
  readonly report: { readonly id: string; readonly published: string | undefined };
  readonly superseded: boolean;
  readonly credibility: InformationCredibility;
  readonly confidence: number | undefined;
}

export function fieldViews(reconciliation: Reconciliation, members: readonly IncidentFeatures[]): FieldView[] {
  const byReport = new Map(members.map((m) => [m.reportId, m]));
  const signatures = new Map<string, readonly number[]>();
  const testimony = (reportId: string, outlet: string, reliability: SourceReliability): Testimony => {
    let signature = signatures.get(reportId);
    if (signature === undefined) signatures.set(reportId, (signature = minHash(byReport.get(reportId)?.evidenceText ?? '')));
    return { reportId, outlet, reliability, wire: byReport.get(reportId)?.sourceNames[0], signature };
  };
  return (Object.values(reconciliation) as FieldReconciliation<unknown>[]).map((field) => {
    const current = field.values.filter((v) => !v.superseded);
    return {
      field: field.field,
      chosen: field.chosen === undefined ? undefined : { value: field.chosen, rule: field.rule, credibility: field.credibility, confidence: field.confidence },
      conflict: field.conflict,
      values: field.values.map((v) => {
        const support = current.filter((o) => o.key === v.key).map((o) => testimony(o.reportId, o.outlet, o.reliability));
        const against = current.filter((o) => o.key !== v.key).map((o) => testimony(o.reportId, o.outlet, o.reliability));
        const credibility = v.superseded ? 6 : informationCredibility(support, against);
        return {
          value: v.value,
          source: { name: v.sources[0] ?? v.outlet, outlet: v.outlet, reliability: v.reliability },
          report: { id: v.reportId, published: v.published },
          superseded: v.superseded,
          credibility,
          confidence: credibilityToConfidence(credibility),
        };
      }),
    };
  });
}
