import { sql, type Expression, type Kysely, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { DialectName } from './dialect-sql.js';
import { CELL_DEGREES, CELL_ZOOM, cellOf, firstDayOfMonth, monthOfDay } from './incident-index-aggregates.js';
import { countTextMatches, reportTextMatches, reportTextProbe } from './incident-index-fts.js';
import { termValue } from './incident-index-projection.js';
import { withIncidentIndex, type CellCountRow, type DayCountRow, type FilterKind, type IncidentIndexTables, type IncidentRow, type IndexDb, type TermKind } from './incident-index-schema.js';
import type { ReadScope } from './object-store.js';
import type { DatabaseSchema, TlpLevel } from './schema.js';
import { visibilityCondition } from './visibility-sql.js';

/**
 * Reads of the incident read model for the console. Every query joins the
 * `objects` row each index row was projected from and applies
 * `visibilityCondition` with the viewer's scope, restricted to the
 * collections the viewer may read: what a viewer may not see is not counted,
 * clustered, bucketed or matched either.
 */
export interface Viewer {
  readonly scope: ReadScope;
  /** The collections the viewer's organisation may read; none means nothing is visible. */
  readonly collections: readonly string[];
}

export interface IncidentFilter {
  /** Inclusive day range, days since the Unix epoch, on the incident's first possible day. */
  readonly fromDay?: number;
  readonly toDay?: number;
  /** ISO 3166-1 alpha-2, upper case. */
  readonly countries?: readonly string[];
  readonly regions?: readonly string[];
  /** Group ids or names. */
  readonly groups?: readonly string[];
  readonly attackTypes?: readonly string[];
  readonly targetTypes?: readonly string[];
  readonly minKilled?: number;
  readonly minCasualties?: number;
  readonly markings?: readonly TlpLevel[];
  readonly sources?: readonly string[];
  readonly partners?: readonly string[];
  /** Words that must all appear in the text of the incident's report (full-text). */
  readonly words?: readonly string[];
  /** [minLon, minLat, maxLon, maxLat]; minLon > maxLon crosses the antimeridian. */
  readonly bbox?: readonly [number, number, number, number];
}

/** An index row as the console lists it, with what the viewer's `objects` row says about it. */
export interface FeedRow extends IncidentRow {
  readonly tlp: TlpLevel;
  readonly partner: string | null;
  readonly sharing_group: string | null;
}

/** The feed's keyset: newest first by incident day, then id, then collection. */
export interface FeedPosition {
  readonly day: number;
  readonly id: string;
  readonly collection: string;
}

type Db = Kysely<DatabaseSchema & IncidentIndexTables>;
// The joined query's table map: index rows `i` with their objects rows `o`.
type Joined = SelectQueryBuilder<DatabaseSchema & IncidentIndexTables & { i: IncidentRow; o: DatabaseSchema['objects'] }, 'i' | 'o', object>;
// Count rows `v`, unfiltered (migration 0601) or of one filter's values (migration 1400): the same columns but kind and value.
type DayCounts = SelectQueryBuilder<DatabaseSchema & IncidentIndexTables & { v: DayCountRow }, 'v', object>;
type CellCounts = SelectQueryBuilder<DatabaseSchema & IncidentIndexTables & { v: CellCountRow }, 'v', object>;

export class IncidentQueries {
  private readonly db: IndexDb;

  /**
   * `commonWordReports`: a fixed number of reports holding a search's words beyond which they count as common (`wordsPlan`).
   * `walkFrom`: the test every grouped scan starts from when its filter has it, instead of the rarest (`rarestTest`): tests force each way.
   */
  constructor(db: Kysely<DatabaseSchema>, private readonly dialect: DialectName, private readonly commonWordReports?: number, private readonly walkFrom?: Driver) {
    this.db = withIncidentIndex(db);
  }

  /** One page of the feed, `limit + 1` rows so the caller knows whether there is more. */
  async feed(viewer: Viewer, filter: IncidentFilter, limit: number, after?: FeedPosition): Promise<FeedRow[]> {
    if (viewer.collections.length === 0) return [];
    const driver = termDriver(filter);
    if (driver !== undefined) return this.feedByTerm(viewer, driver, limit, after);
    const words = await this.wordsPlan(filter.words);
    // Common words: walk the feed and probe each row's report; rare ones: start from their reports' incidents.
    let query = this.visible(viewer, filter, words === 'rare' ? 'unindexed' : 'indexed', 'drive', words === 'common' ? 'probe' : 'list')
      .selectAll('i')
      .select(['o.tlp', 'o.partner', 'o.sharing_group']);
    if (after !== undefined) {
      query = query.where(sql<SqlBool>`(i.event_day, i.id, i.collection_id) < (${after.day}, ${after.id}, ${after.collection})`);
    }
    const rows = await query.orderBy('i.event_day', 'desc').orderBy('i.id', 'desc').orderBy('i.collection_id', 'desc').limit(limit + 1).execute();
    return rows.map(normaliseRow);
  }

  /**
   * A feed page filtered by values of one many-valued filter, walked from
   * each value's term rows in feed order (migration 1100) and merged: each
   * walk reads a chunk at a time, and is read further only when the merge has
   * used its chunk up, so a page costs about the page plus a chunk per value,
   * however many incidents share the terms — where starting from the feed
   * index, or from a list of all the matches, grows with the store.
   */
  private async feedByTerm(viewer: Viewer, driver: TermDriver, limit: number, after: FeedPosition | undefined): Promise<FeedRow[]> {
    const want = limit + 1;
    if (driver.values.length === 1) return this.termWalk(viewer, driver, driver.values[0] as string, want, after);
    const chunk = Math.max(MIN_WALK_CHUNK, Math.ceil(want / driver.values.length));
    const walks = driver.values.map((value) => ({ value, rows: [] as FeedRow[], next: 0, after, done: false }));
    const page: FeedRow[] = [];
    // An incident holding two of the values comes from both walks: keep it once.
    const taken = new Set<string>();
    while (page.length < want) {
      for (const walk of walks) {
        if (walk.next < walk.rows.length || walk.done) continue;
        walk.rows = await this.termWalk(viewer, driver, walk.value, chunk, walk.after);
        walk.next = 0;
        walk.done = walk.rows.length < chunk;
        const last = walk.rows[walk.rows.length - 1];
        if (last !== undefined) walk.after = { day: last.event_day, id: last.id, collection: last.collection_id };
      }
      let best: (typeof walks)[number] | undefined;
      for (const walk of walks) {
        const head = walk.rows[walk.next];
        const bestHead = best?.rows[best.next];
        if (head !== undefined && (bestHead === undefined || newestFirst(head, bestHead) < 0)) best = walk;
      }
      const row = best?.rows[best.next];
      if (best === undefined || row === undefined) break;
      best.next += 1;
      const key = `${row.collection_id}\u0000${row.date_added}`;
      if (taken.has(key)) continue;
      taken.add(key);
      page.push(row);
    }
    return page;
  }

  /** Up to `count` rows holding one term value, in feed order after `after`, the rest of the filter probed row by row. */
  private async termWalk(viewer: Viewer, driver: TermDriver, value: string, count: number, after: FeedPosition | undefined): Promise<FeedRow[]> {
    let query = (this.db as Db)
      .selectFrom('intel_incident_terms as t')
      .innerJoin('intel_incidents as i', (join) => join.onRef('i.collection_id', '=', 't.collection_id').onRef('i.date_added', '=', 't.date_added'))
      .innerJoin('objects as o', (join) => join.onRef('o.collection_id', '=', 'i.collection_id').onRef('o.date_added', '=', 'i.date_added'))
      .where('t.kind', '=', driver.kind)
      .where('t.value', '=', value)
      .where('t.collection_id', 'in', viewer.collections)
      .where('i.latest', '=', 1) as unknown as Joined;
    const visibility = visibilityCondition('o', viewer.scope);
    if (visibility !== undefined) query = query.where(visibility);
    let page = this.filtered(query, viewer, driver.rest, 'probe').selectAll('i').select(['o.tlp', 'o.partner', 'o.sharing_group']);
    if (after !== undefined) {
      page = page.where(sql<SqlBool>`(t.event_day, t.id, t.collection_id) < (${after.day}, ${after.id}, ${after.collection})`);
    }
    const rows = await page.orderBy(sql`t.event_day desc, t.id desc, t.collection_id desc`).limit(count).execute();
    return rows.map(normaliseRow);
  }

  /** The visible, newest-added indexed rows of one incident id (one per collection that holds it). */
  async byId(viewer: Viewer, id: string): Promise<FeedRow[]> {
    if (viewer.collections.length === 0) return [];
    const rows = await this.visible(viewer, {})
      .selectAll('i')
      .select(['o.tlp', 'o.partner', 'o.sharing_group'])
      .where('i.id', '=', id)
      .orderBy('i.date_added', 'desc')
      .execute();
    return rows.map(normaliseRow);
  }

  /**
   * The newest version the viewer may see of each of `ids`, from one
   * collection or (without `collectionId`) any readable one: what detail
   * pages read besides the index.
   */
  async objects(viewer: Viewer, ids: readonly string[], collectionId?: string): Promise<Map<string, VisibleObject>> {
    const found = new Map<string, VisibleObject>();
    const collections = collectionId === undefined ? viewer.collections : viewer.collections.filter((c) => c === collectionId);
    const unique = [...new Set(ids)];
    if (collections.length === 0 || unique.length === 0) return found;
    for (let start = 0; start < unique.length; start += IDS_PER_QUERY) {
      let query = this.db
        .selectFrom('objects as o')
        .select(['o.id', 'o.json', 'o.collection_id', 'o.date_added', 'o.version', 'o.tlp', 'o.sharing_group', 'o.partner'])
        .where('o.id', 'in', unique.slice(start, start + IDS_PER_QUERY))
        .where('o.collection_id', 'in', collections);
      const visibility = visibilityCondition('o', viewer.scope);
      if (visibility !== undefined) query = query.where(visibility);
      for (const row of await query.orderBy('o.version').orderBy('o.date_added').execute()) {
        found.set(row.id, { ...row, date_added: Number(row.date_added) });
      }
    }
    return found;
  }

  /** Ids of the relationships indexed from an incident in a collection, and what they point at. */
  async linksOf(collectionId: string, incidentId: string): Promise<{ id: string; target_ref: string }[]> {
    return this.db.selectFrom('intel_links').select(['id', 'target_ref']).where('source_ref', '=', incidentId).where('collection_id', '=', collectionId).execute();
  }

  /** Ids of incidents indexed as attributed to a group (latest versions, any collection), for the actor page. */
  async incidentsOfGroup(viewer: Viewer, groupId: string, limit: number): Promise<FeedRow[]> {
    return this.feed(viewer, { groups: [groupId] }, limit - 1);
  }

  /** Map points with coordinates, most casualties first, at most `limit + 1`. */
  async points(viewer: Viewer, filter: IncidentFilter, limit: number): Promise<MapPointRow[]> {
    if (viewer.collections.length === 0) return [];
    // In a box, start from the place index: with `latest` usable, SQLite walks every incident through the feed index.
    const rare = (await this.wordsPlan(filter.words)) === 'rare';
    const rows = await this.visible(viewer, filter, filter.bbox === undefined && !rare ? 'indexed' : 'unindexed')
      .select(['i.id', 'i.lat', 'i.lon', 'i.killed', 'i.wounded', 'i.attack_type', 'i.name', 'i.event_date'])
      .where('i.lat', 'is not', null)
      .where('i.lon', 'is not', null)
      .orderBy('i.casualties', 'desc')
      .orderBy('i.id')
      .limit(limit + 1)
      .execute();
    return rows.map((r) => ({ ...r, lat: Number(r.lat), lon: Number(r.lon), killed: nullableNumber(r.killed), wounded: nullableNumber(r.wounded) }));
  }

  /**
   * Incidents counted per grid cell of `cellDegrees`, the `limit` fullest cells,
   * each at the mean position of its incidents.
   */
  async clusters(viewer: Viewer, filter: IncidentFilter, cellDegrees: number, limit: number): Promise<ClusterRow[]> {
    if (viewer.collections.length === 0) return [];
    const rows = await (await this.matching(viewer, filter))
      .where(sql<SqlBool>`${this.probed('i.lat')} is not null`)
      .where(sql<SqlBool>`${this.probed('i.lon')} is not null`)
      .select([
        this.cellIndex('i.lat', 90, cellDegrees).as('cy'),
        this.cellIndex('i.lon', 180, cellDegrees).as('cx'),
        sql<number>`count(*)`.as('count'),
        sql<number>`avg(i.lat)`.as('lat'),
        sql<number>`avg(i.lon)`.as('lon'),
        sql<number>`sum(coalesce(i.killed, 0))`.as('killed'),
      ])
      .groupBy(['cy', 'cx'])
      .orderBy('count', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ lat: Number(r.lat), lon: Number(r.lon), count: Number(r.count), killed: Number(r.killed) }));
  }

  /** Incidents and killed per incident day, for the timeline to bucket. */
  async incidentDays(viewer: Viewer, filter: IncidentFilter): Promise<{ day: number; incidents: number; killed: number }[]> {
    if (viewer.collections.length === 0) return [];
    const rows = await (await this.matching(viewer, filter))
      .select(['i.event_day as day', sql<number>`count(*)`.as('incidents'), sql<number>`sum(coalesce(i.killed, 0))`.as('killed')])
      .groupBy('i.event_day')
      .orderBy('i.event_day')
      .execute();
    return rows.map((r) => ({ day: Number(r.day), incidents: Number(r.incidents), killed: Number(r.killed) }));
  }

  /**
   * Incidents and killed per day from the counts — unfiltered (migration
   * 0601) or of one filter's values (migration 1400) — plus the RED incidents
   * sent to the viewer, row by row (`sentRed`): the timeline without scanning every
   * matching incident. A filter not `countable(filter, 'days')` is grouped
   * from the matching incidents (`incidentDays`).
   */
  async countedDays(viewer: Viewer, filter: IncidentFilter): Promise<{ day: number; incidents: number; killed: number }[]> {
    const counted = countedKey(filter, 'days');
    if (counted === undefined) return this.incidentDays(viewer, filter);
    if (viewer.collections.length === 0) return [];
    let query = (counted.key === undefined
      ? this.db.selectFrom('intel_day_counts as v')
      : this.db.selectFrom('intel_filter_day_counts as v').where('v.kind', '=', counted.key.kind).where('v.value', 'in', counted.key.values)) as unknown as DayCounts;
    query = this.visibleCounts(query, viewer, filter);
    if (filter.fromDay !== undefined) query = query.where('v.event_day', '>=', filter.fromDay);
    if (filter.toDay !== undefined) query = query.where('v.event_day', '<=', filter.toDay);
    const rows = await query
      .select(['v.event_day as day', sql<number>`sum(v.incidents)`.as('incidents'), sql<number>`sum(v.killed)`.as('killed')])
      .groupBy('v.event_day')
      .execute();
    const red = wantsRed(filter) ? await this.redDays(viewer, filter) : [];
    const days = new Map<number, { day: number; incidents: number; killed: number }>();
    for (const r of [...rows, ...red]) {
      const day = Number(r.day);
      const entry = days.get(day) ?? { day, incidents: 0, killed: 0 };
      entry.incidents += Number(r.incidents);
      entry.killed += Number(r.killed);
      days.set(day, entry);
    }
    return [...days.values()].filter((d) => d.incidents > 0).sort((a, b) => a.day - b.day);
  }

  /**
   * Clusters from the map cell counts (zoom <= CELL_ZOOM) — unfiltered or of
   * one filter's values — plus the RED incidents sent to the viewer; `bbox` selects
   * whole cells, so edges are as coarse as a cell. Narrowed to a day range
   * (without a value filter), the range's whole months come from the month
   * counts (migration 1500) and the days of its partial months are scanned,
   * so the cost is the months' cells plus at most two months' incidents. A
   * filter not `countable(filter, 'cells')` is clustered from the matching incidents.
   */
  async countedClusters(viewer: Viewer, zoom: number, filter: IncidentFilter, limit: number): Promise<ClusterRow[]> {
    const counted = countedKey(filter, 'cells');
    if (counted === undefined) return this.clusters(viewer, filter, 360 / 2 ** (Math.min(zoom, CELL_ZOOM) + 3), limit);
    if (viewer.collections.length === 0) return [];
    const shift = 2 ** (CELL_ZOOM - Math.min(zoom, CELL_ZOOM));
    // The divisor as a literal: better-sqlite3 binds a JS number as REAL, and cy / 8.0 would not merge cells.
    const coarse = (column: 'v.cy' | 'v.cx') => (this.dialect === 'sqlite' ? sql<number>`(${sql.ref(column)} / ${sql.lit(shift)})` : sql<number>`div(${sql.ref(column)}, ${sql.lit(shift)})`);
    // A day range (the timeline's brush): its whole months from the month counts (migration 1500), its partial months scanned.
    const ranged = filter.fromDay !== undefined || filter.toDay !== undefined;
    const months = ranged ? monthsOf(filter.fromDay, filter.toDay) : { whole: {}, partial: [] };
    const { bbox } = filter;
    const box = bbox === undefined ? undefined : cellBox(bbox);
    const cells = new Map<string, { count: number; killed: number; latSum: number; lonSum: number }>();
    const add = (key: string, count: number, killed: number, latSum: number, lonSum: number) => {
      const entry = cells.get(key) ?? { count: 0, killed: 0, latSum: 0, lonSum: 0 };
      entry.count += count;
      entry.killed += killed;
      entry.latSum += latSum;
      entry.lonSum += lonSum;
      cells.set(key, entry);
    };
    const { whole } = months;
    if (whole !== undefined) {
      let query = (ranged
        ? this.db.selectFrom('intel_cell_month_counts as v')
        : counted.key === undefined
          ? this.db.selectFrom('intel_cell_counts as v')
          : this.db.selectFrom('intel_filter_cell_counts as v').where('v.kind', '=', counted.key.kind).where('v.value', 'in', counted.key.values)) as unknown as CellCounts;
      query = this.visibleCounts(query, viewer, filter);
      if (ranged) {
        // Typed loosely: `month` is a column of the month counts only.
        if (whole.from !== undefined) query = query.where(sql<SqlBool>`v.month >= ${whole.from}`);
        if (whole.to !== undefined) query = query.where(sql<SqlBool>`v.month <= ${whole.to}`);
      }
      if (box !== undefined) {
        query = query.where('v.cy', '>=', box.low.cy).where('v.cy', '<=', box.high.cy);
        query = box.crosses
          ? query.where((eb) => eb.or([eb('v.cx', '>=', box.low.cx), eb('v.cx', '<=', box.high.cx)]))
          : query.where('v.cx', '>=', box.low.cx).where('v.cx', '<=', box.high.cx);
      }
      const rows = await query
        .select([
          coarse('v.cy').as('gy'),
          coarse('v.cx').as('gx'),
          sql<number>`sum(v.incidents)`.as('count'),
          sql<number>`sum(v.killed)`.as('killed'),
          sql<number>`sum(v.lat_sum)`.as('lat_sum'),
          sql<number>`sum(v.lon_sum)`.as('lon_sum'),
        ])
        .groupBy(['gy', 'gx'])
        .execute();
      for (const r of rows) add(`${r.gy}:${r.gx}`, Number(r.count), Number(r.killed), Number(r.lat_sum), Number(r.lon_sum));
      // The RED incidents sent to the viewer, of the whole months only: the partial months' scan sees them itself.
      const redFilter: IncidentFilter = ranged
        ? { ...filter, fromDay: whole.from === undefined ? undefined : firstDayOfMonth(whole.from), toDay: whole.to === undefined ? undefined : firstDayOfMonth(whole.to + 1) - 1 }
        : filter;
      for (const r of wantsRed(filter) ? await this.redPoints(viewer, redFilter) : []) {
        const { cy, cx } = cellOf(r.lat, r.lon);
        add(`${Math.floor(cy / shift)}:${Math.floor(cx / shift)}`, 1, r.killed, r.lat, r.lon);
      }
    }
    // Both partial months in one scan, so its plan is chosen once. Whole cells, as the counts take the box: the box tests the cell, not the incident's own position.
    if (months.partial.length > 0) {
      for (const r of await this.scannedCells(viewer, { ...filter, bbox: undefined, fromDay: undefined, toDay: undefined, days: months.partial })) {
        if (box !== undefined && !(r.cy >= box.low.cy && r.cy <= box.high.cy && (box.crosses ? r.cx >= box.low.cx || r.cx <= box.high.cx : r.cx >= box.low.cx && r.cx <= box.high.cx))) continue;
        add(`${Math.floor(r.cy / shift)}:${Math.floor(r.cx / shift)}`, r.count, r.killed, r.latSum, r.lonSum);
      }
    }
    return [...cells.values()]
      .filter((c) => c.count > 0)
      .sort((a, b) => b.count - a.count)
      .slice(0, limit)
      .map((c) => ({ lat: c.latSum / c.count, lon: c.lonSum / c.count, count: c.count, killed: c.killed }));
  }

  /** The visible incidents of `filter` per finest map cell (CELL_ZOOM), with the sums the counts hold. */
  private async scannedCells(viewer: Viewer, filter: ScanFilter): Promise<{ cy: number; cx: number; count: number; killed: number; latSum: number; lonSum: number }[]> {
    const rows = await (await this.matching(viewer, filter))
      .where(sql<SqlBool>`${this.probed('i.lat')} is not null`)
      .where(sql<SqlBool>`${this.probed('i.lon')} is not null`)
      .select([
        this.cellIndex('i.lat', 90, CELL_DEGREES).as('cy'),
        this.cellIndex('i.lon', 180, CELL_DEGREES).as('cx'),
        sql<number>`count(*)`.as('count'),
        sql<number>`sum(coalesce(i.killed, 0))`.as('killed'),
        sql<number>`sum(cast(i.lat as double precision))`.as('lat_sum'),
        sql<number>`sum(cast(i.lon as double precision))`.as('lon_sum'),
      ])
      .groupBy(['cy', 'cx'])
      .execute();
    return rows.map((r) => ({ cy: Number(r.cy), cx: Number(r.cx), count: Number(r.count), killed: Number(r.killed), latSum: Number(r.lat_sum), lonSum: Number(r.lon_sum) }));
  }

  /** The grid cell index of an incident's `column` shifted by `offset`, in cells of `degrees`. */
  private cellIndex(column: 'i.lat' | 'i.lon', offset: number, degrees: number): RawBuilder<number> {
    return this.dialect === 'sqlite'
      ? sql<number>`cast((${sql.ref(column)} + ${offset}) / ${degrees} as integer)`
      : sql<number>`floor((${sql.ref(column)} + ${offset}) / ${degrees})`;
  }

  /** Count rows of the viewer's collections it may see, of the levels the filter asks for. */
  private visibleCounts<Q extends DayCounts | CellCounts>(query: Q, viewer: Viewer, filter: IncidentFilter): Q {
    // Both count shapes share these columns; the union would not let TypeScript pick one `where` overload.
    let q = (query as DayCounts).where('v.collection_id', 'in', viewer.collections);
    const visibility = visibilityCondition('v', viewer.scope);
    if (visibility !== undefined) q = q.where(visibility);
    if (nonEmpty(filter.markings)) q = q.where('v.tlp', 'in', filter.markings);
    return q as Q;
  }

  /**
   * The RED incidents matching the filter that the counts leave to be read
   * row by row: those sent to the viewer (its user or organisation a
   * recipient) that its organisation did not write — the counts hold the
   * rest (migration 1401). Started from the viewer's recipient rows, every
   * other test probed per row; the visibility condition applies as everywhere.
   * None for a scope that sees every level (all of them are counted) or no RED
   * at all (a partner).
   */
  private sentRed(viewer: Viewer, filter: IncidentFilter): Joined | undefined {
    const { scope } = viewer;
    if (scope.kind !== 'viewer') return undefined;
    const red = this.dialect === 'sqlite' ? sql<SqlBool>`+i.tlp = 'red'` : sql<SqlBool>`i.tlp = 'red'`;
    return this.visible(viewer, filter, 'unindexed', 'probe')
      .where(sql<SqlBool>`(i.collection_id, i.date_added) in (select r.collection_id, r.date_added from object_recipients r
        where (r.recipient_kind = 'user' and r.recipient_id = ${scope.userId}) or (r.recipient_kind = 'org' and r.recipient_id = ${scope.orgId}))`)
      .where(red)
      .where(sql<SqlBool>`(o.author_org is null or o.author_org <> ${scope.orgId})`);
  }

  private async redDays(viewer: Viewer, filter: IncidentFilter) {
    const sent = this.sentRed(viewer, filter);
    if (sent === undefined) return [];
    return sent
      .select(['i.event_day as day', sql<number>`count(*)`.as('incidents'), sql<number>`sum(coalesce(i.killed, 0))`.as('killed')])
      .groupBy('i.event_day')
      .execute();
  }

  private async redPoints(viewer: Viewer, filter: IncidentFilter): Promise<{ lat: number; lon: number; killed: number }[]> {
    const sent = this.sentRed(viewer, filter);
    if (sent === undefined) return [];
    const rows = await sent
      .where(sql<SqlBool>`${this.probed('i.lat')} is not null`)
      .where(sql<SqlBool>`${this.probed('i.lon')} is not null`)
      .select(['i.lat', 'i.lon', 'i.killed'])
      .execute();
    return rows.map((r) => ({ lat: Number(r.lat), lon: Number(r.lon), killed: Number(r.killed ?? 0) }));
  }

  /**
   * Visible reports per publication day within the filter's day range (and
   * words, when given). Without words, from the report day counts (migration
   * 1100) plus the visible RED reports row by row, as `countedDays`.
   */
  async reportDays(viewer: Viewer, filter: Pick<IncidentFilter, 'fromDay' | 'toDay' | 'words'>): Promise<{ day: number; reports: number }[]> {
    if (viewer.collections.length === 0) return [];
    if (filter.words === undefined || filter.words.length === 0) return this.countedReportDays(viewer, filter);
    return this.scannedReportDays(viewer, filter, false);
  }

  private async scannedReportDays(viewer: Viewer, filter: Pick<IncidentFilter, 'fromDay' | 'toDay' | 'words'>, redOnly: boolean): Promise<{ day: number; reports: number }[]> {
    // RED only: from the level index; rare words: from their reports; with `latest` usable SQLite walks every report through the day index.
    const rare = (await this.wordsPlan(filter.words)) === 'rare';
    let query = this.visibleReports(viewer, filter.words, redOnly || rare ? 'unindexed' : 'indexed')
      .select(['r.published_day as day', sql<number>`count(*)`.as('reports')])
      .where('r.published_day', 'is not', null);
    if (redOnly) query = query.where('r.tlp', '=', 'red');
    if (filter.fromDay !== undefined) query = query.where('r.published_day', '>=', filter.fromDay);
    if (filter.toDay !== undefined) query = query.where('r.published_day', '<=', filter.toDay);
    const rows = await query.groupBy('r.published_day').orderBy('r.published_day').execute();
    return rows.map((r) => ({ day: Number(r.day), reports: Number(r.reports) }));
  }

  private async countedReportDays(viewer: Viewer, filter: Pick<IncidentFilter, 'fromDay' | 'toDay'>): Promise<{ day: number; reports: number }[]> {
    let counted = this.db
      .selectFrom('intel_report_day_counts as v')
      .select(['v.published_day as day', sql<number>`sum(v.reports)`.as('reports')])
      .where('v.collection_id', 'in', viewer.collections);
    const visibility = visibilityCondition('v', viewer.scope);
    if (visibility !== undefined) counted = counted.where(visibility);
    if (filter.fromDay !== undefined) counted = counted.where('v.published_day', '>=', filter.fromDay);
    if (filter.toDay !== undefined) counted = counted.where('v.published_day', '<=', filter.toDay);
    const days = new Map<number, number>();
    for (const r of [...(await counted.groupBy('v.published_day').execute()), ...(await this.scannedReportDays(viewer, filter, true))]) {
      days.set(Number(r.day), (days.get(Number(r.day)) ?? 0) + Number(r.reports));
    }
    return [...days.entries()].filter(([, reports]) => reports > 0).sort(([a], [b]) => a - b).map(([day, reports]) => ({ day, reports }));
  }

  /** Visible reports whose text holds every word, newest publication first. */
  async searchReports(viewer: Viewer, words: readonly string[], limit: number): Promise<{ id: string; title: string | null; collection_id: string; date_added: number }[]> {
    if (viewer.collections.length === 0) return [];
    // Common words: walk the reports newest first and probe each; rare ones: start from the full-text matches and sort them.
    const plan = await this.wordsPlan(words);
    const rows = await this.visibleReports(viewer, words, plan === 'rare' ? 'unindexed' : 'indexed', plan === 'common' ? 'probe' : 'list')
      .select(['r.id', 'r.title', 'r.collection_id', 'r.date_added'])
      .orderBy('r.published_day', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...r, date_added: Number(r.date_added) }));
  }

  /** Visible groups, people and organisations whose name contains `text`, case-insensitively. */
  async searchActors(viewer: Viewer, text: string, limit: number): Promise<{ id: string; type: string; name: string }[]> {
    if (viewer.collections.length === 0) return [];
    const pattern = `%${termValue(text).replace(/[\\%_]/gu, (c) => `\\${c}`)}%`;
    let query = this.db
      .selectFrom('intel_actors as a')
      .innerJoin('objects as o', (join) => join.onRef('o.collection_id', '=', 'a.collection_id').onRef('o.date_added', '=', 'a.date_added'))
      .select(['a.id', 'a.type', 'a.name'])
      .distinct()
      .where('a.collection_id', 'in', viewer.collections)
      .where(sql<SqlBool>`a.name_key like ${pattern} escape '\\'`);
    const visibility = visibilityCondition('o', viewer.scope);
    if (visibility !== undefined) query = query.where(visibility);
    return query.orderBy('a.name').limit(limit).execute();
  }

  /**
   * How a query meets full-text words on SQLite: 'rare' (start from the M
   * reports holding them, and sort what they lead to: about M × the incidents
   * of a report) or 'common' (walk in the query's own order and probe each
   * row's report: about a page × R / M rows for R reports held). The two cost
   * the same where M² ≈ page × R / incidents per report, taken as 8 R; M is
   * counted only up to there, so deciding, and either way, costs about √(8 R),
   * not R. PostgreSQL plans from statistics: the listed form, as 'rare'.
   */
  private async wordsPlan(words: readonly string[] | undefined): Promise<'none' | 'rare' | 'common'> {
    if (!nonEmpty(words)) return 'none';
    if (this.dialect !== 'sqlite') return 'rare';
    let threshold = this.commonWordReports;
    if (threshold === undefined) {
      // The highest rowid: report rows held, versions included, read from the end of the table.
      const held = await sql<{ n: number | null }>`select max(rowid) as n from intel_reports`.execute(this.db);
      threshold = Math.ceil(Math.sqrt(WORD_COST_RATIO * Number(held.rows[0]?.n ?? 0)));
    }
    return (await countTextMatches(this.db, this.dialect, words, threshold + 1)) > threshold ? 'common' : 'rare';
  }

  private visibleReports(viewer: Viewer, words: readonly string[] | undefined, test: LatestTest = 'indexed', by: 'list' | 'probe' = 'list') {
    const latest = this.dialect === 'sqlite' ? test : 'indexed';
    let query = this.db
      .selectFrom('intel_reports as r')
      .innerJoin('objects as v', (join) => join.onRef('v.collection_id', '=', 'r.collection_id').onRef('v.date_added', '=', 'r.date_added'))
      .where(latest === 'indexed' ? sql<SqlBool>`r.latest = 1` : sql<SqlBool>`+r.latest = 1`)
      .where(latest === 'indexed' ? sql<SqlBool>`r.collection_id in (${sql.join(viewer.collections)})` : sql<SqlBool>`+r.collection_id in (${sql.join(viewer.collections)})`);
    const visibility = visibilityCondition('v', viewer.scope);
    if (visibility !== undefined) query = query.where(visibility);
    if (words !== undefined && words.length > 0) query = query.where(by === 'list' ? reportTextMatches(this.dialect, 'r', words) : reportTextProbe(this.dialect, 'r', words));
    return query;
  }

  /** Latest indexed incident versions the viewer may see in its readable collections, filtered. */
  private visible(viewer: Viewer, filter: ScanFilter, test: LatestTest = 'indexed', mode: FilterMode = 'drive', words: 'list' | 'probe' = 'list', driver?: Driver): Joined {
    const latest = this.dialect === 'sqlite' ? test : 'indexed';
    // 'days': `latest` indexed, so the feed index (latest, event_day, ...) walks the day range; the collections probed.
    const latestTest = latest === 'unindexed' ? sql<SqlBool>`+i.latest = 1` : sql<SqlBool>`i.latest = 1`;
    const collectionTest = latest === 'indexed' ? sql<SqlBool>`i.collection_id in (${sql.join(viewer.collections)})` : sql<SqlBool>`+i.collection_id in (${sql.join(viewer.collections)})`;
    let query = (this.db as Db)
      .selectFrom('intel_incidents as i')
      .innerJoin('objects as o', (join) => join.onRef('o.collection_id', '=', 'i.collection_id').onRef('o.date_added', '=', 'i.date_added'))
      .where(latestTest)
      .where(collectionTest) as unknown as Joined;
    const visibility = visibilityCondition('o', viewer.scope);
    if (visibility !== undefined) query = query.where(visibility);
    return this.filtered(query, viewer, filter, mode, words, driver);
  }

  /**
   * The latest visible incidents matching `filter`, for the map and timeline
   * to group. On SQLite, without rare words to start from, the walk starts
   * from the filter's test that the counts say matches fewest incidents (a
   * day range, a country, one kind of term, a threshold) and probes every
   * other test per row: the cost is that test's matches, where SQLite's own
   * choice (no statistics) could list every incident of a common term first.
   * PostgreSQL plans from its statistics.
   */
  private async matching(viewer: Viewer, filter: ScanFilter): Promise<Joined> {
    const words = await this.wordsPlan(filter.words);
    if (words === 'rare') return this.visible(viewer, filter, 'unindexed');
    const driver = this.dialect !== 'sqlite' ? undefined : this.walkFrom !== undefined && holdsTest(filter, this.walkFrom) ? this.walkFrom : await this.rarestTest(viewer, filter);
    if (driver === undefined) return this.visible(viewer, filter, 'indexed');
    // Common words listed once (every match read a single time), not probed in the full-text index per walked row.
    return this.visible(viewer, filter, driver.test === 'days' ? 'days' : 'unindexed', 'probe', 'list', driver);
  }

  /**
   * The test of `filter` with the fewest matching incidents: a day range, a
   * country, one kind of term, a threshold, each counted in its own index
   * (versions and every collection included: an estimate of the walk, not
   * of the answer) and only as far as the fewest so far, so choosing costs at
   * most about the walk it saves. Counted from the indexes, not the count
   * tables: a value's count rows lie all over their table, and summing them
   * read as many pages as the walk. Undefined when the filter has no such
   * test, or none matches fewer than half the incidents held, and on
   * PostgreSQL, which plans from its statistics.
   */
  async rarestTest(viewer: Viewer, filter: ScanFilter): Promise<Driver | undefined> {
    if (this.dialect !== 'sqlite' || viewer.collections.length === 0) return undefined;
    // Index rows held, versions included, read from the end of the table.
    const held = await sql<{ n: number | null }>`select max(rowid) as n from intel_incidents`.execute(this.db);
    let bound = Math.ceil(Number(held.rows[0]?.n ?? 0) / 2);
    let best: Driver | undefined;
    const from = (column: string) => (filter.fromDay === undefined ? sql`` : sql` and ${sql.ref(column)} >= ${filter.fromDay}`);
    const to = (column: string) => (filter.toDay === undefined ? sql`` : sql` and ${sql.ref(column)} <= ${filter.toDay}`);
    // Each of `days` counted by a walk of its own, one after the other: over an OR of the ranges SQLite (no statistics) counted every `latest` row.
    const within = (rows: (days: RawBuilder<unknown>) => RawBuilder<unknown>) =>
      filter.days === undefined ? rows(sql``) : sql.join(filter.days.map(([first, last]) => rows(sql` and event_day between ${first} and ${last}`)), sql` union all `);
    const candidates: [Driver, RawBuilder<unknown>][] = [];
    if (holdsTest(filter, { test: 'days' })) {
      candidates.push([{ test: 'days' }, within((days) => sql`select 1 from intel_incidents where latest = 1${from('event_day')}${to('event_day')}${days}`)]);
    }
    if (nonEmpty(filter.countries)) {
      const countries = [...new Set(filter.countries)];
      candidates.push([{ test: 'country' }, within((days) => sql`select 1 from intel_incidents where country in (${sql.join(countries)})${from('event_day')}${to('event_day')}${days}`)]);
    }
    for (const [kind, field] of TERM_FILTERS) {
      const values = filter[field];
      if (!nonEmpty(values)) continue;
      const terms = [...new Set(values.map(termValue))];
      candidates.push([{ test: 'term', kind }, within((days) => sql`select 1 from intel_incident_terms where kind = ${kind} and value in (${sql.join(terms)})${from('event_day')}${to('event_day')}${days}`)]);
    }
    if (filter.minKilled !== undefined) candidates.push([{ test: 'killed' }, sql`select 1 from intel_incidents where killed >= ${filter.minKilled}`]);
    if (filter.minCasualties !== undefined) candidates.push([{ test: 'casualties' }, sql`select 1 from intel_incidents where casualties >= ${filter.minCasualties}`]);
    for (const [driver, rows] of candidates) {
      const counted = await sql<{ n: number }>`select count(*) as n from (${rows} limit ${bound}) as matches`.execute(this.db);
      const matches = Number(counted.rows[0]?.n ?? bound);
      if (matches < bound) {
        best = driver;
        bound = matches;
      }
    }
    return best;
  }

  /** A column as a test the planner may start from (`drive`), or, in `probe` mode on SQLite, one it may not. */
  private probed(column: 'i.country' | 'i.lat' | 'i.lon' | 'i.killed' | 'i.casualties', mode: FilterMode = 'probe') {
    return mode === 'probe' && this.dialect === 'sqlite' ? sql`+${sql.ref(column)}` : sql.ref(column);
  }

  private filtered(query: Joined, viewer: Viewer, filter: ScanFilter, mode: FilterMode = 'drive', words: 'list' | 'probe' = mode === 'probe' ? 'probe' : 'list', driver?: Driver): Joined {
    let q = query;
    if (filter.fromDay !== undefined) q = q.where('i.event_day', '>=', filter.fromDay);
    if (filter.toDay !== undefined) q = q.where('i.event_day', '<=', filter.toDay);
    if (filter.days !== undefined) q = q.where(inDays(sql.ref('i.event_day'), filter.days));
    if (nonEmpty(filter.countries)) q = q.where(sql<SqlBool>`${this.probed('i.country', driver?.test === 'country' ? 'drive' : mode)} in (${sql.join(filter.countries)})`);
    if (nonEmpty(filter.regions)) q = q.where(sql<SqlBool>`lower(i.region) in (${sql.join(filter.regions.map(termValue))})`);
    // Thresholds are walked from their index only when they drive: the feed walks its own order and tests them per row.
    if (filter.minKilled !== undefined) q = q.where(sql<SqlBool>`${this.probed('i.killed', driver?.test === 'killed' ? 'drive' : 'probe')} >= ${filter.minKilled}`);
    if (filter.minCasualties !== undefined) q = q.where(sql<SqlBool>`${this.probed('i.casualties', driver?.test === 'casualties' ? 'drive' : 'probe')} >= ${filter.minCasualties}`);
    if (nonEmpty(filter.markings)) q = q.where('o.tlp', 'in', filter.markings);
    if (nonEmpty(filter.partners)) q = q.where('o.partner', 'in', filter.partners);
    for (const [kind, values] of [['group', filter.groups], ['attack', filter.attackTypes], ['target', filter.targetTypes], ['source', filter.sources]] as const) {
      if (!nonEmpty(values)) continue;
      const drives = driver === undefined ? mode === 'drive' : driver.test === 'term' && driver.kind === kind;
      q = q.where(drives ? hasTerm(kind, values, driver === undefined ? undefined : filter) : holdsTerm(kind, values));
    }
    if (filter.bbox !== undefined) q = q.where(inBox(filter.bbox, this.probed('i.lat', mode), this.probed('i.lon', mode)));
    // Listed (rare words on SQLite, see wordsPlan): from the full-text matches. Probed: the report found by id.
    if (nonEmpty(filter.words) && words === 'list') {
      // In a walk from another test the list is probed per row, not walked through the report index.
      const reportId = driver !== undefined && this.dialect === 'sqlite' ? sql<string>`+i.report_id` : sql<string>`i.report_id`;
      q = q.where(reportId, 'in', this.visibleReports(viewer, filter.words, 'unindexed').select('r.id'));
    }
    if (nonEmpty(filter.words) && words === 'probe') {
      const report = this.visibleReports(viewer, filter.words, 'unindexed', 'probe').select(sql`1`.as('one')).where(sql<SqlBool>`r.id = i.report_id`);
      q = q.where((eb) => eb.exists(report));
    }
    return q;
  }
}

