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

const CLUSTER_PREFIXES = [8, 12, 16];
const WORD_CACHE_LIMIT = 200_000;

/** Where a neighbour sits relative to the token it describes; `around` follows this order. */
export const NEIGHBOUR_OFFSETS = [-2, -1, 1, 2] as const;

/*
 * The context templates, one function each, so that the recogniser can cache
 * their rows per pair of words instead of building the strings for every token.
 */
export const leftBigram = (prev: WordFeatures, here: WordFeatures): string => `l-1,l0=${prev.lower}|${here.lower}`;
export const rightBigram = (here: WordFeatures, next: WordFeatures): string => `l0,l+1=${here.lower}|${next.lower}`;
export const shapeTrigram = (prev: WordFeatures, here: WordFeatures, next: WordFeatures): string =>
  `ss-1,ss0,ss+1=${prev.shortShape}|${here.shortShape}|${next.shortShape}`;

/** Gazetteer marks of the token itself and of its neighbours, with their feature prefixes. */
export const GAZETTEER_OFFSETS: readonly (readonly [number, string])[] = [[0, 'g0='], [-1, 'g-1='], [1, 'g+1=']];

/** Features of the token's place: first in the sentence, in a headline set in capitals. */
export function positionFeatures(i: number, here: WordFeatures, context: SentenceContext): string[] {
  const features: string[] = [];
  if (i === 0) features.push(`first,ss0=${here.shortShape}`);
  if (context.capitals) features.push('capsline', `capsline,l0=${here.lower}`);
  return features;
}

/** The features a word contributes, as itself and as the neighbour of another token. */
export interface WordFeatures {
  lower: string;
  shortShape: string;
  /** Features of a token that is this word. */
  own: readonly string[];
  /** Per entry of {@link NEIGHBOUR_OFFSETS}: features this word gives a token at that distance. */
  around: readonly (readonly string[])[];
}

/** What matching the whole sentence tells about each token. */
export interface SentenceContext {
  gazetteer: string[][] | undefined;
  capitals: boolean;
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

/** A headline set in capitals: every token with letters is upper case, and there are at least two. */
function isCapitalsLine(tokens: readonly string[]): boolean {
  let words = 0;
  for (const token of tokens) {
    let letters = false;
    for (let k = 0; k < token.length; k += 1) {
      const code = token.charCodeAt(k);
      // A lower-case ASCII letter settles it; any other ASCII letter makes the token a word.
      if (code >= 97 && code <= 122) return false;
      if (code >= 65 && code <= 90) letters = true;
    }
    if (!letters) continue;
    if (token !== token.toUpperCase()) return false;
    words += 1;
  }
  return words >= 2;
}

function shapeChar(char: string): string {
  if (char >= '0' && char <= '9') return 'd';
  const lower = char.toLowerCase();
  const upper = char.toUpperCase();
  if (lower === upper) return char;
  return char === upper ? 'X' : 'x';
}

export class FeatureExtractor {
  private readonly words = new Map<string, WordFeatures>();
  /** Stand-ins for the words before the start and after the end of a sentence. */
  readonly before: WordFeatures;
  readonly after: WordFeatures;

  constructor(private readonly resources: FeatureResources = {}) {
    this.before = this.boundary('<s>');
    this.after = this.boundary('</s>');
  }

  /** The feature strings of every token of a sentence. */
  extract(tokens: readonly string[]): string[][] {
    const words = tokens.map((token) => this.word(token));
    const context = this.sentenceContext(tokens);
    return words.map((word, i) => {
      const features = [...word.own];
      NEIGHBOUR_OFFSETS.forEach((offset, slot) => {
        features.push(...(this.neighbour(words, i + offset).around[slot] ?? []));
      });
      features.push(...this.contextFeatures(words, i, context));
      return features;
    });
  }

  /** The word-level features of a token; cached, as words repeat. */
  word(token: string): WordFeatures {
    const cached = this.words.get(token);
    if (cached) return cached;
    const features = this.describe(token);
    if (this.words.size >= WORD_CACHE_LIMIT) this.words.clear();
    this.words.set(token, features);
    return features;
  }

  /** The word at index `j`, or the boundary stand-in outside the sentence. */
  neighbour(words: readonly WordFeatures[], j: number): WordFeatures {
    if (j < 0) return this.before;
    return words[j] ?? this.after;
  }

  sentenceContext(tokens: readonly string[]): SentenceContext {
    return { gazetteer: this.resources.gazetteer?.match(tokens), capitals: isCapitalsLine(tokens) };
  }

  /** Features that depend on more than one word or on the sentence: bigrams, position, gazetteer. */
  contextFeatures(words: readonly WordFeatures[], i: number, context: SentenceContext): string[] {
    const here = words[i] as WordFeatures;
    const prev = this.neighbour(words, i - 1);
    const next = this.neighbour(words, i + 1);
    const features = [leftBigram(prev, here), rightBigram(here, next), shapeTrigram(prev, here, next), ...positionFeatures(i, here, context)];
    const marks = context.gazetteer;
    if (marks) {
      for (const [offset, prefix] of GAZETTEER_OFFSETS) for (const mark of marks[i + offset] ?? []) features.push(`${prefix}${mark}`);
    }
    return features;
  }

  private boundary(marker: string): WordFeatures {
    return { lower: marker, shortShape: marker, own: [], around: this.aroundFeatures(marker, marker, marker, marker) };
  }

  private aroundFeatures(lower: string, shape: string, shortShape: string, cluster: string): string[][] {
    return NEIGHBOUR_OFFSETS.map((offset) => {
      const at = offset > 0 ? `+${offset}` : `${offset}`;
      const features = [`l${at}=${lower}`, `ss${at}=${shortShape}`];
      if (Math.abs(offset) === 1) {
        features.push(`sh${at}=${shape}`);
        if (this.resources.clusters) features.push(`c${at}=${cluster}`);
      }
      return features;
    });
  }

  private describe(word: string): WordFeatures {
    // "Mr." and "Mr", "Corp." and "Corp" are one word for every feature but the exact form.
    const lower = (/^[A-Za-z]{1,4}\.$/.test(word) ? word.slice(0, -1) : word).toLowerCase();
    const shape = wordShape(word);
    const shortShape = shortWordShape(word);
    const cluster = this.resources.clusters?.get(word.toLowerCase());
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
    return { lower, shortShape, own, around: this.aroundFeatures(lower, shape, shortShape, cluster ?? 'none') };
  }
}
