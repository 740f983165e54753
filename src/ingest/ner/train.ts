import { AveragedPerceptron, type EncodedSentence } from './averaged-perceptron.js';
import type { EvaluationReport } from './conll-eval.js';
import { evaluateSpans } from './evaluation.js';
import { FeatureExtractor } from './features.js';
import { GazetteerBuilder, type Gazetteer } from './gazetteer.js';
import { bilouLabels, spansToBilou } from './labels.js';
import { LinearChainRecogniser } from './linear-chain-recogniser.js';
import type { LinearChainModel } from './linear-chain-model.js';
import type { TrainingSentence } from './training-data.js';

/** Starts the name of a feature private to one source domain; such features are not shipped. */
const DOMAIN_MARK = '\u0000';

export interface TrainingOptions {
  epochs: number;
  /**
   * Training-entity gazetteer features are computed jackknife-style: each of
   * `folds` contiguous blocks sees a gazetteer built from the other blocks only, so
   * the model does not learn to trust a list that always contains the answer.
   */
  folds: number;
  /** Features seen fewer times in training are dropped. */
  minFeatureCount: number;
  /** Averaged weights smaller than this in magnitude are dropped from the model. */
  pruneBelow: number;
  seed: number;
  /** Adds lists that do not come from the training data (countries, cities). */
  addReferenceLists?: (builder: GazetteerBuilder) => void;
  clusters?: Map<string, string> | undefined;
  /** Sentences whose entities only feed the gazetteer (data too noisy to train on). */
  gazetteerSentences?: readonly TrainingSentence[] | undefined;
  /** Development data: scored after each epoch, to show progress; it does not steer training. */
  dev?: readonly TrainingSentence[] | undefined;
  log?: (line: string) => void;
}

export interface TrainingResult {
  model: LinearChainModel;
  /** The final model's scores on the development data, if given. */
  dev: EvaluationReport | undefined;
}

