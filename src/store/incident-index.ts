import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import { PROVENANCE_EXTENSION_ID, type ProvenanceExtension } from '../stix/extensions.js';
import type { StixObject } from '../stix/stix-object.js';
import type { DialectName } from './dialect-sql.js';
import { ContributionSum, type Contribution } from './incident-index-aggregates.js';
import { indexReportText } from './incident-index-fts.js';
import { actorName, extensionOf, filterKeysOf, incidentColumns, linkColumns, reportColumns, termValue, type IncidentContext } from './incident-index-projection.js';
import { withIncidentIndex, type IncidentIndexTables, type IncidentRow, type IndexDb, type LinkRow } from './incident-index-schema.js';
import { SLICE_BUDGET_MS, startPolling, TimeSlice, stopRequested, type PollingHandle, type StopSignal } from './object-follower.js';
import type { DatabaseSchema, TlpLevel } from './schema.js';
import { followerBatch } from './follower-batch.js';

/**
 * The incident read model's projector (REST.md "Following new objects"): it
 * follows `objects` per collection by `date_added` — unique and monotonic per
 * collection, assigned under the collection lock, so a committed row never
 * appears behind the cursor — and writes incidents, their links, reports and
 * actors into the `intel_*` tables, advancing the cursor in the same
 * transaction. Whatever path wrote the objects (ingest publish, TAXII POST,
 * CLI import, partner pull, another process), they are indexed; several
 * servers on one PostgreSQL may project at once, since every write is an
 * idempotent upsert.
 *
 * The read model decides nothing about access: each row keeps the key of its
 * `objects` row, and readers join it and apply `visibilityCondition`.
 * Denormalised columns (place, group names) are read from the objects of the
 * same collection, which ingest publishes together under one marking.
 */

/** The alias of the collection correlate/ writes canonical incidents to (correlate/correlator.ts CANONICAL_COLLECTION_ALIAS). */
const CANONICAL_ALIAS = 'canonical';
/** Objects read per collection per transaction, at most and at least. */
const BATCH = 500;
const MIN_READ = 32;
/** Link rows per multi-row insert (9 columns). */
const LINKS_PER_INSERT = 300;
/**
 * Incidents refreshed per batch, at least and at most: reading an incident row
 * only marks it, the refresh after the loop is the costly part, so the time
 * slice alone would let one batch mark hundreds of them. The refresh is batched
 * (a few statements for all), and the limit adapts: halved after a refresh
 * that overran the slice, grown after a quick one.
 */
const DIRTY_MIN = 16;
const DIRTY_MAX = 500;
const FOLLOWED_TYPES = ['incident', 'relationship', 'report', 'location', 'intrusion-set', 'identity'] as const;

export type FollowHandle = PollingHandle;

export class IncidentIndex {
  private readonly db: IndexDb;
  private running: Promise<number> = Promise.resolve(0);
  private dirtyLimit = DIRTY_MIN;
  private readLimit = BATCH;
  /**
   * The one stop signal of every catch-up of this projector, whoever asked for it (the polling of
   * `follow`, a query path): aborted by the follow handle's `stop()`, so a catch-up in progress returns
   * after its batch commits and one asked for later (a query that arrives while `entente serve` stops)
   * does nothing. `follow()` after a stop starts a new one.
   */
  private stopping = new AbortController();
  private polling: PollingHandle | undefined;

  /**
   * `sliceMs`: work between two yields to the event loop. A server keeps the
   * default (object-follower.ts); a tool projecting with no one waiting may
   * take longer slices, and so fewer, fuller batches.
   */
  constructor(db: Kysely<DatabaseSchema>, private readonly dialect: DialectName = dialectOf(db), private readonly sliceMs = SLICE_BUDGET_MS) {
    this.db = withIncidentIndex(db);
  }