export interface VisibleObject {
  readonly id: string;
  readonly json: string;
  readonly collection_id: string;
  readonly date_added: number;
  readonly version: string;
  readonly tlp: TlpLevel;
  readonly sharing_group: string | null;
  readonly partner: string | null;
}

const IDS_PER_QUERY = 500;
/** A page (≈ 80 rows) over the incidents of a report (≈ 10): see `wordsPlan`. */
const WORD_COST_RATIO = 8;

export interface MapPointRow {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
  readonly killed: number | null;
  readonly wounded: number | null;
  readonly attack_type: string;
  readonly name: string;
  readonly event_date: string;
}

export interface ClusterRow {
  readonly lat: number;
  readonly lon: number;
  readonly count: number;
  readonly killed: number;
}

/**
 * How a query tests `latest` and the collections on SQLite: 'unindexed'
 * writes `+latest = 1` and `+collection_id in (...)`, the same tests, which
 * SQLite cannot answer from an index, so its planner (without statistics)
 * starts from the selective one the query means (place, level). PostgreSQL
 * plans from statistics and has no unary plus on text: it gets the plain form.
 */
type LatestTest = 'indexed' | 'unindexed' | 'days';

/**
 * The one test a walk of the matching incidents starts from (`rarestTest`):
 * the day range (feed index), the country (country index), one kind of term
 * (its term rows in the range), a threshold (its index).
 */
