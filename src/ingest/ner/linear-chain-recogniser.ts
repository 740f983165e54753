import { FeatureExtractor, NEIGHBOUR_OFFSETS, type WordFeatures } from './features.js';
import { Gazetteer } from './gazetteer.js';
import { bilouToSpans } from './labels.js';
import { emissionScores, type LinearChainModel } from './linear-chain-model.js';
import type { EntityRecogniser, EntitySpan } from './recogniser.js';
import { bilouConstraints, viterbi } from './viterbi.js';

/** The model rows of a word's features, as itself and per neighbour offset. */
interface WordRows {
  own: Int32Array;
  around: Int32Array[];
}

const ROW_CACHE_LIMIT = 200_000;

/**
 * Tags sentences with a {@link LinearChainModel}: features → emission scores →
 * Viterbi → spans. Word-level features are looked up once per distinct word and
 * kept as model rows, so a token costs only its few sentence-dependent features.
 */
export class LinearChainRecogniser implements EntityRecogniser {
  private readonly extractor: FeatureExtractor;
  private readonly transitions: Float32Array;
  private readonly finals: Float32Array;
  private readonly rows = new Map<WordFeatures, WordRows>();
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
    const words = tokens.map((token) => this.extractor.word(token));
    const rows = words.map((word) => this.wordRows(word));
    const context = this.extractor.sentenceContext(tokens);
    const perToken = words.map((_, i) => {
      const ids: (Int32Array | number[])[] = [(rows[i] as WordRows).own];
      NEIGHBOUR_OFFSETS.forEach((offset, slot) => {
        const j = i + offset;
        const neighbour = j >= 0 && j < n ? (rows[j] as WordRows) : this.wordRows(this.extractor.neighbour(words, j));
        ids.push(neighbour.around[slot] as Int32Array);
      });
      ids.push(this.lookUp(this.extractor.contextFeatures(words, i, context)));
      return ids;
    });
    emissionScores(this.model, perToken, this.emissions);
    const path = viterbi(this.emissions, n, L, this.transitions, this.finals);
    return Array.from(path, (y) => this.model.labels[y] as string);
  }

  private wordRows(word: WordFeatures): WordRows {
    let rows = this.rows.get(word);
    if (!rows) {
      rows = { own: Int32Array.from(this.lookUp(word.own)), around: word.around.map((f) => Int32Array.from(this.lookUp(f))) };
      // The extractor's own cache clears itself when full; keep this one bounded likewise.
      if (this.rows.size >= ROW_CACHE_LIMIT) this.rows.clear();
      this.rows.set(word, rows);
    }
    return rows;
  }

  private lookUp(features: readonly string[]): number[] {
    const ids: number[] = [];
    for (const feature of features) {
      const id = this.model.features.get(feature);
      if (id !== undefined) ids.push(id);
    }
    return ids;
  }
}