  /**
   * Projects every object committed so far and not yet indexed; resolves to
   * how many objects it read. Calls are queued, so a query path may call it
   * before answering and see everything written before the call. Once the
   * follower is stopped it resolves to 0 at once, reading nothing, until
   * `follow()` is called again.
   */
  catchUp(): Promise<number> {
    const stop = this.stopping.signal;
    if (stopRequested(stop)) return Promise.resolve(0);
    const next = this.running.catch(() => 0).then(() => this.catchUpAll(stop));
    this.running = next;
    return next;
  }

  /**
   * Calls catchUp every `intervalMs` until stopped; errors go to `onError` and the next tick retries.
   * Stopping ends every catch-up, queued or in progress, after the batch in progress commits; the next
   * catch-up, once following again, resumes from its cursor. One follower per projector at a time.
   */
  follow(intervalMs: number, onError: (error: unknown) => void): FollowHandle {
    if (this.polling !== undefined) throw new EntenteError('conflict', 'The incident index is already followed: stop that follower first');
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
    const stopping = this.stopping;
    const polling = startPolling(() => this.catchUp(), intervalMs, onError);
    this.polling = polling;
    return {
      stop: async () => {
        stopping.abort();
        if (this.polling === polling) this.polling = undefined;
        await polling.stop();
        await this.running.catch(() => undefined);
      },
    };
  }

  /** Stops between batches once `stop` is aborted: each batch commits with its cursor, so nothing is left half-written. */
  private async catchUpAll(stop: StopSignal): Promise<number> {
    if (stopRequested(stop)) return 0;
    const collections = await this.db.selectFrom('collections').select(['id', 'last_added', 'alias']).execute();
    const cursors = new Map(
      (await this.db.selectFrom('intel_cursors').select(['collection_id', 'last_added']).execute()).map((c) => [c.collection_id, Number(c.last_added)]),
    );
    let read = 0;
    // Time-sliced (object-follower.ts): a batch ends when its slice is spent, and the server answers between batches.
    const slice = new TimeSlice(this.sliceMs);
    for (const collection of collections) {
      let after = cursors.get(collection.id) ?? 0;
      while (after < Number(collection.last_added)) {
        if (stopRequested(stop)) return read;
        const batch = await this.projectBatch(collection.id, after, collection.alias === CANONICAL_ALIAS, slice);
        read += batch.read;
        await slice.pause();
        if (batch.last === undefined) break;
        after = batch.last;
      }
    }
    return read;
  }

  private async projectBatch(collectionId: string, after: number, canonical: boolean, slice: TimeSlice): Promise<{ read: number; last: number | undefined }> {
    return this.db.transaction().execute(async (trx) => {
      // One projector per collection at a time (several servers on one PostgreSQL): the cursor row is
      // locked, and read again under the lock, so a batch another projector committed is not counted twice.
      await trx.insertInto('intel_cursors').values({ collection_id: collectionId, last_added: 0 }).onConflict((oc) => oc.column('collection_id').doNothing()).execute();
      const cursor = trx.selectFrom('intel_cursors').select('last_added').where('collection_id', '=', collectionId);
      const locked = await (this.dialect === 'postgres' ? cursor.forUpdate() : cursor).executeTakeFirstOrThrow();
      after = Math.max(after, Number(locked.last_added));
      const rows = (await followerBatch(collectionId, after, this.readLimit, FOLLOWED_TYPES).execute(trx)).rows;
      // Nothing after the cursor: every row read before, of any type, moved it.
      if (rows.length === 0) return { read: 0, last: undefined };
      const dirty = new Set<string>();
      const links: LinkRow[] = [];
      let last = after;
      let read = 0;
      for (const row of rows) {
        // At least one row per batch, so a slow row still moves the cursor.
        if (read > 0 && (slice.expired() || dirty.size >= this.dirtyLimit)) break;
        last = Number(row.date_added);
        read += 1;
        if (row.json === null) continue;
        const object = parse(row.json);
        if (object === undefined) continue;
        await this.projectObject(trx, { collection_id: collectionId, date_added: last }, row.tlp, object, dirty, links);
      }
      // Links are written before the refresh reads them; a place or group read in this batch finds its
      // incidents through the links already written, and those still buffered marked theirs dirty.
      for (let start = 0; start < links.length; start += LINKS_PER_INSERT) {
        await trx.insertInto('intel_links').values(links.slice(start, start + LINKS_PER_INSERT)).onConflict((oc) => oc.columns(['collection_id', 'date_added']).doNothing()).execute();
      }
      const refreshCpu = process.cpuUsage();
      await refreshIncidents(trx, collectionId, [...dirty], canonical);
      const used = process.cpuUsage(refreshCpu);
      this.adaptDirtyLimit(dirty.size, (used.user + used.system) / 1000);
      await saveCursor(trx, collectionId, last);
      // Read about twice what this batch used next time: a batch cut short by its slice (a loaded machine)
      // should not parse 500 rows' JSON to use a few of them.
      this.readLimit = Math.min(BATCH, Math.max(MIN_READ, read * 2));
      return { read, last };
    });
  }