export type Driver = { readonly test: 'days' | 'country' | 'killed' | 'casualties' } | { readonly test: 'term'; readonly kind: TermKind };

/**
 * A filter as the grouped scans apply it: `days`, when given, inclusive day
 * ranges an incident's day lies in one of, besides `fromDay` and `toDay` (the
 * map's two partial months, scanned together: `countedClusters`).
 */
interface ScanFilter extends IncidentFilter {
  readonly days?: readonly (readonly [number, number])[];
}

/**
 * How `filtered` writes the filter: 'drive' lets the planner start from any
 * test (a term's IN list, the country or place index); 'probe' tests each row
 * reached some other way (a term walk, the viewer's recipient rows), so a
 * common value is not listed or walked in full first.
 */
type FilterMode = 'drive' | 'probe';

interface TermDriver {
  readonly kind: TermKind;
  readonly values: readonly string[];
  /** The filter without the driving term. */
  readonly rest: IncidentFilter;
}

/**
 * Most values of one filter the feed walks term by term (the REST API takes
 * at most 50, intel-filters.ts MAX_VALUES); more are matched through one IN list.
 */
const MAX_TERM_WALKS = 64;
/** Fewest rows a walk of several reads at a time. */
const MIN_WALK_CHUNK = 8;

/** The filter field of each kind of term: a record, so the compiler holds every `TermKind` to one. */
const TERM_FIELDS = { group: 'groups', attack: 'attackTypes', target: 'targetTypes', source: 'sources' } as const satisfies Record<TermKind, keyof IncidentFilter>;
// In the record's order; Object.entries types the keys as any string.
const TERM_FILTERS = Object.entries(TERM_FIELDS) as [TermKind, (typeof TERM_FIELDS)[TermKind]][];

