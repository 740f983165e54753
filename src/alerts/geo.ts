/**
 * The drawn area of a watchlist: a GeoJSON Polygon (RFC 7946 §3.1.6), the
 * first ring the outline and any further rings holes, positions as
 * [longitude, latitude]. Planar ray casting on degrees: good for areas of a
 * few thousand kilometres that do not cross the antimeridian (documented in
 * README "Alerts").
 */
export type Position = readonly [number, number];
export type Ring = readonly Position[];

export interface Polygon {
  readonly type: 'Polygon';
  readonly coordinates: readonly Ring[];
}

/** Whether (lon, lat) lies inside the outline and outside every hole. */
export function containsPoint(polygon: Polygon, lon: number, lat: number): boolean {
  const [outline, ...holes] = polygon.coordinates;
  if (outline === undefined || !insideRing(outline, lon, lat)) return false;
  return !holes.some((hole) => insideRing(hole, lon, lat));
}

function insideRing(ring: Ring, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] ?? [0, 0];
    const [xj, yj] = ring[j] ?? [0, 0];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Why a ring is not a closed linear ring (RFC 7946 §3.1.6), or undefined when it is. */
export function ringProblem(ring: Ring): string | undefined {
  if (ring.length < 4) return 'a ring needs at least 4 positions (the first repeated last)';
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first === undefined || last === undefined || first[0] !== last[0] || first[1] !== last[1]) {
    return 'a ring must end with its first position (closed)';
  }
  return undefined;
}
