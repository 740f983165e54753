import {
  FeatureExtractor, GAZETTEER_OFFSETS, NEIGHBOUR_OFFSETS, leftBigram, positionFeatures, rightBigram, shapeTrigram, type WordFeatures,
} from './features.js';
import { Gazetteer } from './gazetteer.js';
import { bilouToSpans } from './labels.js';
import type { LinearChainModel } from './linear-chain-model.js';
import type { EntityRecogniser, EntitySpan } from './recogniser.js';
import { bilouConstraints, viterbi } from './viterbi.js';

/** A word's summed weights per label, as itself and per neighbour offset. */
interface WordScores {
  /** Numbers the word for the pair caches of the words before it. */
  id: number;
  own: Float32Array;
  around: Float32Array[];
  /** Rows of the bigrams this word makes with the word after it, by that word's id. */
  pairs: Map<number, PairRows>;
}

/** The model rows of the two bigrams a pair of neighbouring words makes; -1 when the model lacks one. */
interface PairRows {
  left: number;
  right: number;
}

// Cached entries (words, pairs, shape triples, gazetteer marks) before the caches start afresh.
const CACHE_LIMIT = 200_000;

/**
 * Tags sentences with a {@link LinearChainModel}: features → emission scores →
 * Viterbi → spans. A word's own and neighbour features are summed once per
 * distinct word into a score per label, and the rows of the bigram, shape and
 * gazetteer features are cached per pair of words and per mark, so a token costs
 * a few vector additions and no feature strings. The scores are those of
 * {@link FeatureExtractor.extract}'s features, which the trainer uses.
 */
export class LinearChainRecogniser implements EntityRecogniser {
  private readonly extractor: FeatureExtractor;
  private readonly transitions: Float32Array;
  private readonly finals: Float32Array;
  private readonly labelCount: number;
  private readonly scores = new Map<WordFeatures, WordScores>();
  private readonly shapes = new Map<string, number>();
  /** Per entry of GAZETTEER_OFFSETS: mark ("B-country") → model row. */
  private readonly marks = GAZETTEER_OFFSETS.map(() => new Map<string, number>());
  private cached = 0;
  private emissions = new Float32Array(0);

  constructor(private readonly model: LinearChainModel) {
    this.extractor = new FeatureExtractor({
      gazetteer: model.gazetteer ? new Gazetteer(model.gazetteer) : undefined,
      clusters: model.clusters,
    });
    const constraints = bilouConstraints(model.labels);
    this.transitions = model.transitions.map((weight, i) => weight + (constraints.transitions[i] as number));
    this.finals = constraints.finals;
    this.labelCount = model.labels.length;
  }

  recognise(tokens: readonly string[]): EntitySpan[] {
    return bilouToSpans(this.tag(tokens));
  }

