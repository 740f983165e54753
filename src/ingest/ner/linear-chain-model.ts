import type { GazetteerData } from './gazetteer.js';

/**
 * A trained linear-chain tagger: one weight per (feature, label) and per (label,
 * label) transition. It is what the model file stores and what both the recogniser
 * and the trainer share.
 */
export interface LinearChainModel {
  labels: string[];
  /** Feature string → row index into `weights`. */
  features: Map<string, number>;
  /** Row-major features × labels. */
  weights: Float32Array;
  /** (labels + 1) × labels; the last row scores the first label of a sentence. */
  transitions: Float32Array;
  gazetteer: GazetteerData | undefined;
  /** Lowercased word → cluster path. */
  clusters: Map<string, string> | undefined;
}

/**
 * Fills `out` (n × labels) with the emission scores of each token: the sum of the
 * weight rows of its features, given as one or more lists of row indices.
 */
export function emissionScores(
  model: Pick<LinearChainModel, 'labels' | 'weights'>,
  featureRows: readonly (readonly (readonly number[] | Int32Array)[])[],
  out: Float32Array,
): void {
  const L = model.labels.length;
  const weights = model.weights;
  out.fill(0, 0, featureRows.length * L);
  for (let t = 0; t < featureRows.length; t += 1) {
    const base = t * L;
    for (const rows of featureRows[t] as readonly (readonly number[] | Int32Array)[]) {
      for (let k = 0; k < rows.length; k += 1) {
        const offset = (rows[k] as number) * L;
        for (let y = 0; y < L; y += 1) out[base + y] = (out[base + y] as number) + (weights[offset + y] as number);
      }
    }
  }
}