/**
 * The many-valued filter with the fewest values (1..MAX_TERM_WALKS): the feed
 * walks its term rows, one walk per value, and probes the rest per row.
 */
function termDriver(filter: IncidentFilter): TermDriver | undefined {
  let driver: TermDriver | undefined;
  for (const [kind, key] of TERM_FILTERS) {
    const values = [...new Set((filter[key] ?? []).map(termValue))];
    if (values.length >= 1 && values.length <= MAX_TERM_WALKS && (driver === undefined || values.length < driver.values.length)) {
      const rest: IncidentFilter = { ...filter };
      delete (rest as Record<string, unknown>)[key];
      driver = { kind, values, rest };
    }
  }
  return driver;
}

/**
 * Whether the counts (migrations 0601, 1400 and 1500) answer a map (`cells`) or
 * timeline (`days`) over `filter`: at most one of the value filters, with any
 * number of values for one an incident has one of (country, region, partner)
 * and exactly one for a term (an incident may hold two attack types: the
 * counts of two values would count it twice); levels; a box for cells; a day
 * range for days, and for cells without a value filter (month counts).
 * Anything else (thresholds, words, two value filters, a box on the
 * timeline, a value and a range on the map) is grouped from the matching
 * incidents, walked from the rarest of its tests (`rarestTest`).
 */
