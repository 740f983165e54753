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
