import { z } from 'zod';
import { EntenteError } from '../../errors.js';
import { CELL_ZOOM } from '../../store/incident-index-aggregates.js';
import type { FeedPosition } from '../../store/incident-index-queries.js';
import { filterQuery, incidentFilter, isoOfDay } from './intel-filters.js';
import { intelContext } from './intel-context.js';
import { incidentDetail } from './intel-incident-detail.js';
import { presentFeedItem } from './intel-present.js';
import { pageOf, pageRequest, pagingQuery, sendPage } from './paging.js';
import type { RestApi } from './rest-api.js';

/**
 * REST.md "Intelligence": the feed (`GET /incidents`, keyset-paged newest
 * first by incident date), the map (`GET /incidents/map`) and the timeline
 * (`GET /incidents/timeline`), all over the incident read model and only over
 * what the viewer may see.
 */

/** Most points a map answer holds; beyond it the map is clustered whatever the zoom. */
export const MAX_MAP_POINTS = 2000;
/** Most clusters a map answer holds (the fullest cells). */
export const MAX_MAP_CLUSTERS = 1000;
/** From this zoom up, the map shows points when there are at most MAX_MAP_POINTS. */
export const POINTS_ZOOM = 6;
/** Below POINTS_ZOOM, the map shows points anyway when there are at most this many. */
const FEW_POINTS = 300;
/** Most buckets a timeline answer holds; a longer span needs a coarser bucket. */
export const MAX_TIMELINE_BUCKETS = 5000;

const FeedQuery = z.object({ ...filterQuery, ...pagingQuery }).strict();
const MapQuery = z.object({ ...filterQuery, zoom: z.string().regex(/^\d{1,2}$/, 'a whole number 0..20').optional() }).strict();
const TimelineQuery = z.object({ ...filterQuery, bucket: z.enum(['day', 'week', 'month', 'year']).optional() }).strict();
const IdParams = z.object({ id: z.string().regex(/^incident--[0-9a-f-]{36}$/, 'an incident id (incident--<uuid>)') }).strict();
const Position = z.object({ day: z.number().int(), id: z.string().max(200), collection: z.string().max(200) }).strict();

export function intelIncidentRoutes(api: RestApi): void {
  const intel = intelContext(api);

  api.app.get('/incidents', async (request, reply) => {
    const { viewer } = await intel.begin(request);
    const query = FeedQuery.parse(request.query);
    const filter = incidentFilter(query);
    const page = pageRequest<FeedPosition>(query, Position);
    const rows = await intel.queries.feed(viewer, filter, page.limit, page.after);
    return sendPage(reply, page.limit, pageOf(rows, page.limit, (row) => ({ day: row.event_day, id: row.id, collection: row.collection_id }), presentFeedItem));
  });

  api.app.get('/incidents/:id', async (request) => {
    const { viewer } = await intel.begin(request);
    const { id } = IdParams.parse(request.params);
    const row = (await intel.queries.byId(viewer, id))[0];
    if (row === undefined) throw new EntenteError('not_found', `No incident ${id} that you may see`);
    return incidentDetail(api.deps.db, api.deps.store, intel.queries, viewer, row);
  });

  api.app.get('/incidents/map', async (request) => {
    const { viewer } = await intel.begin(request);
    const query = MapQuery.parse(request.query);
    const filter = incidentFilter(query);
    const zoom = Math.min(Number(query.zoom ?? 2), 20);
    if (zoom <= CELL_ZOOM) {
      // Zoomed out: unfiltered, filtered by one value or narrowed to days, the cell counts answer without scanning every
      // match; any other filter is grouped from its matches once, and only a few of them are then listed as points.
      const clusters = await intel.queries.countedClusters(viewer, zoom, filter, MAX_MAP_CLUSTERS);
      if (clusters.reduce((n, c) => n + c.count, 0) > FEW_POINTS) return { points: [], clusters };
    }
    const pointLimit = zoom >= POINTS_ZOOM ? MAX_MAP_POINTS : FEW_POINTS;
    const points = await intel.queries.points(viewer, filter, pointLimit);
    if (points.length <= pointLimit) {
      return {
        points: points.map((p) => ({
          id: p.id, lat: p.lat, lon: p.lon, killed: p.killed ?? 0, wounded: p.wounded ?? 0, attackType: p.attack_type, name: p.name, date: p.event_date,
        })),
        clusters: [],
      };
    }
    // Cells of 45° at zoom 0, halving with each zoom level: a few dozen clusters on a world view.
    const cellDegrees = 360 / 2 ** (Math.min(zoom, 12) + 3);
    return { points: [], clusters: await intel.queries.clusters(viewer, filter, cellDegrees, MAX_MAP_CLUSTERS) };
  });

  api.app.get('/incidents/timeline', async (request) => {
    const { viewer } = await intel.begin(request);
    const query = TimelineQuery.parse(request.query);
    const filter = incidentFilter(query);
    const bucket = query.bucket ?? 'month';
    const [incidentDays, reportDays] = await Promise.all([
      intel.queries.countedDays(viewer, filter),
      intel.queries.reportDays(viewer, filter),
    ]);
    const buckets = new Map<number, { incidents: number; reports: number; killed: number }>();
    const at = (day: number) => {
      const start = bucketStart(day, bucket);
      let entry = buckets.get(start);
      if (entry === undefined) {
        entry = { incidents: 0, reports: 0, killed: 0 };
        buckets.set(start, entry);
      }
      return entry;
    };
    for (const d of incidentDays) {
      const entry = at(d.day);
      entry.incidents += d.incidents;
      entry.killed += d.killed;
    }
    for (const d of reportDays) at(d.day).reports += d.reports;
    if (buckets.size > MAX_TIMELINE_BUCKETS) {
      throw new EntenteError(
        'invalid_input',
        `The timeline would have ${buckets.size} ${bucket} buckets (most ${MAX_TIMELINE_BUCKETS}): narrow from/to or use a coarser bucket`,
        { field: 'bucket' },
      );
    }
    return {
      bucket,
      buckets: [...buckets.entries()].sort(([a], [b]) => a - b).map(([start, entry]) => ({ start: isoOfDay(start), ...entry })),
    };
  });
}

/** The first day of the bucket holding `day`: weeks start on Monday (1970-01-01 was a Thursday). */
export function bucketStart(day: number, bucket: 'day' | 'week' | 'month' | 'year'): number {
  if (bucket === 'day') return day;
  if (bucket === 'week') return day - ((((day + 3) % 7) + 7) % 7);
  const date = new Date(day * 86_400_000);
  const start = bucket === 'month' ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) : Date.UTC(date.getUTCFullYear(), 0, 1);
  return Math.floor(start / 86_400_000);
}