export function countable(filter: IncidentFilter, shape: 'days' | 'cells'): boolean {
  return countedKey(filter, shape) !== undefined;
}

interface CountedKey {
  /** Undefined: the unfiltered counts. */
  readonly key: { readonly kind: FilterKind; readonly values: readonly string[] } | undefined;
}

const ONE_VALUED_FILTERS = [['country', 'countries', (v: string) => v], ['region', 'regions', termValue], ['partner', 'partners', (v: string) => v]] as const;

function countedKey(filter: IncidentFilter, shape: 'days' | 'cells'): CountedKey | undefined {
  const allowed: readonly (keyof IncidentFilter)[] = shape === 'days' ? ['fromDay', 'toDay', 'markings'] : ['bbox', 'markings', 'fromDay', 'toDay'];
  const keys: { kind: FilterKind; values: string[] }[] = [];
  for (const [kind, field, normal] of ONE_VALUED_FILTERS) {
    const values = filter[field];
    if (nonEmpty(values)) keys.push({ kind, values: [...new Set(values.map(normal))] });
  }
  for (const [kind, field] of TERM_FILTERS) {
    const values = filter[field];
    if (nonEmpty(values)) keys.push({ kind, values: [...new Set(values.map(termValue))] });
  }
  const valueFields: readonly (keyof IncidentFilter)[] = [...ONE_VALUED_FILTERS, ...TERM_FILTERS].map(([, field]) => field);
  for (const [field, value] of Object.entries(filter) as [keyof IncidentFilter, unknown][]) {
    if (value === undefined || allowed.includes(field) || valueFields.includes(field)) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    return undefined;
  }
  const [only, ...more] = keys;
  if (more.length > 0) return undefined;
  // A day range on the map: the month counts (migration 1500) hold no filter value.
  const ranged = filter.fromDay !== undefined || filter.toDay !== undefined;
  if (only === undefined) return { key: undefined };
  if (shape === 'cells' && ranged) return undefined;
  const manyValued = TERM_FILTERS.some(([kind]) => kind === only.kind);
  return manyValued && only.values.length > 1 ? undefined : { key: only };
}

