import { ChunkScorer, type EvaluationReport } from './conll-eval.js';
import type { EntityRecogniser, EntitySpan } from './recogniser.js';

/** Scores a recogniser against gold spans, conlleval-style (see conll-eval.ts). */
export function evaluateSpans(
  recogniser: EntityRecogniser,
  sentences: readonly { tokens: readonly string[]; spans: readonly EntitySpan[] }[],
): EvaluationReport {
  const scorer = new ChunkScorer();
  for (const { tokens, spans } of sentences) scorer.add(tokens.length, spans, recogniser.recognise(tokens));
  return scorer.report();
}
