import { geoEquirectangular, geoPath } from 'd3-geo';
import { useEffect, useMemo, useRef, useState, type Dispatch, type KeyboardEvent, type PointerEvent, type RefObject, type SetStateAction } from 'react';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries110m from 'world-atlas/countries-110m.json';
import { api } from '../api/client';
import type { MapAnswer, MapCluster, MapPoint } from '../api/types';
import { AreaFollowed, AreaWatch, type Corner } from '../components/AreaWatch';
import { ErrorNote, Link, attackColour, formatCasualties } from '../components/common';
import { Filters } from '../components/Filters';
import { Timeline } from '../components/Timeline';
import { clusterPoints, type ScreenCluster } from '../lib/cluster';
import { filterSearch, filtersFrom, stableKey } from '../lib/filters';
import { useApi } from '../lib/use-api';
import { navigate, paths, useLocation } from '../routes';

const WIDTH = 960;
const HEIGHT = 480;
const MAX_SCALE = 64;
/** Points closer than this on screen (px of the 960-wide map) are drawn as one cluster. */
const CLUSTER_RADIUS = 18;

interface View {
  k: number;
  x: number;
  y: number;
}

const projection = geoEquirectangular().fitSize([WIDTH, HEIGHT], { type: 'Sphere' });
const topology = countries110m as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
const countryPaths = (() => {
  const path = geoPath(projection);
  const world = feature(topology, topology.objects.countries);
  return world.features.map((country, index) => ({ key: String(country.id ?? index), name: country.properties?.name ?? '', d: path(country) ?? '' }));
})();