/**
 * The whole months of a day range (`monthOfDay` numbers, either end open when
 * the range is), and the days of its partial first and last months: all of
 * it partial when it holds no whole month.
 */
export function monthsOf(fromDay: number | undefined, toDay: number | undefined): { whole: { from?: number; to?: number } | undefined; partial: [number, number][] } {
  let from: number | undefined;
  let to: number | undefined;
  if (fromDay !== undefined) from = firstDayOfMonth(monthOfDay(fromDay)) === fromDay ? monthOfDay(fromDay) : monthOfDay(fromDay) + 1;
  if (toDay !== undefined) to = firstDayOfMonth(monthOfDay(toDay) + 1) - 1 === toDay ? monthOfDay(toDay) : monthOfDay(toDay) - 1;
  if (fromDay !== undefined && toDay !== undefined && (from === undefined || to === undefined || from > to)) {
    return { whole: undefined, partial: fromDay <= toDay ? [[fromDay, toDay]] : [] };
  }
  const partial: [number, number][] = [];
  if (fromDay !== undefined && from !== undefined && fromDay < firstDayOfMonth(from)) partial.push([fromDay, firstDayOfMonth(from) - 1]);
  if (toDay !== undefined && to !== undefined && toDay > firstDayOfMonth(to + 1) - 1) partial.push([firstDayOfMonth(to + 1), toDay]);
  return { whole: { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) }, partial };
}

