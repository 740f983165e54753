import type { TaggedSentence } from './conll.js';
import { chunksFromTags } from './conll.js';
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

/** Scores a recogniser against the tags of a CoNLL-format file (IOB1, IOB2, IOBES or BILOU). */
export function evaluateTagged(recogniser: EntityRecogniser, sentences: readonly TaggedSentence[]): EvaluationReport {
  const scorer = new ChunkScorer();
  for (const { tokens, tags } of sentences) {
    scorer.add(tokens.length, chunksFromTags(tags), recogniser.recognise(tokens));
  }
  return scorer.report();
}