/** Trains a BILOU averaged-perceptron recogniser (see averaged-perceptron.ts). */
export function trainModel(sentences: readonly TrainingSentence[], options: TrainingOptions): TrainingResult {
  const log = options.log ?? ((): void => undefined);
  const labels = bilouLabels();
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  const started = Date.now();
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)}s`;

  const folds = foldBounds(sentences.length, options.folds);
  const ids = new Map<string, number>();
  const counts: number[] = [];
  const raw: { features: number[]; offsets: Int32Array; labels: Int32Array }[] = [];
  for (const [from, to] of folds) {
    const gazetteer = buildGazetteer(sentences, options, [from, to]);
    const extractor = new FeatureExtractor({ gazetteer, clusters: options.clusters });
    for (let s = from; s < to; s += 1) {
      const sentence = sentences[s] as TrainingSentence;
      const perToken = extractor.extract(sentence.tokens);
      const features: number[] = [];
      const offsets = new Int32Array(perToken.length + 1);
      const domain = sentence.domain === undefined ? '' : `${DOMAIN_MARK}${sentence.domain}:`;
      perToken.forEach((names, t) => {
        for (const name of domain === '' ? names : names.flatMap((name) => [name, domain + name])) {
          let id = ids.get(name);
          if (id === undefined) {
            id = counts.length;
            ids.set(name, id);
            counts.push(0);
          }
          counts[id] = (counts[id] as number) + 1;
          features.push(id);
        }
        offsets[t + 1] = features.length;
      });
      const gold = spansToBilou(sentence.spans, sentence.tokens.length).map((label) => labelIndex.get(label) as number);
      raw.push({ features, offsets, labels: Int32Array.from(gold) });
    }
  }
  log(`features: ${ids.size} extracted from ${sentences.length} sentences in ${elapsed()}`);

  const { names, remap } = keepFrequent(ids, counts, options.minFeatureCount);
  const encoded: EncodedSentence[] = raw.map((sentence) => encode(sentence, remap));
  log(`features: ${names.length} kept (seen ≥ ${options.minFeatureCount} times)`);

  const features = new Map(names.map((name, i) => [name, i]));
  const gazetteer = buildGazetteer(sentences, options, [0, 0]).toData();
  const perceptron = new AveragedPerceptron(names.length, labels);
  const random = seededRandom(options.seed);
  const order = sentences.map((_, i) => i);
  let averaged = perceptron.averaged();
  for (let epoch = 1; epoch <= options.epochs; epoch += 1) {
    shuffle(order, random);
    const accuracy = perceptron.trainEpoch(encoded, order);
    averaged = perceptron.averaged();
    const model: LinearChainModel = { labels, features, ...averaged, gazetteer, clusters: options.clusters };
    const dev = options.dev ? evaluateSpans(new LinearChainRecogniser(model), options.dev) : undefined;
    log(
      `epoch ${epoch}/${options.epochs}: training accuracy ${(100 * accuracy).toFixed(2)}%` +
        (dev ? `, dev F1 ${dev.overall.f1.toFixed(2)}` : '') +
        ` (${elapsed()})`,
    );
  }
  const model = prune({ labels, features, ...averaged, gazetteer, clusters: options.clusters }, options.pruneBelow);
  log(`${model.features.size} features left after pruning weights below ${options.pruneBelow}`);
  const dev = options.dev ? evaluateSpans(new LinearChainRecogniser(model), options.dev) : undefined;
  return { model, dev };
}

function foldBounds(count: number, folds: number): [number, number][] {
  const bounds: [number, number][] = [];
  const k = Math.max(1, Math.min(folds, count));
  for (let i = 0; i < k; i += 1) bounds.push([Math.floor((i * count) / k), Math.floor(((i + 1) * count) / k)]);
  return bounds;
}

/** The gazetteer from the reference lists and the entities of every sentence outside [from, to). */
function buildGazetteer(
  sentences: readonly TrainingSentence[],
  options: TrainingOptions,
  [from, to]: [number, number],
): Gazetteer {
  const builder = new GazetteerBuilder();
  options.addReferenceLists?.(builder);
  for (const sentence of options.gazetteerSentences ?? []) {
    for (const span of sentence.spans) builder.add(span.type, sentence.tokens.slice(span.start, span.end));
  }
  sentences.forEach((sentence, s) => {
    if (s >= from && s < to) return;
    for (const span of sentence.spans) builder.add(span.type, sentence.tokens.slice(span.start, span.end));
  });
  return builder.build();
}

function keepFrequent(
  ids: Map<string, number>,
  counts: readonly number[],
  minCount: number,
): { names: string[]; remap: Int32Array } {
  const remap = new Int32Array(counts.length).fill(-1);
  const names: string[] = [];
  for (const [name, id] of ids) {
    if ((counts[id] as number) < minCount) continue;
    remap[id] = names.length;
    names.push(name);
  }
  return { names, remap };
}

function encode(
  sentence: { features: number[]; offsets: Int32Array; labels: Int32Array },
  remap: Int32Array,
): EncodedSentence {
  const features: number[] = [];
  const offsets = new Int32Array(sentence.offsets.length);
  for (let t = 0; t + 1 < sentence.offsets.length; t += 1) {
    for (let k = sentence.offsets[t] as number; k < (sentence.offsets[t + 1] as number); k += 1) {
      const id = remap[sentence.features[k] as number] as number;
      if (id >= 0) features.push(id);
    }
    offsets[t + 1] = features.length;
  }
  return { features: Int32Array.from(features), offsets, labels: sentence.labels };
}

/** Drops small weights, then features left with no weight or private to a domain, renumbering the rest. */
function prune(model: LinearChainModel, threshold: number): LinearChainModel {
  const L = model.labels.length;
  const names: string[] = new Array<string>(model.features.size);
  for (const [name, row] of model.features) names[row] = name;
  const kept: string[] = [];
  const rows: number[] = [];
  names.forEach((name, row) => {
    if (name.startsWith(DOMAIN_MARK)) return;
    for (let y = 0; y < L; y += 1) {
      if (Math.abs(model.weights[row * L + y] as number) >= threshold) {
        kept.push(name);
        rows.push(row);
        return;
      }
    }
  });
  const weights = new Float32Array(kept.length * L);
  rows.forEach((row, i) => {
    for (let y = 0; y < L; y += 1) {
      const weight = model.weights[row * L + y] as number;
      weights[i * L + y] = Math.abs(weight) >= threshold ? weight : 0;
    }
  });
  return { ...model, features: new Map(kept.map((name, i) => [name, i])), weights };
}

/** Mulberry32: a small seeded generator, so that training runs are reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as number, items[i] as number];
  }
}
