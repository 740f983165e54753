import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterPoints } from '../../web/src/lib/cluster.js';

interface Placed {
  readonly x: number;
  readonly y: number;
  readonly killed: number;
}

describe('clustering map points on screen (web/src/lib/cluster.ts)', () => {
  it('merges points within the radius into one cluster at their mean, summing the killed; a lone point stays a point', () => {
    const points: Placed[] = [
      { x: 100, y: 100, killed: 2 },
      { x: 105, y: 100, killed: 3 },
      { x: 100, y: 108, killed: 0 },
      { x: 400, y: 300, killed: 7 },
    ];
    const { singles, clusters } = clusterPoints(points, 18, (point) => point.killed);
    expect(singles).toEqual([{ x: 400, y: 300, killed: 7 }]);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]?.count).toBe(3);
    expect(clusters[0]?.killed).toBe(5);
    expect(clusters[0]?.x).toBeCloseTo(305 / 3);
    expect(clusters[0]?.y).toBeCloseTo(308 / 3);
  });

  it('zoomed in (a smaller radius in map units) the same points come apart', () => {
    const points: Placed[] = [
      { x: 100, y: 100, killed: 1 },
      { x: 103, y: 100, killed: 1 },
    ];
    expect(clusterPoints(points, 18, (point) => point.killed).clusters).toHaveLength(1);
    expect(clusterPoints(points, 18 / 8, (point) => point.killed).singles).toHaveLength(2);
  });

  it('keeps every point exactly once, in a single or a cluster, whatever the points', () => {
    const point = fc.record({ x: fc.integer({ min: 0, max: 960 }), y: fc.integer({ min: 0, max: 480 }), killed: fc.integer({ min: 0, max: 50 }) });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 200 }), fc.integer({ min: 1, max: 60 }), (points, radius) => {
        const { singles, clusters } = clusterPoints(points, radius, (p) => p.killed);
        expect(singles.length + clusters.reduce((sum, cluster) => sum + cluster.count, 0)).toBe(points.length);
        const killed = points.reduce((sum, p) => sum + p.killed, 0);
        expect(singles.reduce((sum, p) => sum + p.killed, 0) + clusters.reduce((sum, cluster) => sum + cluster.killed, 0)).toBe(killed);
        expect(clusters.every((cluster) => cluster.count >= 2)).toBe(true);
      }),
    );
  });
});
