import type { Cluster } from './incident-clusterer.js';
import type { IncidentFeatures } from './incident-features.js';

/**
 * Which event a report is a report of (one at most, so that a report never
 * lands in two clusters): the cluster of its first news incident; failing
 * that, a news cluster one of its background incidents joined, when the report
 * was published within {@link REPORTING_WINDOW_DAYS} of that event (an
 * analysis written in the days after an attack reports on it; an anniversary
 * piece a year later only mentions it); otherwise none.
 */
export const REPORTING_WINDOW_DAYS = 30;

const DAY_MS = 86_400_000;

export function reportPlacement(
  incidents: readonly IncidentFeatures[],
  clusterOf: (incidentId: string) => string | undefined,
  clusters: readonly Cluster[],
): string | undefined {
  const news = incidents.find((f) => f.newsStatus === 'news');
  if (news !== undefined) return clusterOf(news.incidentId);
  const byId = new Map(clusters.map((c) => [c.id, c]));
  for (const f of incidents) {
    const clusterId = clusterOf(f.incidentId);
    const cluster = clusterId === undefined ? undefined : byId.get(clusterId);
    if (cluster === undefined || !cluster.news || f.published === undefined || f.date === undefined) continue;
    const publishedDay = Math.floor(Date.parse(f.published) / DAY_MS);
    if (publishedDay - f.date.lastDay <= REPORTING_WINDOW_DAYS) return clusterId;
  }
  return undefined;
}
