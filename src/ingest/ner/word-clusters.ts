/**
 * Cheap hierarchical word clusters from raw text, standing in for Brown clusters
 * (Brown et al. 1992), whose exact algorithm is too slow to run at every training.
 * Each word is described by the words seen just left and right of it (restricted
 * to the most frequent ones, log-scaled, unit length); the words are then split
 * in two again and again by spherical 2-means. A word's cluster is its path of
 * left/right choices ("0110…"), so path prefixes name coarser clusters, as with
 * Brown clusters in Ratinov & Roth (2009, §5).
 */
export interface ClusterOptions {
  /** Words seen fewer times get no cluster. */
  minCount: number;
  /** How many of the most frequent words serve as context. */
  contextWords: number;
  /** Length of the paths, i.e. number of successive splits. */
  depth: number;
  /** 2-means iterations per split. */
  iterations: number;
}

export const DEFAULT_CLUSTER_OPTIONS: ClusterOptions = { minCount: 3, contextWords: 400, depth: 16, iterations: 6 };

export function deriveWordClusters(
  sentences: Iterable<readonly string[]>,
  options: ClusterOptions = DEFAULT_CLUSTER_OPTIONS,
): Map<string, string> {
  const lowered: string[][] = [];
  const counts = new Map<string, number>();
  for (const sentence of sentences) {
    const words = sentence.map((token) => token.toLowerCase());
    lowered.push(words);
    for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const byFrequency = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const vocabulary = byFrequency.filter(([, count]) => count >= options.minCount).map(([word]) => word);
  const context = new Map(byFrequency.slice(0, options.contextWords).map(([word], i) => [word, i]));
  const index = new Map(vocabulary.map((word, i) => [word, i]));

  // Context dimensions: left word, right word (each the frequent words plus "other" and "boundary").
  const side = options.contextWords + 2;
  const dims = 2 * side;
  const vectors = new Float32Array(vocabulary.length * dims);
  const slot = (word: string | undefined): number =>
    word === undefined ? side - 1 : (context.get(word) ?? side - 2);
  for (const words of lowered) {
    words.forEach((word, i) => {
      const row = index.get(word);
      if (row === undefined) return;
      const base = row * dims;
      vectors[base + slot(words[i - 1])] = (vectors[base + slot(words[i - 1])] as number) + 1;
      vectors[base + side + slot(words[i + 1])] = (vectors[base + side + slot(words[i + 1])] as number) + 1;
    });
  }
  for (let row = 0; row < vocabulary.length; row += 1) normalise(vectors, row * dims, dims, true);

  const paths: string[] = new Array<string>(vocabulary.length).fill('');
  let groups: number[][] = [vocabulary.map((_, i) => i)];
  for (let level = 0; level < options.depth; level += 1) {
    const next: number[][] = [];
    for (const group of groups) {
      if (group.length < 2) {
        for (const row of group) paths[row] += '0';
        next.push(group);
        continue;
      }
      const [left, right] = bisect(vectors, dims, group, options.iterations);
      for (const row of left) paths[row] += '0';
      for (const row of right) paths[row] += '1';
      next.push(left, right);
    }
    groups = next;
  }
  return new Map(vocabulary.map((word, i) => [word, paths[i] as string]));
}

/** Spherical 2-means over the rows in `group`, seeded by the two mutually farthest of a few candidates. */
function bisect(vectors: Float32Array, dims: number, group: readonly number[], iterations: number): [number[], number[]] {
  const centroids = [new Float32Array(dims), new Float32Array(dims)] as const;
  const first = group[0] as number;
  const farthest = (from: number): number => {
    let best = from;
    let lowest = Infinity;
    for (const row of group) {
      const similarity = dot(vectors, row * dims, vectors, from * dims, dims);
      if (similarity < lowest) {
        lowest = similarity;
        best = row;
      }
    }
    return best;
  };
  const a = farthest(first);
  const b = farthest(a);
  centroids[0].set(vectors.subarray(a * dims, (a + 1) * dims));
  centroids[1].set(vectors.subarray(b * dims, (b + 1) * dims));
  let left: number[] = [];
  let right: number[] = [];
  for (let iteration = 0; iteration < iterations; iteration += 1) {
    left = [];
    right = [];
    for (const row of group) {
      const toLeft = dot(vectors, row * dims, centroids[0], 0, dims);
      const toRight = dot(vectors, row * dims, centroids[1], 0, dims);
      (toLeft >= toRight ? left : right).push(row);
    }
    if (left.length === 0 || right.length === 0) break;
    for (const [centroid, members] of [
      [centroids[0], left],
      [centroids[1], right],
    ] as const) {
      centroid.fill(0);
      for (const row of members) {
        for (let d = 0; d < dims; d += 1) centroid[d] = (centroid[d] as number) + (vectors[row * dims + d] as number);
      }
      normalise(centroid, 0, dims, false);
    }
  }
  if (left.length === 0 || right.length === 0) {
    // Identical vectors: split arbitrarily so that paths stay the same length.
    const half = Math.ceil(group.length / 2);
    return [group.slice(0, half), group.slice(half)];
  }
  return [left, right];
}

function dot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, dims: number): number {
  let sum = 0;
  for (let d = 0; d < dims; d += 1) sum += (a[aOffset + d] as number) * (b[bOffset + d] as number);
  return sum;
}

function normalise(vector: Float32Array, offset: number, dims: number, logScale: boolean): void {
  let norm = 0;
  for (let d = offset; d < offset + dims; d += 1) {
    if (logScale) vector[d] = Math.log1p(vector[d] as number);
    norm += (vector[d] as number) ** 2;
  }
  if (norm === 0) return;
  const scale = 1 / Math.sqrt(norm);
  for (let d = offset; d < offset + dims; d += 1) vector[d] = (vector[d] as number) * scale;
}
