import type { Chunk } from './conll.js';

/**
 * Chunk-level scoring as the CoNLL shared tasks' conlleval script does it: a found
 * chunk is correct only if a gold chunk has exactly the same span and type;
 * precision, recall and F1 are micro-averaged over all chunks, and also given
 * per type. Token accuracy compares the IOB2 tags implied by the chunks.
 */
export interface ChunkCounts {
  gold: number;
  found: number;
  correct: number;
}

export interface Score extends ChunkCounts {
  precision: number;
  recall: number;
  f1: number;
}

export interface EvaluationReport {
  tokens: number;
  accuracy: number;
  overall: Score;
  byType: Map<string, Score>;
}

export class ChunkScorer {
  private tokens = 0;
  private correctTokens = 0;
  private readonly overall: ChunkCounts = { gold: 0, found: 0, correct: 0 };
  private readonly byType = new Map<string, ChunkCounts>();

  /** Adds one sentence of `length` tokens. */
  add(length: number, gold: readonly Chunk[], found: readonly Chunk[]): void {
    const key = (chunk: Chunk): string => `${chunk.start}:${chunk.end}:${chunk.type}`;
    const goldKeys = new Set(gold.map(key));
    for (const chunk of gold) this.count(chunk.type).gold += 1;
    for (const chunk of found) {
      const counts = this.count(chunk.type);
      counts.found += 1;
      if (goldKeys.has(key(chunk))) {
        counts.correct += 1;
        this.overall.correct += 1;
      }
    }
    this.overall.gold += gold.length;
    this.overall.found += found.length;
    const goldTags = iob2(length, gold);
    const foundTags = iob2(length, found);
    this.tokens += length;
    goldTags.forEach((tag, i) => {
      if (tag === foundTags[i]) this.correctTokens += 1;
    });
  }

  report(): EvaluationReport {
    const byType = new Map<string, Score>();
    for (const type of [...this.byType.keys()].sort()) byType.set(type, score(this.byType.get(type) as ChunkCounts));
    return {
      tokens: this.tokens,
      accuracy: this.tokens === 0 ? 0 : (100 * this.correctTokens) / this.tokens,
      overall: score(this.overall),
      byType,
    };
  }

  private count(type: string): ChunkCounts {
    let counts = this.byType.get(type);
    if (!counts) {
      counts = { gold: 0, found: 0, correct: 0 };
      this.byType.set(type, counts);
    }
    return counts;
  }
}

/** Percentages as conlleval computes them (0 when undefined). */
export function score(counts: ChunkCounts): Score {
  const precision = counts.found === 0 ? 0 : (100 * counts.correct) / counts.found;
  const recall = counts.gold === 0 ? 0 : (100 * counts.correct) / counts.gold;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...counts, precision, recall, f1 };
}

/** The report in conlleval's layout. */
export function formatReport(report: EvaluationReport): string {
  const { overall } = report;
  const pct = (value: number): string => value.toFixed(2).padStart(6);
  const lines = [
    `processed ${report.tokens} tokens with ${overall.gold} phrases; found: ${overall.found} phrases; correct: ${overall.correct}.`,
    `accuracy: ${pct(report.accuracy)}%; precision: ${pct(overall.precision)}%; recall: ${pct(overall.recall)}%; FB1: ${pct(overall.f1)}`,
  ];
  for (const [type, s] of report.byType) {
    lines.push(
      `${type.padStart(17)}: precision: ${pct(s.precision)}%; recall: ${pct(s.recall)}%; FB1: ${pct(s.f1)}  ${s.found}`,
    );
  }
  return lines.join('\n');
}

function iob2(length: number, chunks: readonly Chunk[]): string[] {
  const tags: string[] = new Array<string>(length).fill('O');
  for (const chunk of chunks) {
    for (let i = chunk.start; i < chunk.end; i += 1) tags[i] = `${i === chunk.start ? 'B' : 'I'}-${chunk.type}`;
  }
  return tags;
}
