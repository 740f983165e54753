import type { Cluster } from './incident-clusterer.js';
import type { IncidentFeatures } from './incident-features.js';

/**
 * Which event a report is a report of (one at most, so that a report never
 * lands in two clusters). Each of its incidents proposes its cluster when the
 * cluster is news and the report was published within
 * {@link REPORTING_WINDOW_DAYS} of the event, whether the incident is the
 * report's news or a background mention (an analysis in
 * the months after an attack reports on it; an anniversary piece a year later
 * only mentions it). Among the proposals, the cluster with the most other
 * reports wins (an incident no other report corroborates is more likely a
 * misreading than the report's subject), then a news incident's, then the
 * report's order.
 */
export const REPORTING_WINDOW_DAYS = 180;

const DAY_MS = 86_400_000;

export function reportPlacement(
  incidents: readonly IncidentFeatures[],
  clusterOf: (incidentId: string) => string | undefined,
  clusters: readonly Cluster[],
): string | undefined {
  const byId = new Map(clusters.map((c) => [c.id, c]));
  const proposals: { clusterId: string; others: number; news: boolean; order: number }[] = [];
  incidents.forEach((f, order) => {
    const clusterId = clusterOf(f.incidentId);
    const cluster = clusterId === undefined ? undefined : byId.get(clusterId);
    if (clusterId === undefined || cluster === undefined || !cluster.news) return;
    if (!withinWindow(f, eventDay(cluster), f.newsStatus === 'news')) return;
    const others = new Set(cluster.members.map((m) => m.reportId).filter((r) => r !== f.reportId)).size;
    proposals.push({ clusterId, others, news: f.newsStatus === 'news', order });
  });
  proposals.sort((a, b) => b.others - a.others || Number(b.news) - Number(a.news) || a.order - b.order);
  return proposals[0]?.clusterId;
}

/**
 * Without a date to compare, a news incident is taken at its word and a
 * background one is not.
 */
function withinWindow(f: IncidentFeatures, event: number | undefined, otherwise: boolean): boolean {
  if (f.published === undefined || event === undefined) return otherwise;
  const publishedDay = Math.floor(Date.parse(f.published) / DAY_MS);
  return publishedDay - event <= REPORTING_WINDOW_DAYS;
}

/** The event's last day as its most precisely dated member gives it ("August 2017" is the 17th when another report says so). */
function eventDay(cluster: Cluster): number | undefined {
  const dated = cluster.members.flatMap((m) => (m.date === undefined ? [] : [m.date]));
  return dated.sort((a, b) => a.lastDay - a.firstDay - (b.lastDay - b.firstDay))[0]?.lastDay;
}
