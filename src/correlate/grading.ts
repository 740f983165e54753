/**
 * Admiralty (NATO) grading: source reliability A–F per source, information
 * credibility 1–6 per fact, and the STIX `confidence` a credibility maps to.
 */

export type SourceReliability = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';
export type InformationCredibility = 1 | 2 | 3 | 4 | 5 | 6;

/** A → F, most to least reliable; F is "reliability cannot be judged", the default. */
const RELIABILITY_ORDER: readonly SourceReliability[] = ['A', 'B', 'C', 'D', 'E', 'F'];

/** Reliability grades kept per source (outlet, agency or partner), by normalised name. */
export interface ReliabilityRegistry {
  get(source: string): SourceReliability;
}

export class MapReliabilityRegistry implements ReliabilityRegistry {
  private readonly grades: Map<string, SourceReliability>;

  constructor(grades: Readonly<Record<string, SourceReliability>> = {}) {
    this.grades = new Map(Object.entries(grades).map(([k, v]) => [sourceKey(k), v]));
  }

  get(source: string): SourceReliability {
    return this.grades.get(sourceKey(source)) ?? 'F';
  }

  set(source: string, grade: SourceReliability): void {
    this.grades.set(sourceKey(source), grade);
  }
}

export function sourceKey(source: string): string {
  return source.normalize('NFC').replace(/\s+/gu, ' ').trim().toLowerCase();
}

/** Negative when `a` is more reliable than `b`. */
export function compareReliability(a: SourceReliability, b: SourceReliability): number {
  return RELIABILITY_ORDER.indexOf(a) - RELIABILITY_ORDER.indexOf(b);
}

/**
 * STIX 2.1 Appendix A "Confidence Scales", Admiralty Credibility: 1 Confirmed
 * by other sources → 90, 2 Probably True → 70, 3 Possibly True → 50,
 * 4 Doubtful → 30, 5 Improbable → 10, 6 Truth cannot be judged → no value
 * (the `confidence` property is left out).
 */
export function credibilityToConfidence(credibility: InformationCredibility): number | undefined {
  return CONFIDENCE[credibility];
}

const CONFIDENCE: Readonly<Record<InformationCredibility, number | undefined>> = { 1: 90, 2: 70, 3: 50, 4: 30, 5: 10, 6: undefined };

/**
 * One report's support for, or contradiction of, a fact: grouped into
 * independent groups first (see {@link independentGroups}).
 */
export interface Testimony {
  readonly reportId: string;
  readonly outlet: string;
  readonly reliability: SourceReliability;
  /** The wire or agency the text attributes the fact to ("AFP reported"), when any. */
  readonly wire: string | undefined;
  readonly signature: MinHashSignature;
}

/**
 * Information credibility of one value of a fact (Admiralty scale):
 * - 1 confirmed: at least two independent groups report it and none contradicts;
 * - 2 probably true: more independent groups support it than contradict it,
 *   or one group from an A or B source, uncontradicted;
 * - 3 possibly true: one independent group, uncontradicted;
 * - 4 doubtful: contradicted by as many independent groups as support it;
 * - 5 improbable: contradicted by at least twice as many (and two or more);
 * - 6 cannot be judged: nobody reports it.
 * Copies of one wire story, or reports attributing the fact to one wire, count once.
 */
export function informationCredibility(support: readonly Testimony[], contradiction: readonly Testimony[]): InformationCredibility {
  const groups = independentGroups([...support, ...contradiction]);
  const supportIds = new Set(support.map((t) => t.reportId));
  const supporting = groups.filter((g) => g.some((t) => supportIds.has(t.reportId))).length;
  const contradicting = groups.filter((g) => g.some((t) => !supportIds.has(t.reportId))).length;
  if (supporting === 0) return 6;
  if (contradicting >= 2 && contradicting >= 2 * supporting) return 5;
  if (contradicting >= supporting) return 4;
  if (supporting >= 2) return contradicting === 0 ? 1 : 2;
  const best = [...support].sort((a, b) => compareReliability(a.reliability, b.reliability))[0];
  return contradicting === 0 && best !== undefined && compareReliability(best.reliability, 'B') <= 0 ? 2 : 3;
}

/** Jaccard similarity (estimated) above which two evidence texts are copies of one story. */
export const NEAR_DUPLICATE_SIMILARITY = 0.5;

/**
 * Groups testimonies that are not independent: the same report, the same wire
 * attribution, or near-duplicate evidence (MinHash estimate ≥
 * {@link NEAR_DUPLICATE_SIMILARITY}). Transitive (union-find).
 */
export function independentGroups(testimonies: readonly Testimony[]): Testimony[][] {
  const parent = testimonies.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i] as number)));
  for (let i = 0; i < testimonies.length; i++) {
    for (let j = i + 1; j < testimonies.length; j++) {
      const a = testimonies[i] as Testimony;
      const b = testimonies[j] as Testimony;
      const sameWire = a.wire !== undefined && b.wire !== undefined && sourceKey(a.wire) === sourceKey(b.wire);
      if (a.reportId === b.reportId || sameWire || estimateJaccard(a.signature, b.signature) >= NEAR_DUPLICATE_SIMILARITY) {
        parent[find(i)] = find(j);
      }
    }
  }
  const groups = new Map<number, Testimony[]>();
  testimonies.forEach((t, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), t]);
  });
  return [...groups.values()];
}

/** A MinHash signature of a text's word shingles; empty for a text too short to shingle. */
export type MinHashSignature = readonly number[];

const SHINGLE_WORDS = 3;
const HASHES = 64;

/**
 * MinHash over word 3-shingles (Broder 1997): the fraction of equal positions
 * of two signatures estimates the Jaccard similarity of their shingle sets.
 * Signatures are fixed-size, so they can be stored and banded for look-up.
 */
export function minHash(text: string): MinHashSignature {
  const words = text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length < SHINGLE_WORDS) return [];
  const signature = new Array<number>(HASHES).fill(0xffffffff);
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) {
    const base = fnv1a(words.slice(i, i + SHINGLE_WORDS).join(' '));
    for (let h = 0; h < HASHES; h++) {
      const value = mix(base, h);
      if (value < (signature[h] as number)) signature[h] = value;
    }
  }
  return signature;
}

export function estimateJaccard(a: MinHashSignature, b: MinHashSignature): number {
  if (a.length === 0 || a.length !== b.length) return 0;
  let equal = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) equal++;
  return equal / a.length;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** One of HASHES independent hash functions: a murmur3 finaliser over the shingle hash and the seed. */
function mix(value: number, seed: number): number {
  let h = (value ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