  /** The BILOU label of each token. */
  tag(tokens: readonly string[]): string[] {
    const n = tokens.length;
    if (n === 0) return [];
    const L = this.labelCount;
    if (this.emissions.length < n * L) this.emissions = new Float32Array(n * L * 2);
    if (this.cached >= CACHE_LIMIT) this.clearCaches();
    const out = this.emissions;
    const words = tokens.map((token) => this.extractor.word(token));
    const scores = words.map((word) => this.wordScores(word));
    const before = this.wordScores(this.extractor.before);
    const after = this.wordScores(this.extractor.after);
    const scoresAt = (j: number): WordScores => (j < 0 ? before : scores[j] ?? after);
    const context = this.extractor.sentenceContext(tokens);
    for (let i = 0; i < n; i += 1) {
      const base = i * L;
      const here = words[i] as WordFeatures;
      const hereScores = scores[i] as WordScores;
      out.set(hereScores.own, base);
      for (let slot = 0; slot < NEIGHBOUR_OFFSETS.length; slot += 1) {
        this.addScores(out, base, scoresAt(i + (NEIGHBOUR_OFFSETS[slot] as number)).around[slot] as Float32Array);
      }
      const prev = this.extractor.neighbour(words, i - 1);
      const next = this.extractor.neighbour(words, i + 1);
      this.addRow(out, base, this.pair(prev, scoresAt(i - 1), here, hereScores).left);
      this.addRow(out, base, this.pair(here, hereScores, next, scoresAt(i + 1)).right);
      this.addRow(out, base, this.shapeRow(prev, here, next));
      // Only the first token and headlines in capitals have position features.
      if (i === 0 || context.capitals) {
        for (const feature of positionFeatures(i, here, context)) this.addRow(out, base, this.model.features.get(feature) ?? -1);
      }
      const marks = context.gazetteer;
      if (marks) {
        for (let slot = 0; slot < GAZETTEER_OFFSETS.length; slot += 1) {
          const around = marks[i + (GAZETTEER_OFFSETS[slot] as readonly [number, string])[0]];
          if (around === undefined) continue;
          for (const mark of around) this.addRow(out, base, this.markRow(slot, mark));
        }
      }
    }
    const path = viterbi(out, n, L, this.transitions, this.finals);
    return Array.from(path, (y) => this.model.labels[y] as string);
  }

  private clearCaches(): void {
    this.scores.clear();
    this.shapes.clear();
    for (const rows of this.marks) rows.clear();
    this.cached = 0;
  }

  private addScores(out: Float32Array, base: number, scores: Float32Array): void {
    for (let y = 0; y < scores.length; y += 1) out[base + y] = (out[base + y] as number) + (scores[y] as number);
  }

  private addRow(out: Float32Array, base: number, row: number): void {
    if (row < 0) return;
    const { weights } = this.model;
    const offset = row * this.labelCount;
    for (let y = 0; y < this.labelCount; y += 1) out[base + y] = (out[base + y] as number) + (weights[offset + y] as number);
  }

  /** The summed weights of a list of features; those the model lacks weigh nothing. */
  private sum(features: readonly string[]): Float32Array {
    const scores = new Float32Array(this.labelCount);
    for (const feature of features) this.addRow(scores, 0, this.model.features.get(feature) ?? -1);
    return scores;
  }

  private wordScores(word: WordFeatures): WordScores {
    let scores = this.scores.get(word);
    if (!scores) {
      scores = { id: this.scores.size, own: this.sum(word.own), around: word.around.map((features) => this.sum(features)), pairs: new Map() };
      this.scores.set(word, scores);
      this.cached += 1;
    }
    return scores;
  }

  private pair(first: WordFeatures, firstScores: WordScores, second: WordFeatures, secondScores: WordScores): PairRows {
    let rows = firstScores.pairs.get(secondScores.id);
    if (!rows) {
      rows = {
        left: this.model.features.get(leftBigram(first, second)) ?? -1,
        right: this.model.features.get(rightBigram(first, second)) ?? -1,
      };
      firstScores.pairs.set(secondScores.id, rows);
      this.cached += 1;
    }
    return rows;
  }

  private shapeRow(prev: WordFeatures, here: WordFeatures, next: WordFeatures): number {
    // Short shapes are few ("Xx", "x", "d"), so the key repeats and the map stays small.
    const key = `${prev.shortShape}\u0000${here.shortShape}\u0000${next.shortShape}`;
    let row = this.shapes.get(key);
    if (row === undefined) {
      row = this.model.features.get(shapeTrigram(prev, here, next)) ?? -1;
      this.shapes.set(key, row);
      this.cached += 1;
    }
    return row;
  }

  private markRow(slot: number, mark: string): number {
    const rows = this.marks[slot] as Map<string, number>;
    let row = rows.get(mark);
    if (row === undefined) {
      row = this.model.features.get(`${(GAZETTEER_OFFSETS[slot] as readonly [number, string])[1]}${mark}`) ?? -1;
      rows.set(mark, row);
      this.cached += 1;
    }
    return row;
  }
}
