import type { StixObject } from '../stix/stix-object.js';
import type { AlertsDb } from './alerts-schema.js';
import { relationshipSource, stringList, type ElsewhereRow, type ObjectRow, type StepContext } from './subjects.js';

/**
 * Reads one step of a collection (the rows after the follower's cursor) and
 * the rows they refer to, as the system (no viewer filter): the follower
 * decides per user afterwards, in SQL, which of these rows each may see.
 *
 * An incident's pieces (incident, located-at, attributed-to, location,
 * intrusion-set) arrive in one write, hence in one step, or in two when a
 * step ends inside the write: the relationships of an incident touched by a
 * step are therefore also looked up among the rows added since the incident,
 * for incidents added at most RELATIONSHIP_LOOKBACK_MICROS before the step.
 * A relationship added later than that to an older incident still fires on
 * what it brings itself (README "Alerts").
 */
export const RELATIONSHIP_LOOKBACK_MICROS = 3_600_000_000;
const IDS_PER_STATEMENT = 500;
/** At most this many referenced objects are looked up per step, and this many relationships per incident. */
const MAX_LOOKUPS = 5000;
const MAX_RELATIONSHIPS_PER_INCIDENT = 200;
/** A location held in many collections is looked up in at most this many of them (newest first). */
const MAX_ELSEWHERE_PER_ID = 20;
const CONTEXT_TYPES = new Set(['incident', 'intrusion-set', 'threat-actor', 'location', 'identity']);

export async function readStepRows(db: AlertsDb, collectionId: string, after: number, limit: number): Promise<ObjectRow[]> {
  const rows = await db
    .selectFrom('objects')
    .select(['date_added', 'json'])
    .where('collection_id', '=', collectionId)
    .where('date_added', '>', after)
    .orderBy('date_added')
    .limit(limit)
    .execute();
  return rows.flatMap((row) => parsed(row, true));
}

export async function buildStepContext(db: AlertsDb, collectionId: string, step: readonly ObjectRow[]): Promise<StepContext> {
  const byId = new Map<string, ObjectRow>();
  const relationships = new Map<number, ObjectRow>();
  for (const row of step) {
    keepLatest(byId, row);
    if (row.object.type === 'relationship') relationships.set(row.dateAdded, row);
  }
  const first = step[0]?.dateAdded ?? 0;
  const last = step[step.length - 1]?.dateAdded ?? 0;
  await lookUp(db, collectionId, byId, referencedIds(step), last);
  const touched = [...byId.values()].filter(
    (row) => row.object.type === 'incident' && (row.inStep || step.some((s) => relationshipSource(s.object) === row.object.id)),
  );
  for (const incident of touched) {
    // An incident of the step has every relationship added after it up to the step's end in the step already.
    if (incident.inStep || incident.dateAdded < first - RELATIONSHIP_LOOKBACK_MICROS) continue;
    for (const row of await relationshipsOf(db, collectionId, incident.object.id, incident.dateAdded, last)) {
      if (!relationships.has(row.dateAdded)) relationships.set(row.dateAdded, row);
    }
  }
  const targets = [...relationships.values()].map((row) => row.object.target_ref).filter((t): t is string => typeof t === 'string');
  await lookUp(db, collectionId, byId, targets.filter((id) => !byId.has(id)), last);
  const elsewhere = await lookUpElsewhere(db, collectionId, locationTargets(relationships.values()).filter((id) => !byId.has(id)));

  const relationshipsBySource = new Map<string, ObjectRow[]>();
  for (const row of relationships.values()) {
    const source = relationshipSource(row.object);
    if (source !== undefined) relationshipsBySource.set(source, [...(relationshipsBySource.get(source) ?? []), row]);
  }
  return { step, byId, relationshipsBySource, elsewhere };
}

/** The `location` ids that `located-at` relationships point at. */
function locationTargets(relationships: Iterable<ObjectRow>): string[] {
  const ids = new Set<string>();
  for (const { object } of relationships) {
    if (object.relationship_type === 'located-at' && typeof object.target_ref === 'string' && object.target_ref.startsWith('location--')) ids.add(object.target_ref);
  }
  return [...ids].slice(0, MAX_LOOKUPS);
}