  /**
   * Halves the incidents per batch after a refresh that overran the slice, grows it after a quick full one.
   * Judged by the process's CPU time, not wall time: on a loaded machine the wall clock also counts the
   * time spent waiting for a core, which smaller batches do not shorten; they only add statements.
   */
  private adaptDirtyLimit(refreshed: number, ms: number): void {
    if (ms > this.sliceMs) this.dirtyLimit = Math.max(DIRTY_MIN, Math.floor(this.dirtyLimit / 2));
    else if (ms < this.sliceMs / 2 && refreshed >= this.dirtyLimit) this.dirtyLimit = Math.min(DIRTY_MAX, this.dirtyLimit * 2);
  }

  private async projectObject(
    trx: IndexDb,
    key: { collection_id: string; date_added: number },
    tlp: TlpLevel,
    object: StixObject,
    dirty: Set<string>,
    links: LinkRow[],
  ): Promise<void> {
    switch (object.type) {
      case 'incident':
        dirty.add(object.id);
        return;
      case 'relationship': {
        const link = linkColumns(object);
        if (link === undefined) return;
        links.push({ ...key, ...link });
        dirty.add(link.source_ref);
        return;
      }
      case 'report': {
        const report = reportColumns(object);
        const inserted = await trx
          .insertInto('intel_reports')
          .values({ ...key, id: object.id, latest: 0, title: report.title, outlet: report.outlet, published_day: report.publishedDay, tlp })
          .onConflict((oc) => oc.columns(['collection_id', 'date_added']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) await indexReportText(trx, this.dialect, key.collection_id, key.date_added, report.text);
        await markLatestReport(trx, key.collection_id, object.id);
        return;
      }
      default: {
        const name = actorName(object);
        if (name !== undefined) {
          await trx
            .insertInto('intel_actors')
            .values({ ...key, id: object.id, type: object.type as 'intrusion-set' | 'identity', name, name_key: termValue(name) })
            .onConflict((oc) => oc.columns(['collection_id', 'date_added']).doNothing())
            .execute();
        }
        // A place or group completed later completes the incidents that already point at it.
        const linked = await trx.selectFrom('intel_links').select('source_ref').where('target_ref', '=', object.id).where('collection_id', '=', key.collection_id).execute();
        for (const l of linked) dirty.add(l.source_ref);
      }
    }
  }
}

/** Which engine a Kysely instance talks to, for the few statements that differ. */
export function dialectOf(db: Kysely<DatabaseSchema>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

async function saveCursor(trx: IndexDb, collectionId: string, lastAdded: number): Promise<void> {
  await trx
    .insertInto('intel_cursors')
    .values({ collection_id: collectionId, last_added: lastAdded })
    .onConflict((oc) => oc.column('collection_id').doUpdateSet({ last_added: lastAdded }).where('intel_cursors.last_added', '<', lastAdded))
    .execute();
}

/** Statement size for the batched refresh: ids per IN list, rows per multi-row insert (under SQLite's 32,766 parameters). */
const IDS_PER_STATEMENT = 500;
const ROWS_PER_INSERT = 200;

interface VersionRow {
  date_added: number;
  id: string;
  version: string;
  json: string;
  tlp: TlpLevel;
  author_org: string | null;
  sharing_group: string | null;
  partner: string | null;
}

/**
 * Recomputes every indexed version of the given incidents in one collection
 * from the objects held now, moving their contributions to the day and cell
 * counts, unfiltered and per filter value (the previous row's filter values
 * are read from its own columns). One statement of each kind per chunk of incidents, not per incident:
 * the refresh was most of a catch-up's cost (eight statements per version).
 */
async function refreshIncidents(trx: IndexDb, collectionId: string, incidentIds: readonly string[], canonical: boolean): Promise<void> {
  for (let start = 0; start < incidentIds.length; start += IDS_PER_STATEMENT) {
    await refreshChunk(trx, collectionId, incidentIds.slice(start, start + IDS_PER_STATEMENT), canonical);
  }
}

async function refreshChunk(trx: IndexDb, collectionId: string, ids: readonly string[], canonical: boolean): Promise<void> {
  const rows = await trx
    .selectFrom('objects')
    .select(['date_added', 'id', 'version', 'json', 'tlp', 'author_org', 'sharing_group', 'partner'])
    .where('collection_id', '=', collectionId)
    .where('id', 'in', ids)
    .orderBy('id')
    .orderBy('version', 'desc')
    .orderBy('date_added', 'desc')
    .execute();
  if (rows.length === 0) return;
  const versionsById = new Map<string, VersionRow[]>();
  for (const row of rows) {
    const list = versionsById.get(row.id) ?? [];
    list.push({ ...row, date_added: Number(row.date_added) });
    versionsById.set(row.id, list);
  }
  const contexts = await contextsOf(trx, collectionId, versionsById);
  const keys = rows.map((r) => Number(r.date_added));
  const before = new Map<number, CountedColumns>();
  for (let start = 0; start < keys.length; start += IDS_PER_STATEMENT) {
    const found = await trx
      .selectFrom('intel_incidents')
      .select(['date_added', 'latest', 'event_day', 'killed', 'lat', 'lon', 'country', 'region', 'attack_types', 'target_types', 'perpetrators', 'sources'])
      .where('collection_id', '=', collectionId)
      .where('date_added', 'in', keys.slice(start, start + IDS_PER_STATEMENT))
      .execute();
    for (const r of found) before.set(Number(r.date_added), r);
  }
  const counts = new ContributionSum();
  const upserts: IncidentRow[] = [];
  const terms: IndexTermRow[] = [];
  const refreshed: number[] = [];
  for (const [id, versions] of versionsById) {
    const context = contexts.get(id) ?? { locations: [], attributions: [], outlet: undefined };
    for (const [index, row] of versions.entries()) {
      const incident = parse(row.json);
      if (incident === undefined || incident.type !== 'incident') continue;
      const { columns: own, terms: ownTerms } = incidentColumns(incident, context);
      const key = { collection_id: collectionId, date_added: row.date_added };
      const values: IncidentRow = { ...key, ...own, canonical: canonical ? 1 : 0, version: row.version, latest: index === 0 ? 1 : 0, tlp: row.tlp };
      const visibility = { collectionId, tlp: row.tlp, authorOrg: row.author_org, sharingGroup: row.sharing_group };
      const previous = before.get(row.date_added);
      if (previous !== undefined && Number(previous.latest) === 1) counts.add({ ...visibility, ...countedOf(previous), keys: filterKeysOf(previous, row.partner) }, -1);
      if (values.latest === 1) counts.add({ ...visibility, ...countedOf(values), keys: filterKeysOf(values, row.partner) }, 1);
      upserts.push(values);
      refreshed.push(row.date_added);
      for (const t of ownTerms) terms.push({ ...t, ...key, event_day: own.event_day, id: own.id });
    }
  }
  for (let start = 0; start < upserts.length; start += ROWS_PER_INSERT) {
    await trx
      .insertInto('intel_incidents')
      .values(upserts.slice(start, start + ROWS_PER_INSERT))
      .onConflict((oc) => oc.columns(['collection_id', 'date_added']).doUpdateSet((eb) => Object.fromEntries(REFRESHED_COLUMNS.map((c) => [c, eb.ref(`excluded.${c}`)]))))
      .execute();
  }
  await counts.apply(trx);
  for (let start = 0; start < refreshed.length; start += IDS_PER_STATEMENT) {
    await trx.deleteFrom('intel_incident_terms').where('collection_id', '=', collectionId).where('date_added', 'in', refreshed.slice(start, start + IDS_PER_STATEMENT)).execute();
  }
  for (let start = 0; start < terms.length; start += ROWS_PER_INSERT) await trx.insertInto('intel_incident_terms').values(terms.slice(start, start + ROWS_PER_INSERT)).execute();
}

type IndexTermRow = IncidentIndexTables['intel_incident_terms'];
type CountedColumns = Pick<IncidentRow, 'latest' | 'event_day' | 'killed' | 'lat' | 'lon' | 'country' | 'region' | 'attack_types' | 'target_types' | 'perpetrators' | 'sources'>;

/** What a refresh rewrites of an existing row: everything but its key. */
const REFRESHED_COLUMNS = [
  'id', 'version', 'latest', 'name', 'event_date', 'event_day', 'date_precision', 'date_approximate', 'place_name', 'country', 'region', 'city', 'lat', 'lon',
  'attack_type', 'attack_types', 'target_types', 'killed', 'wounded', 'casualties', 'perpetrators', 'claimed', 'report_id', 'sources', 'canonical', 'tlp',
] as const satisfies readonly Exclude<keyof IncidentRow, 'collection_id' | 'date_added'>[];

// PostgreSQL returns bigint and real columns as strings.
function countedOf(r: CountedColumns): Pick<Contribution, 'day' | 'killed' | 'lat' | 'lon'> {
  return { day: Number(r.event_day), killed: Number(r.killed ?? 0), lat: r.lat === null ? null : Number(r.lat), lon: r.lon === null ? null : Number(r.lon) };
}

/** The context (places, groups, report outlet) of each incident, from its latest version, in a few statements for all. */
async function contextsOf(trx: IndexDb, collectionId: string, versionsById: ReadonlyMap<string, readonly VersionRow[]>): Promise<Map<string, IncidentContext>> {
  const ids = [...versionsById.keys()];
  const links = await trx
    .selectFrom('intel_links')
    .select(['source_ref', 'relationship_type', 'target_ref', 'attribution_type'])
    .where('source_ref', 'in', ids)
    .where('collection_id', '=', collectionId)
    // No ORDER BY: ordered by date_added, SQLite walks the primary key over every link of the collection
    // instead of probing intel_links_source_idx (EXPLAIN QUERY PLAN); the projection sorts what it needs.
    .execute();
  const targets = await latestObjects(trx, collectionId, [...new Set(links.map((l) => l.target_ref))]);
  const reportRefs = new Map<string, string>();
  for (const [id, versions] of versionsById) {
    const latest = versions[0] === undefined ? undefined : parse(versions[0].json);
    const ref = latest === undefined ? undefined : reportRefOf(latest);
    if (ref !== undefined) reportRefs.set(id, ref);
  }
  const outlets = new Map<string, string | null>();
  const refs = [...new Set(reportRefs.values())];
  if (refs.length > 0) {
    const reports = await trx.selectFrom('intel_reports').select(['id', 'outlet']).where('id', 'in', refs).where('collection_id', '=', collectionId).where('latest', '=', 1).execute();
    for (const r of reports) outlets.set(r.id, r.outlet);
  }
  const linksById = new Map<string, typeof links>();
  for (const link of links) linksById.set(link.source_ref, [...(linksById.get(link.source_ref) ?? []), link]);
  const contexts = new Map<string, IncidentContext>();
  for (const id of ids) {
    const own = linksById.get(id) ?? [];
    const ref = reportRefs.get(id);
    contexts.set(id, {
      locations: own.filter((l) => l.relationship_type === 'located-at').flatMap((l) => {
        const target = targets.get(l.target_ref);
        return target?.type === 'location' ? [target] : [];
      }),
      attributions: own.filter((l) => l.relationship_type === 'attributed-to').map((link) => ({ link, group: targets.get(link.target_ref) })),
      outlet: (ref === undefined ? undefined : outlets.get(ref)) ?? undefined,
    });
  }
  return contexts;
}

async function latestObjects(trx: IndexDb, collectionId: string, ids: readonly string[]): Promise<Map<string, StixObject>> {
  const found = new Map<string, StixObject>();
  for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
    const rows = await trx
      .selectFrom('objects')
      .select(['id', 'version', 'json'])
      .where('collection_id', '=', collectionId)
      .where('id', 'in', ids.slice(start, start + IDS_PER_STATEMENT))
      .orderBy('version')
      .execute();
    for (const row of rows) {
      const object = parse(row.json);
      if (object !== undefined) found.set(row.id, object);
    }
  }
  return found;
}

/**
 * Marks the newest stored version of a report as its latest row, and moves
 * the report day counts (migration 1100) for each row whose mark changes.
 */
async function markLatestReport(trx: IndexDb, collectionId: string, id: string): Promise<void> {
  const newest = await trx
    .selectFrom('objects')
    .select('date_added')
    .where('collection_id', '=', collectionId)
    .where('id', '=', id)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (newest === undefined) return;
  const newestAdded = Number(newest.date_added);
  const held = await trx
    .selectFrom('intel_reports as r')
    .innerJoin('objects as o', (join) => join.onRef('o.collection_id', '=', 'r.collection_id').onRef('o.date_added', '=', 'r.date_added'))
    .select(['r.date_added', 'r.latest', 'r.published_day', 'o.tlp', 'o.author_org', 'o.sharing_group'])
    .where('r.collection_id', '=', collectionId)
    .where('r.id', '=', id)
    .execute();
  const changed = held.filter((r) => (Number(r.latest) === 1) !== (Number(r.date_added) === newestAdded));
  if (changed.length === 0) return;
  await trx
    .updateTable('intel_reports')
    .set((eb) => ({ latest: eb.case().when('date_added', '=', newestAdded).then(1).else(0).end() }))
    .where('collection_id', '=', collectionId)
    .where('id', '=', id)
    .execute();
  for (const r of changed) {
    if (r.published_day === null || r.tlp === 'red') continue;
    const sign = Number(r.latest) === 1 ? -1 : 1;
    await trx
      .insertInto('intel_report_day_counts')
      .values({ collection_id: collectionId, published_day: Number(r.published_day), tlp: r.tlp, author_org: r.author_org ?? '', sharing_group: r.sharing_group ?? '', date_added: 0, reports: sign })
      .onConflict((oc) =>
        oc.columns(['collection_id', 'published_day', 'tlp', 'author_org', 'sharing_group']).doUpdateSet({ reports: sql`intel_report_day_counts.reports + ${sign}` }))
      .execute();
  }
}

function reportRefOf(incident: StixObject): string | undefined {
  const ref = extensionOf<ProvenanceExtension>(incident, PROVENANCE_EXTENSION_ID)?.report_ref;
  return typeof ref === 'string' ? ref : undefined;
}

function parse(json: string): StixObject | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && typeof (value as StixObject).id === 'string' ? (value as StixObject) : undefined;
  } catch {
    return undefined;
  }
}

const shared = new WeakMap<Kysely<DatabaseSchema>, IncidentIndex>();

/**
 * The one projector of a database connection in this process, so that the
 * `entente serve` follower and the query paths' `catchUp()` queue behind
 * each other instead of projecting the same objects twice.
 */
export function incidentIndexFor(db: Kysely<DatabaseSchema>): IncidentIndex {
  let index = shared.get(db);
  if (index === undefined) {
    index = new IncidentIndex(db);
    shared.set(db, index);
  }
  return index;
}
