import type { Gazetteer } from './gazetteer.js';

/**
 * Feature templates for one token in its sentence, in the style of Ratinov & Roth
 * (2009, §4) and the Stanford NER feature set: the word and its lowercase form,
 * affixes, word shape, capitalisation and digit patterns, the words and shapes of a
 * ±2 window, word bigrams, gazetteer matches and, when given, word clusters.
 */
export interface FeatureResources {
  gazetteer?: Gazetteer | undefined;
  /** Word (lowercased) → cluster path (e.g. a bit string); prefixes give coarser clusters. */
  clusters?: ReadonlyMap<string, string> | undefined;
}

const CLUSTER_PREFIXES = [4, 8, 12, 20];
const WORD_CACHE_LIMIT = 200_000;

interface WordInfo {
  own: string[];
  lower: string;
  shortShape: string;
  shape: string;
  cluster: string | undefined;
}

/** "Putin" → "Xxxxx", "1996-08-22" → "dddd-dd-dd"; runs longer than four are cut to four. */
export function wordShape(word: string): string {
  let shape = '';
  let last = '';
  let run = 0;
  for (const char of word) {
    const mapped = shapeChar(char);
    run = mapped === last ? run + 1 : 1;
    last = mapped;
    if (run <= 4) shape += mapped;
  }
  return shape;
}

/** "Putin" → "Xx", "1996-08-22" → "d-d-d": the shape with every run collapsed. */
export function shortWordShape(word: string): string {
  let shape = '';
  let last = '';
  for (const char of word) {
    const mapped = shapeChar(char);
    if (mapped !== last) shape += mapped;
    last = mapped;
  }
  return shape;
}

function shapeChar(char: string): string {
  if (char >= '0' && char <= '9') return 'd';
  const lower = char.toLowerCase();
  const upper = char.toUpperCase();
  if (lower === upper) return char;
  return char === upper ? 'X' : 'x';
}

export class FeatureExtractor {
  private readonly words = new Map<string, WordInfo>();

  constructor(private readonly resources: FeatureResources = {}) {}

  /** The feature strings of every token of a sentence. */
  extract(tokens: readonly string[]): string[][] {
    const infos = tokens.map((token) => this.wordInfo(token));
    const gazetteer = this.resources.gazetteer?.match(tokens);
    const n = tokens.length;
    const result: string[][] = [];
    for (let i = 0; i < n; i += 1) {
      const here = infos[i] as WordInfo;
      const prev = infos[i - 1];
      const prev2 = infos[i - 2];
      const next = infos[i + 1];
      const next2 = infos[i + 2];
      const features = here.own.slice();
      features.push(
        `l-1=${prev?.lower ?? '<s>'}`,
        `l-2=${prev2?.lower ?? '<s>'}`,
        `l+1=${next?.lower ?? '</s>'}`,
        `l+2=${next2?.lower ?? '</s>'}`,
        `ss-1=${prev?.shortShape ?? '<s>'}`,
        `ss-2=${prev2?.shortShape ?? '<s>'}`,
        `ss+1=${next?.shortShape ?? '</s>'}`,
        `ss+2=${next2?.shortShape ?? '</s>'}`,
        `sh-1=${prev?.shape ?? '<s>'}`,
        `sh+1=${next?.shape ?? '</s>'}`,
        `l-1,l0=${prev?.lower ?? '<s>'}|${here.lower}`,
        `l0,l+1=${here.lower}|${next?.lower ?? '</s>'}`,
        `ss-1,ss0,ss+1=${prev?.shortShape ?? '<s>'}|${here.shortShape}|${next?.shortShape ?? '</s>'}`,
      );
      if (i === 0) features.push(`first,ss0=${here.shortShape}`);
      if (this.resources.clusters) {
        features.push(`c-1=${prev?.cluster ?? '<s>'}`, `c+1=${next?.cluster ?? '</s>'}`);
      }
      if (gazetteer) {
        for (const mark of gazetteer[i] ?? []) features.push(`g0=${mark}`);
        for (const mark of gazetteer[i - 1] ?? []) features.push(`g-1=${mark}`);
        for (const mark of gazetteer[i + 1] ?? []) features.push(`g+1=${mark}`);
      }
      result.push(features);
    }
    return result;
  }

  private wordInfo(word: string): WordInfo {
    const cached = this.words.get(word);
    if (cached) return cached;
    const info = this.describe(word);
    if (this.words.size >= WORD_CACHE_LIMIT) this.words.clear();
    this.words.set(word, info);
    return info;
  }

  private describe(word: string): WordInfo {
    const lower = word.toLowerCase();
    const shape = wordShape(word);
    const shortShape = shortWordShape(word);
    const cluster = this.resources.clusters?.get(lower);
    const own = ['bias', `w=${word}`, `l=${lower}`, `sh=${shape}`, `ss=${shortShape}`];
    const chars = [...lower];
    for (let k = 1; k <= 4 && k <= chars.length; k += 1) {
      own.push(`p${k}=${chars.slice(0, k).join('')}`, `s${k}=${chars.slice(-k).join('')}`);
    }
    if (/^[A-Z]/.test(word)) own.push('initcap');
    if (/^[A-Z]+$/.test(word)) own.push('allcap');
    if (/^[A-Z][a-z]+[A-Z]/.test(word)) own.push('mixedcap');
    if (/\d/.test(word)) own.push('hasdigit');
    if (/^\d+$/.test(word)) own.push(`digits=${Math.min(word.length, 5)}`);
    if (word.includes('-')) own.push('hashyphen');
    if (/^[A-Za-z](\.[A-Za-z])*\.$/.test(word)) own.push('abbrev');
    if (/^\W+$/.test(word)) own.push('punct');
    own.push(`len=${Math.min(chars.length, 10)}`);
    if (cluster !== undefined) {
      for (const length of CLUSTER_PREFIXES) own.push(`c${length}=${cluster.slice(0, length)}`);
    }
    return { own, lower, shortShape, shape, cluster };
  }
}
