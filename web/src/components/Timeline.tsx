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
  // Drag in progress, as times (ms since 1970) under the pointer.
  const [drag, setDrag] = useState<{ from: number; to: number } | undefined>();
  const from = location.search.get('from') ?? '';
  const to = location.search.get('to') ?? '';

  const maxIncidents = Math.max(1, ...buckets.map((item) => item.incidents));
  const maxReports = Math.max(1, ...buckets.map((item) => item.reports));
  // A continuous time axis: gaps between buckets show as gaps, and a drag maps to real dates.
  const spans = buckets.map((item) => ({ item, start: dayMs(item.start), end: dayMs(bucketEnd(item.start, bucket)) + DAY_MS }));
  const min = spans[0]?.start ?? 0;
  const max = Math.max(min + DAY_MS, ...spans.map((span) => span.end));
  const x = (time: number) => ((time - min) / (max - min)) * WIDTH;
  const timeAt = (event: PointerEvent<SVGSVGElement>) => {
    const box = svgRef.current?.getBoundingClientRect();
    if (!box || box.width === 0) return min;
    return min + Math.max(0, Math.min(1, (event.clientX - box.left) / box.width)) * (max - min);
  };
  const choose = (first: number, last: number) => {
    if (spans.length === 0) return;
    let low = Math.min(first, last);
    let high = Math.max(first, last);
    if (x(high) - x(low) < 4) {
      // A click, not a drag: the bucket under the pointer.
      const hit = spans.find((span) => span.start <= low && low < span.end);
      if (!hit) return;
      low = hit.start;
      high = hit.end - DAY_MS;
    }
    navigate(withParams(location, { from: isoDay(low), to: isoDay(high), cursor: undefined }));
  };
  const shaded = drag ?? (from || to ? { from: from ? dayMs(from) : min, to: to ? dayMs(to) + DAY_MS : max } : undefined);
  const ticks = spans.length === 0 ? [] : (compact ? [0, 0.5, 1] : [0, 0.25, 0.5, 0.75, 1]).map((share) => ({ share, label: isoDay(min + share * (max - min - DAY_MS)).slice(0, bucket === 'year' ? 4 : bucket === 'month' ? 7 : 10) }));

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
            const time = timeAt(event);
            setDrag({ from: time, to: time });
          }}
          onPointerMove={(event) => drag && setDrag({ ...drag, to: timeAt(event) })}
          onPointerUp={() => {
            if (drag) choose(drag.from, drag.to);
            setDrag(undefined);
          }}
        >
          {shaded ? <rect className="brush" x={Math.max(0, x(Math.min(shaded.from, shaded.to)))} width={Math.max(2, Math.abs(x(shaded.to) - x(shaded.from)))} y={0} height={HEIGHT} /> : null}
          {spans.map(({ item, start, end }) => {
            const height = (item.incidents / maxIncidents) * (HEIGHT - 10);
            return (
              <rect key={item.start} className="bar" x={x(start)} width={Math.max(2, (x(end) - x(start)) * 0.85)} y={HEIGHT - height} height={height}>
                <title>{`${item.start.slice(0, 10)}: ${item.incidents} incidents, ${item.reports} reports, ${item.killed} killed`}</title>
              </rect>
            );
          })}
          <polyline
            className="reports-line"
            fill="none"
            points={spans.map(({ item, start, end }) => `${(x(start) + x(end)) / 2},${HEIGHT - (item.reports / maxReports) * (HEIGHT - 10)}`).join(' ')}
          />
        </svg>
        {!loading && buckets.length === 0 && !error ? <p className="empty-overlay">No incidents for these filters.</p> : null}
      </div>
      <div className="timeline-axis" aria-hidden="true">
        {ticks.map((tick) => (
          <span key={tick.share} className={tick.share === 0 ? 'first' : tick.share === 1 ? 'last' : undefined} style={{ left: `${tick.share * 100}%` }}>
            {tick.label}
          </span>
        ))}
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

const DAY_MS = 86_400_000;

function dayMs(iso: string): number {
  const time = Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(time) ? 0 : time;
}

function isoDay(time: number): string {
  return new Date(Math.floor(time / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
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
