/**
 * Greedy screen-space clustering: points closer than `radius` (in map units at
 * the current zoom) to a cluster's first point join it. Linear in the number of
 * points with a grid, enough for the bounded answers of /incidents/map.
 */
export interface ScreenCluster {
  x: number;
  y: number;
  count: number;
  killed: number;
}

export function clusterPoints<T extends { x: number; y: number }>(
  points: readonly T[],
  radius: number,
  killedOf: (point: T) => number,
): { singles: T[]; clusters: ScreenCluster[] } {
  const cells = new Map<string, { seed: T; members: T[] }[]>();
  const groups: { seed: T; members: T[] }[] = [];
  const cellOf = (x: number, y: number) => `${Math.floor(x / radius)},${Math.floor(y / radius)}`;
  for (const point of points) {
    const cx = Math.floor(point.x / radius);
    const cy = Math.floor(point.y / radius);
    let joined = false;
    for (let dx = -1; dx <= 1 && !joined; dx += 1) {
      for (let dy = -1; dy <= 1 && !joined; dy += 1) {
        for (const group of cells.get(`${cx + dx},${cy + dy}`) ?? []) {
          if (Math.hypot(group.seed.x - point.x, group.seed.y - point.y) <= radius) {
            group.members.push(point);
            joined = true;
            break;
          }
        }
      }
    }
    if (joined) continue;
    const group = { seed: point, members: [point] };
    groups.push(group);
    const key = cellOf(point.x, point.y);
    cells.set(key, [...(cells.get(key) ?? []), group]);
  }
  const singles: T[] = [];
  const clusters: ScreenCluster[] = [];
  for (const group of groups) {
    if (group.members.length === 1) singles.push(group.seed);
    else
      clusters.push({
        x: group.members.reduce((sum, member) => sum + member.x, 0) / group.members.length,
        y: group.members.reduce((sum, member) => sum + member.y, 0) / group.members.length,
        count: group.members.length,
        killed: group.members.reduce((sum, member) => sum + killedOf(member), 0),
      });
  }
  return { singles, clusters };
}