/** Whether `filter` has the test `driver` walks from. */
function holdsTest(filter: ScanFilter, driver: Driver): boolean {
  switch (driver.test) {
    case 'days': return filter.fromDay !== undefined || filter.toDay !== undefined || filter.days !== undefined;
    case 'country': return nonEmpty(filter.countries);
    case 'killed': return filter.minKilled !== undefined;
    case 'casualties': return filter.minCasualties !== undefined;
    case 'term': return nonEmpty(filter[TERM_FIELDS[driver.kind]]);
  }
}

/** Whether a counted answer must add RED rows: not when the filter's levels leave RED out. */
function wantsRed(filter: IncidentFilter): boolean {
  return !nonEmpty(filter.markings) || filter.markings.includes('red');
}

/** The feed's order: incident day, then id, then collection, all descending. */
function newestFirst(a: FeedRow, b: FeedRow): number {
  return b.event_day - a.event_day || compareText(b.id, a.id) || compareText(b.collection_id, a.collection_id);
}

/** Byte order, as the databases compare key text (`localeCompare` would not). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * An IN over the terms' primary key rather than a correlated EXISTS, so the
 * planner may start from the term (a rare group: a few hundred rows, then
 * sorted) or walk the feed's order and probe (a common attack type), by its
 * statistics.
 */
