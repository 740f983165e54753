import { useRef, useState, type PointerEvent } from 'react';
import { api } from '../api/client';
import type { TimelineBucket } from '../api/types';
import { filtersFrom, stableKey } from '../lib/filters';
import { useApi } from '../lib/use-api';
import { navigate, withParams, type Location } from '../routes';
import { ErrorNote } from './common';

type Bucket = 'day' | 'week' | 'month' | 'year';
const WIDTH = 1000;
const HEIGHT = 120;

/**
 * Incidents (bars) and reports (line) over time for the current filters. Drag
 * across it (or pick dates) to narrow the feed and the map to that period: the
 * period is written to the URL's `from`/`to`, which they read.
 */
export function Timeline({ location, compact = false }: { location: Location; compact?: boolean }) {
  const bucket = (location.search.get('bucket') as Bucket | null) ?? 'month';
  // The timeline shows the whole range of the other filters, with the chosen period shaded.
  const query = { ...filtersFrom(location.search, ['from', 'to']), bucket };
  const { data, error, loading, reload } = useApi(stableKey(query), (signal) => api.get<{ buckets: TimelineBucket[] }>('/incidents/timeline', query, signal));
  const buckets = data?.buckets ?? [];
  const svgRef = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ from: number; to: number } | undefined>();
  const from = location.search.get('from') ?? '';
  const to = location.search.get('to') ?? '';

  const maxIncidents = Math.max(1, ...buckets.map((item) => item.incidents));
  const maxReports = Math.max(1, ...buckets.map((item) => item.reports));
  const step = buckets.length > 0 ? WIDTH / buckets.length : WIDTH;
  const indexAt = (event: PointerEvent<SVGSVGElement>) => {
    const box = svgRef.current?.getBoundingClientRect();
    if (!box || buckets.length === 0) return 0;
    return Math.max(0, Math.min(buckets.length - 1, Math.floor(((event.clientX - box.left) / box.width) * buckets.length)));
  };
  const endOf = (index: number) => {
    const next = buckets[index + 1]?.start;
    if (next) return dayBefore(next);
    return bucketEnd(buckets[index]?.start ?? '', bucket);
  };
  const choose = (first: number, last: number) => {
    const low = Math.min(first, last);
    const high = Math.max(first, last);
    const start = buckets[low]?.start;
    if (!start) return;
    navigate(withParams(location, { from: start.slice(0, 10), to: endOf(high), cursor: undefined }));
  };
  const shaded = drag ?? rangeIndexes(buckets, from, to);

  return (
    <section className={compact ? 'timeline compact' : 'timeline'} aria-label="Timeline">
      <div className="timeline-controls">
        <label>
          From <input type="date" value={from} onChange={(event) => navigate(withParams(location, { from: event.target.value, cursor: undefined }))} />
        </label>
        <label>
          To <input type="date" value={to} onChange={(event) => navigate(withParams(location, { to: event.target.value, cursor: undefined }))} />
        </label>
        <label>
          Per{' '}
          <select value={bucket} onChange={(event) => navigate(withParams(location, { bucket: event.target.value }))}>
            <option value="day">day</option>
            <option value="week">week</option>
            <option value="month">month</option>
            <option value="year">year</option>
          </select>
        </label>
        {from || to ? (
          <button type="button" onClick={() => navigate(withParams(location, { from: undefined, to: undefined, cursor: undefined }))}>
            Whole period
          </button>
        ) : null}
      </div>
      <ErrorNote error={error} onRetry={reload} />
      <div className="timeline-chart">
        <svg
          ref={svgRef}
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={describe(buckets)}
          onPointerDown={(event) => {
            event.currentTarget.setPointerCapture(event.pointerId);
            const index = indexAt(event);
            setDrag({ from: index, to: index });
          }}
          onPointerMove={(event) => drag && setDrag({ ...drag, to: indexAt(event) })}
          onPointerUp={() => {
            if (drag) choose(drag.from, drag.to);
            setDrag(undefined);
          }}
        >
          {shaded ? <rect className="brush" x={Math.min(shaded.from, shaded.to) * step} width={(Math.abs(shaded.to - shaded.from) + 1) * step} y={0} height={HEIGHT} /> : null}
          {buckets.map((item, index) => {
            const height = (item.incidents / maxIncidents) * (HEIGHT - 10);
            return (
              <rect key={item.start} className="bar" x={index * step + step * 0.1} width={Math.max(1, step * 0.8)} y={HEIGHT - height} height={height}>
                <title>{`${item.start.slice(0, 10)}: ${item.incidents} incidents, ${item.reports} reports, ${item.killed} killed`}</title>
              </rect>
            );
          })}
          <polyline
            className="reports-line"
            fill="none"
            points={buckets.map((item, index) => `${index * step + step / 2},${HEIGHT - (item.reports / maxReports) * (HEIGHT - 10)}`).join(' ')}
          />
        </svg>
        {!loading && buckets.length === 0 && !error ? <p className="empty-overlay">No incidents for these filters.</p> : null}
      </div>
      <p className="legend">
        <span className="key key-bar" /> incidents <span className="key key-line" /> reports · drag across the chart to choose a period
      </p>
    </section>
  );
}

function describe(buckets: TimelineBucket[]): string {
  if (buckets.length === 0) return 'Timeline: no incidents';
  const total = buckets.reduce((sum, item) => sum + item.incidents, 0);
  return `Timeline from ${buckets[0]?.start.slice(0, 10)} to ${buckets[buckets.length - 1]?.start.slice(0, 10)}: ${total} incidents`;
}

function rangeIndexes(buckets: TimelineBucket[], from: string, to: string): { from: number; to: number } | undefined {
  if (!from && !to) return undefined;
  let first = -1;
  let last = -1;
  buckets.forEach((item, index) => {
    const start = item.start.slice(0, 10);
    if ((!from || start >= from.slice(0, 7)) && (!to || start <= to)) {
      if (first < 0) first = index;
      last = index;
    }
  });
  return first < 0 ? undefined : { from: first, to: last };
}

function dayBefore(iso: string): string {
  const date = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

function bucketEnd(start: string, bucket: Bucket): string {
  const date = new Date(`${start.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return start.slice(0, 10);
  if (bucket === 'day') return date.toISOString().slice(0, 10);
  if (bucket === 'week') date.setUTCDate(date.getUTCDate() + 7);
  if (bucket === 'month') date.setUTCMonth(date.getUTCMonth() + 1);
  if (bucket === 'year') date.setUTCFullYear(date.getUTCFullYear() + 1);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}
