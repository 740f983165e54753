import type { Kysely } from 'kysely';
import { withCorrelation } from '../correlate/correlation-schema.js';
import type { DatabaseSchema } from '../store/schema.js';
import type { Subject } from './subjects.js';

/** Ids per statement: well under SQLite's bound-parameter limit (each id is bound twice). */
const IDS_PER_STATEMENT = 400;

/** The event a subject is about, as far as alerts are concerned (README "Alerts": one alert per watchlist and event). */
export interface AlertEvent {
  /** Ids of every object standing for the event: the subject, its canonical incident and that one's report incidents. */
  readonly ids: readonly string[];
  /** The subject is the event's canonical incident (an alert about the event moves to it). */
  readonly canonical: boolean;
}

/**
 * The event of each subject, by its object id. An incident's event is the
 * canonical incident the correlator placed it in (src/correlate, table
 * `correlation_members`) with all its report incidents; a canonical incident's
 * is itself with what it is `derived-from` and its members. An incident not
 * correlated yet, or a report citing no incident, is an event of its own.
 */
export async function eventsOf(db: Kysely<DatabaseSchema>, subjects: readonly Subject[]): Promise<Map<string, AlertEvent>> {
  const seeds = new Map<string, string[]>();
  for (const subject of subjects) {
    const id = subject.row.object.id;
    seeds.set(id, subject.kind === 'incident' ? [id, ...subject.derivedFrom] : [id]);
  }
  const incidentIds = [...new Set(subjects.filter((s) => s.kind === 'incident').flatMap((s) => seeds.get(s.row.object.id) ?? []))];
  const clusters = await clustersOf(db, incidentIds);
  const events = new Map<string, AlertEvent>();
  for (const subject of subjects) {
    const id = subject.row.object.id;
    const ids = new Set(seeds.get(id));
    let canonical = subject.derivedFrom.length > 0;
    if (subject.kind === 'incident') {
      for (const seed of [...ids]) {
        const cluster = clusters.get(seed);
        if (cluster === undefined) continue;
        if (cluster.canonicalId === id) canonical = true;
        ids.add(cluster.canonicalId);
        cluster.members.forEach((member) => ids.add(member));
      }
    }
    events.set(id, { ids: [...ids], canonical });
  }
  return events;
}

interface Cluster {
  readonly canonicalId: string;
  readonly members: string[];
}

/** incident id (report incident or canonical incident) → its cluster, for the ids the correlator knows. */
async function clustersOf(db: Kysely<DatabaseSchema>, ids: readonly string[]): Promise<Map<string, Cluster>> {
  const cdb = withCorrelation(db);
  const byCanonical = new Map<string, Cluster>();
  for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
    const chunk = ids.slice(start, start + IDS_PER_STATEMENT);
    const rows = await cdb
      .selectFrom('correlation_members')
      .select(['incident_id', 'canonical_id'])
      .where('canonical_id', 'in', (eb) =>
        eb.selectFrom('correlation_members').select('canonical_id').where((w) => w.or([w('incident_id', 'in', chunk), w('canonical_id', 'in', chunk)])),
      )
      .execute();
    for (const row of rows) {
      const cluster = byCanonical.get(row.canonical_id) ?? { canonicalId: row.canonical_id, members: [] };
      if (!cluster.members.includes(row.incident_id)) cluster.members.push(row.incident_id);
      byCanonical.set(row.canonical_id, cluster);
    }
  }
  const byId = new Map<string, Cluster>();
  for (const cluster of byCanonical.values()) {
    byId.set(cluster.canonicalId, cluster);
    for (const member of cluster.members) byId.set(member, cluster);
  }
  return byId;
}
