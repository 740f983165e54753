import type { PartnerReport } from './sync.js';

/**
 * A sync run's report as JSON, the same for `entente sync --json` and
 * `POST /rest/v1/partners/:name/sync`: per rule its direction, collections and
 * counts (pull counts, or push counts with the versions the partner refused).
 */
export function reportJson(report: PartnerReport): Record<string, unknown> {
  return {
    partner: report.partner,
    outcome: report.outcome,
    ...(report.error !== undefined ? { error: report.error } : {}),
    rules: report.rules.map((r) => ({
      direction: r.rule.direction,
      remote: r.rule.remoteCollection,
      local: r.rule.localCollection,
      ...(r.pushed === undefined ? r.counts : r.pushed),
      ...(r.error !== undefined ? { error: r.error } : {}),
    })),
  };
}