function hasTerm(kind: TermKind, values: readonly string[], range?: Pick<IncidentFilter, 'fromDay' | 'toDay'>): Expression<SqlBool> {
  // When the term drives a walk, its rows of the day range only (the term feed index holds the day).
  const from = range?.fromDay === undefined ? sql`` : sql` and t.event_day >= ${range.fromDay}`;
  const to = range?.toDay === undefined ? sql`` : sql` and t.event_day <= ${range.toDay}`;
  return sql<SqlBool>`(i.collection_id, i.date_added) in (select t.collection_id, t.date_added from intel_incident_terms t where t.kind = ${kind} and t.value in (${sql.join(values.map(termValue))})${from}${to})`;
}

/** The same test as a probe of each row: the planner cannot start from a list of every match. */
function holdsTerm(kind: TermKind, values: readonly string[]): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from intel_incident_terms t where t.collection_id = i.collection_id and t.date_added = i.date_added and t.kind = ${kind} and t.value in (${sql.join(values.map(termValue))}))`;
}

/** The finest map cells a box covers: whole cells, as the counts select them. */
function cellBox([minLon, minLat, maxLon, maxLat]: readonly [number, number, number, number]): { low: { cy: number; cx: number }; high: { cy: number; cx: number }; crosses: boolean } {
  return { low: cellOf(minLat, minLon), high: cellOf(maxLat, maxLon), crosses: minLon > maxLon };
}

/** `day` in one of `ranges`: each range a test the day index can walk (SQLite's OR plan, PostgreSQL's bitmap OR). */
function inDays(day: Expression<unknown>, ranges: readonly (readonly [number, number])[]): Expression<SqlBool> {
  return sql<SqlBool>`(${sql.join(ranges.map(([from, to]) => sql`${day} between ${from} and ${to}`), sql` or `)})`;
}

function inBox([minLon, minLat, maxLon, maxLat]: readonly [number, number, number, number], lat: Expression<unknown>, lon: Expression<unknown>): Expression<SqlBool> {
  const within = sql<SqlBool>`${lat} between ${minLat} and ${maxLat}`;
  return minLon <= maxLon
    ? sql<SqlBool>`(${within} and ${lon} between ${minLon} and ${maxLon})`
    : sql<SqlBool>`(${within} and (${lon} >= ${minLon} or ${lon} <= ${maxLon}))`;
}

function nonEmpty<T>(values: readonly T[] | undefined): values is readonly T[] {
  return values !== undefined && values.length > 0;
}

function nullableNumber(value: number | null): number | null {
  return value === null ? null : Number(value);
}

// PostgreSQL returns bigint and real columns as strings or numbers depending on the type; the console wants numbers.
function normaliseRow(row: FeedRow): FeedRow {
  return {
    ...row,
    date_added: Number(row.date_added),
    event_day: Number(row.event_day),
    lat: row.lat === null ? null : Number(row.lat),
    lon: row.lon === null ? null : Number(row.lon),
    killed: nullableNumber(row.killed),
    wounded: nullableNumber(row.wounded),
    casualties: Number(row.casualties),
  };
}