/** The offline world map: Natural Earth countries from world-atlas, incidents placed and sized by casualties. */
export default function MapPage() {
  const location = useLocation();
  const [view, setView] = useState<View>({ k: 1, x: 0, y: 0 });
  const [settled, setSettled] = useState(view);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(view), 250);
    return () => window.clearTimeout(timer);
  }, [view]);
  const bbox = visibleBox(settled);
  const zoom = Math.max(0, Math.round(Math.log2(settled.k * (WIDTH / 256))));
  const query = { ...filtersFrom(location.search), bbox: bbox.map((value) => value.toFixed(3)).join(','), zoom };
  const { data, error, loading, reload } = useApi(stableKey(query), (signal) => api.get<MapAnswer>('/incidents/map', query, signal));

  const svgRef = useRef<SVGSVGElement>(null);
  useWheelZoom(svgRef, setView);
  const drag = useRef<{ x: number; y: number; view: View; moved: boolean } | undefined>(undefined);

  const drawn = useMemo(() => layout(data, view.k), [data, view.k]);
  // The area being drawn to follow (undefined: not drawing).
  const [area, setArea] = useState<Corner[] | undefined>();
  const [followed, setFollowed] = useState<string | undefined>();

  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    drag.current = { x: event.clientX, y: event.clientY, view, moved: false };
  };
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const start = drag.current;
    if (!start) return;
    const scale = svgScale(svgRef.current);
    const dx = (event.clientX - start.x) * scale;
    const dy = (event.clientY - start.y) * scale;
    if (!start.moved && Math.hypot(dx, dy) < 4) return;
    if (!start.moved) event.currentTarget.setPointerCapture(event.pointerId);
    start.moved = true;
    setView(clampView({ ...start.view, x: start.view.x + dx, y: start.view.y + dy }));
  };
  const onPointerUp = (event: PointerEvent<SVGSVGElement>) => {
    const clicked = drag.current !== undefined && !drag.current.moved;
    drag.current = undefined;
    if (!clicked || area === undefined || event.type !== 'pointerup') return;
    const corner = cornerAt(svgRef.current, view, event.clientX, event.clientY);
    if (corner) setArea([...area, corner]);
  };
  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>) => {
    const step = 60;
    const moves: Record<string, [number, number]> = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      setView((current) => clampView({ ...current, x: current.x + move[0], y: current.y + move[1] }));
    } else if (event.key === '+' || event.key === '=') setView((current) => zoomAt(current, 2, WIDTH / 2, HEIGHT / 2));
    else if (event.key === '-') setView((current) => zoomAt(current, 0.5, WIDTH / 2, HEIGHT / 2));
  };
  const open = (point: MapPoint) => navigate(paths.incident(point.id));
  const zoomInto = (cluster: ScreenCluster) => setView((current) => zoomAt(current, 4, cluster.x * current.k + current.x, cluster.y * current.k + current.y));

  const pointsInView = (data?.points ?? []).slice(0, 200);
  const hidden = (data?.clusters ?? []).reduce((sum, cluster) => sum + cluster.count, 0);

  return (
    <section className="map-page" aria-labelledby="map-title">
      <div className="page-head">
        <h1 id="map-title">Map</h1>
        <p className="links">
          <Link to={paths.feed + filterSearch(location.search)}>Show as a list</Link> · <Link to={paths.timeline + filterSearch(location.search)}>Timeline</Link>
        </p>
      </div>
      <Filters location={location} idPrefix="map" />
      <Timeline location={location} compact />
      <ErrorNote error={error} onRetry={reload} />
      <div className="map-toolbar" role="toolbar" aria-label="Map zoom">
        <button type="button" onClick={() => setView((current) => zoomAt(current, 2, WIDTH / 2, HEIGHT / 2))} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => setView((current) => zoomAt(current, 0.5, WIDTH / 2, HEIGHT / 2))} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={() => setView({ k: 1, x: 0, y: 0 })}>
          Whole world
        </button>
        <button
          type="button"
          aria-pressed={area !== undefined}
          onClick={() => {
            setArea(area === undefined ? [] : undefined);
            setFollowed(undefined);
          }}
        >
          Draw an area to follow
        </button>
        <span className="status" role="status" aria-live="polite">
          {loading ? 'Loading incidents…' : `${data?.points.length ?? 0} incidents shown${hidden ? `, ${hidden} more in clusters (zoom in)` : ''}`}
        </span>
      </div>
      <div className="map-frame">
        <svg
          ref={svgRef}
          className={area === undefined ? 'map' : 'map drawing'}
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          tabIndex={0}
          role="application"
          aria-label="World map of incidents. Arrow keys move, plus and minus zoom; the list below the map has the same incidents."
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          onKeyDown={onKeyDown}
        >
          <rect className="sea" width={WIDTH} height={HEIGHT} />
          <g transform={`translate(${view.x} ${view.y}) scale(${view.k})`}>
            <g className="countries" strokeWidth={0.5 / view.k}>
              {countryPaths.map((country) => (
                <path key={country.key} d={country.d}>
                  <title>{country.name}</title>
                </path>
              ))}
            </g>
            {area && area.length > 0 ? <AreaOutline corners={area} k={view.k} /> : null}
            {drawn.clusters.map((cluster) => (
              <g
                key={`c${cluster.x},${cluster.y}`}
                className="cluster"
                role="button"
                tabIndex={0}
                aria-label={`${cluster.count} incidents, ${cluster.killed} killed: zoom in`}
                onClick={() => zoomInto(cluster)}
                onKeyDown={(event) => (event.key === 'Enter' || event.key === ' ') && zoomInto(cluster)}
              >
                <circle cx={cluster.x} cy={cluster.y} r={(10 + Math.sqrt(cluster.count) * 2) / view.k} />
                <text x={cluster.x} y={cluster.y} dy="0.35em" fontSize={11 / view.k} textAnchor="middle">
                  {cluster.count}
                </text>
              </g>
            ))}
            {drawn.points.map(({ point, x, y }) => (
              <circle
                key={point.id}
                className="point"
                cx={x}
                cy={y}
                r={pointRadius(point) / view.k}
                fill={attackColour(point.attackType)}
                strokeWidth={1 / view.k}
                role="link"
                tabIndex={0}
                aria-label={`${point.name}, ${formatCasualties(point.killed, point.wounded)}`}
                onClick={() => open(point)}
                onKeyDown={(event) => event.key === 'Enter' && open(point)}
              >
                <title>{`${point.name} (${point.date?.slice(0, 10) ?? 'date unknown'}): ${formatCasualties(point.killed, point.wounded)}`}</title>
              </circle>
            ))}
          </g>
        </svg>
      </div>
      {area !== undefined ? (
        <AreaWatch
          corners={area}
          onUndo={() => setArea(area.slice(0, -1))}
          onUseView={() => setArea(viewCorners(bbox))}
          onDone={(name) => {
            setArea(undefined);
            setFollowed(name);
          }}
        />
      ) : null}
      {followed !== undefined ? <AreaFollowed name={followed} /> : null}
      <Legend points={data?.points ?? []} />
      <details className="map-list">
        <summary>Incidents on the map ({pointsInView.length})</summary>
        <ul>
          {pointsInView.map((point) => (
            <li key={point.id}>
              <Link to={paths.incident(point.id)}>{point.name}</Link> — {point.attackType ?? 'attack type unknown'}, {formatCasualties(point.killed, point.wounded)}
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}

function Legend({ points }: { points: MapPoint[] }) {
  const types = [...new Set(points.map((point) => point.attackType ?? 'unknown'))].slice(0, 12);
  if (types.length === 0) return null;
  return (
    <ul className="map-legend" aria-label="Attack types">
      {types.map((type) => (
        <li key={type}>
          <span className="swatch" style={{ background: attackColour(type) }} aria-hidden="true" /> {type}
        </li>
      ))}
      <li>circle size: killed + wounded</li>
    </ul>
  );
}

/** The area being drawn: its corners joined, closed once it has three. */
function AreaOutline({ corners, k }: { corners: readonly Corner[]; k: number }) {
  const xy = corners.map((corner) => projection(corner)).filter((point): point is [number, number] => point !== null);
  const points = xy.map(([x, y]) => `${x},${y}`).join(' ');
  return (
    <g className="area" aria-hidden="true">
      {xy.length >= 3 ? <polygon points={points} strokeWidth={2 / k} /> : <polyline points={points} strokeWidth={2 / k} />}
      {xy.map(([x, y], index) => (
        <circle key={index} cx={x} cy={y} r={3 / k} />
      ))}
    </g>
  );
}

/** The [lon, lat] under a pointer on the map, through the current pan and zoom. */
function cornerAt(svg: SVGSVGElement | null, view: View, clientX: number, clientY: number): Corner | undefined {
  if (!svg) return undefined;
  const box = svg.getBoundingClientRect();
  const scale = svgScale(svg);
  const x = ((clientX - box.left) * scale - view.x) / view.k;
  const y = ((clientY - box.top) * scale - view.y) / view.k;
  const lonLat = projection.invert?.([x, y]);
  return lonLat ? [lonLat[0], lonLat[1]] : undefined;
}

/** The corners of the visible map (bbox: west, south, east, north), counter-clockwise. */
function viewCorners([west, south, east, north]: [number, number, number, number]): Corner[] {
  return [
    [west, south],
    [east, south],
    [east, north],
    [west, north],
  ];
}

function pointRadius(point: MapPoint): number {
  return 4 + Math.sqrt((point.killed ?? 0) + (point.wounded ?? 0)) * 1.5;
}

/** Server points (and its clusters when zoomed out) placed on the map; points that would overlap on screen are merged. */
function layout(data: MapAnswer | undefined, k: number): { points: { point: MapPoint; x: number; y: number }[]; clusters: ScreenCluster[] } {
  if (!data) return { points: [], clusters: [] };
  const placed = data.points.flatMap((point) => {
    const xy = projection([point.lon, point.lat]);
    return xy ? [{ point, x: xy[0], y: xy[1] }] : [];
  });
  const { singles, clusters } = clusterPoints(placed, CLUSTER_RADIUS / k, (item) => item.point.killed ?? 0);
  const serverClusters = data.clusters.flatMap((cluster: MapCluster) => {
    const xy = projection([cluster.lon, cluster.lat]);
    return xy ? [{ x: xy[0], y: xy[1], count: cluster.count, killed: cluster.killed ?? 0 }] : [];
  });
  return { points: singles, clusters: [...serverClusters, ...clusters] };
}

function visibleBox(view: View): [number, number, number, number] {
  const topLeft = projection.invert?.([-view.x / view.k, -view.y / view.k]) ?? [-180, 90];
  const bottomRight = projection.invert?.([(WIDTH - view.x) / view.k, (HEIGHT - view.y) / view.k]) ?? [180, -90];
  const clampLon = (value: number) => Math.max(-180, Math.min(180, value));
  const clampLat = (value: number) => Math.max(-90, Math.min(90, value));
  return [clampLon(topLeft[0]), clampLat(bottomRight[1]), clampLon(bottomRight[0]), clampLat(topLeft[1])];
}

function clampView(view: View): View {
  const k = Math.max(1, Math.min(MAX_SCALE, view.k));
  const x = Math.min(0, Math.max(WIDTH - WIDTH * k, view.x));
  const y = Math.min(0, Math.max(HEIGHT - HEIGHT * k, view.y));
  return { k, x, y };
}

function zoomAt(view: View, factor: number, cx: number, cy: number): View {
  const k = Math.max(1, Math.min(MAX_SCALE, view.k * factor));
  const applied = k / view.k;
  return clampView({ k, x: cx - (cx - view.x) * applied, y: cy - (cy - view.y) * applied });
}

/** Map units per CSS pixel: the SVG scales with the page width. */
function svgScale(svg: SVGSVGElement | null): number {
  const width = svg?.getBoundingClientRect().width ?? WIDTH;
  return width > 0 ? WIDTH / width : 1;
}

/** Wheel zoom needs a non-passive listener to keep the page from scrolling. */
function useWheelZoom(ref: RefObject<SVGSVGElement | null>, setView: Dispatch<SetStateAction<View>>): void {
  useEffect(() => {
    const svg = ref.current;
    if (!svg) return undefined;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const box = svg.getBoundingClientRect();
      const scale = WIDTH / box.width;
      const cx = (event.clientX - box.left) * scale;
      const cy = (event.clientY - box.top) * scale;
      setView((current) => zoomAt(current, event.deltaY < 0 ? 1.5 : 1 / 1.5, cx, cy));
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  }, [ref, setView]);
}
