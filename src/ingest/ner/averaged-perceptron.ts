import { bilouConstraints, viterbi } from './viterbi.js';

/** A sentence as feature ids: token t's features are `features[offsets[t] .. offsets[t+1])`. */
export interface EncodedSentence {
  features: Int32Array;
  offsets: Int32Array;
  labels: Int32Array;
}

/**
 * The averaged structured perceptron (Collins 2002) for a first-order linear chain:
 * decode with the current weights, and where the best path differs from the gold
 * one, reward the gold features and penalise the predicted ones. The averaged
 * weights are computed lazily (Daumé III 2006, §2.1.1): `w − u / c`, where `u`
 * sums each update times the step count `c` at which it happened.
 */
export class AveragedPerceptron {
  readonly weights: Float32Array;
  readonly transitions: Float32Array;
  private readonly weightSums: Float64Array;
  private readonly transitionSums: Float64Array;
  private readonly constraints: { transitions: Float32Array; finals: Float32Array };
  private readonly L: number;
  private step = 1;
  private emissions = new Float32Array(0);
  private readonly decodingTransitions: Float32Array;

  constructor(
    readonly featureCount: number,
    readonly labels: readonly string[],
  ) {
    this.L = labels.length;
    this.weights = new Float32Array(featureCount * this.L);
    this.weightSums = new Float64Array(featureCount * this.L);
    this.transitions = new Float32Array((this.L + 1) * this.L);
    this.transitionSums = new Float64Array((this.L + 1) * this.L);
    this.constraints = bilouConstraints(labels);
    this.decodingTransitions = new Float32Array(this.transitions.length);
  }

  /** One pass over the sentences in the given order; returns the token accuracy before updates. */
  trainEpoch(sentences: readonly EncodedSentence[], order: readonly number[]): number {
    let tokens = 0;
    let correct = 0;
    for (const index of order) {
      const sentence = sentences[index] as EncodedSentence;
      const predicted = this.decode(sentence);
      const n = sentence.labels.length;
      tokens += n;
      for (let t = 0; t < n; t += 1) if (predicted[t] === sentence.labels[t]) correct += 1;
      this.update(sentence, predicted);
      this.step += 1;
    }
    return tokens === 0 ? 0 : correct / tokens;
  }

  /** The best label sequence under the current (not averaged) weights. */
  decode(sentence: EncodedSentence): Int32Array {
    const { L } = this;
    const n = sentence.labels.length;
    if (this.emissions.length < n * L) this.emissions = new Float32Array(n * L * 2);
    const emissions = this.emissions;
    emissions.fill(0, 0, n * L);
    for (let t = 0; t < n; t += 1) {
      const base = t * L;
      for (let k = sentence.offsets[t] as number; k < (sentence.offsets[t + 1] as number); k += 1) {
        const offset = (sentence.features[k] as number) * L;
        for (let y = 0; y < L; y += 1) emissions[base + y] = (emissions[base + y] as number) + (this.weights[offset + y] as number);
      }
    }
    for (let i = 0; i < this.transitions.length; i += 1) {
      this.decodingTransitions[i] = (this.transitions[i] as number) + (this.constraints.transitions[i] as number);
    }
    return viterbi(emissions, n, L, this.decodingTransitions, this.constraints.finals);
  }

  /** The averaged weights, as a copy. */
  averaged(): { weights: Float32Array; transitions: Float32Array } {
    const average = (current: Float32Array, sums: Float64Array): Float32Array =>
      current.map((weight, i) => weight - (sums[i] as number) / this.step);
    return { weights: average(this.weights, this.weightSums), transitions: average(this.transitions, this.transitionSums) };
  }

  private update(sentence: EncodedSentence, predicted: Int32Array): void {
    const { L } = this;
    const gold = sentence.labels;
    for (let t = 0; t < gold.length; t += 1) {
      const g = gold[t] as number;
      const p = predicted[t] as number;
      const prevGold = t === 0 ? L : (gold[t - 1] as number);
      const prevPredicted = t === 0 ? L : (predicted[t - 1] as number);
      if (g !== p || prevGold !== prevPredicted) {
        this.bump(this.transitions, this.transitionSums, prevGold * L + g, 1);
        this.bump(this.transitions, this.transitionSums, prevPredicted * L + p, -1);
      }
      if (g === p) continue;
      for (let k = sentence.offsets[t] as number; k < (sentence.offsets[t + 1] as number); k += 1) {
        const offset = (sentence.features[k] as number) * L;
        this.bump(this.weights, this.weightSums, offset + g, 1);
        this.bump(this.weights, this.weightSums, offset + p, -1);
      }
    }
  }

  private bump(weights: Float32Array, sums: Float64Array, index: number, delta: number): void {
    weights[index] = (weights[index] as number) + delta;
    sums[index] = (sums[index] as number) + delta * this.step;
  }
}