/**
 * The latest version of each id in each other collection holding it. A
 * canonical incident (src/correlate) is `located-at` a location its reports
 * brought, which is stored in the reports' collections, not in `canonical`:
 * without these rows a place watchlist would never match it. The follower
 * lets a user have a place only through a row of these they may see.
 */
async function lookUpElsewhere(db: AlertsDb, collectionId: string, ids: readonly string[]): Promise<Map<string, ElsewhereRow[]>> {
  const latest = new Map<string, ElsewhereRow>();
  for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
    const rows = await db
      .selectFrom('objects')
      .select(['collection_id', 'date_added', 'json'])
      .where('id', 'in', ids.slice(start, start + IDS_PER_STATEMENT))
      .where('collection_id', '!=', collectionId)
      .execute();
    for (const row of rows) {
      for (const parsedRow of parsed(row, false)) {
        const key = `${parsedRow.object.id} ${row.collection_id}`;
        const held = latest.get(key);
        if (held === undefined || held.dateAdded < parsedRow.dateAdded) latest.set(key, { ...parsedRow, collectionId: row.collection_id });
      }
    }
  }
  const byId = new Map<string, ElsewhereRow[]>();
  for (const row of [...latest.values()].sort((a, b) => b.dateAdded - a.dateAdded)) {
    const held = byId.get(row.object.id) ?? [];
    if (held.length < MAX_ELSEWHERE_PER_ID) byId.set(row.object.id, [...held, row]);
  }
  return byId;
}

/** Ids the step refers to that may carry a match: relationship ends, report references, incident sources. */
function referencedIds(step: readonly ObjectRow[]): string[] {
  const ids = new Set<string>();
  const have = new Set(step.map((row) => row.object.id));
  const add = (id: unknown) => {
    if (typeof id === 'string' && !have.has(id) && CONTEXT_TYPES.has(id.split('--')[0] ?? '')) ids.add(id);
  };
  for (const { object } of step) {
    if (object.type === 'relationship') {
      add(object.source_ref);
      add(object.target_ref);
    } else if (object.type === 'report') {
      stringList(object.object_refs).forEach(add);
    }
  }
  return [...ids].slice(0, MAX_LOOKUPS);
}

/** The latest version of each id added up to `until` (the step's end: later rows belong to a later step). */
async function lookUp(db: AlertsDb, collectionId: string, byId: Map<string, ObjectRow>, ids: readonly string[], until: number): Promise<void> {
  for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
    const rows = await db
      .selectFrom('objects')
      .select(['date_added', 'json'])
      .where('collection_id', '=', collectionId)
      .where('id', 'in', ids.slice(start, start + IDS_PER_STATEMENT))
      .where('date_added', '<=', until)
      .execute();
    for (const row of rows.flatMap((r) => parsed(r, false))) keepLatest(byId, row);
  }
}

/** Relationships from `incidentId` added in [since, until], found by the id in their text (the index narrows to relationships). */
async function relationshipsOf(db: AlertsDb, collectionId: string, incidentId: string, since: number, until: number): Promise<ObjectRow[]> {
  const rows = await db
    .selectFrom('objects')
    .select(['date_added', 'json'])
    .where('collection_id', '=', collectionId)
    .where('type', '=', 'relationship')
    .where('date_added', '>=', since)
    .where('date_added', '<=', until)
    // STIX ids hold only [a-z0-9-]: nothing in them is a LIKE wildcard.
    .where('json', 'like', `%${incidentId}%`)
    .orderBy('date_added')
    .limit(MAX_RELATIONSHIPS_PER_INCIDENT)
    .execute();
  return rows.flatMap((row) => parsed(row, false)).filter((row) => relationshipSource(row.object) === incidentId);
}

function keepLatest(byId: Map<string, ObjectRow>, row: ObjectRow): void {
  const held = byId.get(row.object.id);
  if (held === undefined || held.dateAdded < row.dateAdded) byId.set(row.object.id, row);
}

/** A stored row as an ObjectRow; none when its text is not a JSON object with an id (the store validated it, but never trust a row). */
function parsed(row: { date_added: number; json: string }, inStep: boolean): ObjectRow[] {
  try {
    const object = JSON.parse(row.json) as unknown;
    if (typeof object !== 'object' || object === null || typeof (object as StixObject).id !== 'string') return [];
    return [{ dateAdded: Number(row.date_added), object: object as StixObject, inStep }];
  } catch {
    return [];
  }
}
