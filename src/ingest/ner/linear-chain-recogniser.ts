import { FeatureExtractor } from './features.js';
import { Gazetteer } from './gazetteer.js';
import { bilouToSpans } from './labels.js';
import { emissionScores, type LinearChainModel } from './linear-chain-model.js';
import type { EntityRecogniser, EntitySpan } from './recogniser.js';
import { bilouConstraints, viterbi } from './viterbi.js';

/** Tags sentences with a {@link LinearChainModel}: features → emission scores → Viterbi → spans. */
export class LinearChainRecogniser implements EntityRecogniser {
  private readonly extractor: FeatureExtractor;
  private readonly transitions: Float32Array;
  private readonly finals: Float32Array;
  private emissions = new Float32Array(0);

  constructor(private readonly model: LinearChainModel) {
    this.extractor = new FeatureExtractor({
      gazetteer: model.gazetteer ? new Gazetteer(model.gazetteer) : undefined,
      clusters: model.clusters,
    });
    const constraints = bilouConstraints(model.labels);
    this.transitions = model.transitions.map((weight, i) => weight + (constraints.transitions[i] as number));
    this.finals = constraints.finals;
  }

  recognise(tokens: readonly string[]): EntitySpan[] {
    return bilouToSpans(this.tag(tokens));
  }

  /** The BILOU label of each token. */
  tag(tokens: readonly string[]): string[] {
    const n = tokens.length;
    if (n === 0) return [];
    const L = this.model.labels.length;
    if (this.emissions.length < n * L) this.emissions = new Float32Array(n * L * 2);
    const rows = this.extractor.extract(tokens).map((features) => {
      const ids: number[] = [];
      for (const feature of features) {
        const id = this.model.features.get(feature);
        if (id !== undefined) ids.push(id);
      }
      return ids;
    });
    emissionScores(this.model, rows, this.emissions);
    const path = viterbi(this.emissions, n, L, this.transitions, this.finals);
    return Array.from(path, (y) => this.model.labels[y] as string);
  }
}
