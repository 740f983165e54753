import type { Mention, SegmentedText, Sentence, Token } from './types.js';

/**
 * The subject of a verb, read from the tagged sentence: the named mention that
 * ends just before the verb, or — when an apposition set off by commas sits
 * between them ("the SITE Intelligence Group, a think tank headed by Rita Katz,
 * reported") — the mention before that apposition. Stops at the clause's start
 * (a semicolon, a quote mark, or "and"/"but" joining clauses).
 */
export function subjectMention(
  segmented: SegmentedText, mentions: readonly Mention[], sentence: Sentence, verb: number,
  accept: (mention: Mention) => boolean, adjacent = false,
): Mention | undefined {
  const { tokens } = segmented;
  let end = verb;
  while (end - 1 >= sentence.tokenStart && /^(ADV|AUX|PART)$/u.test((tokens[end - 1] as Token).pos)) end -= 1;
  if (tokens[end - 1]?.text === ',' && end - 1 > sentence.tokenStart) {
    for (let k = end - 2; k > sentence.tokenStart && k > end - 25; k -= 1) {
      const token = tokens[k] as Token;
      if (token.text === ',') {
        const before = mentionEndingAt(mentions, sentence, k, accept);
        if (before !== undefined) return before;
        break;
      }
    }
  }
  if (adjacent) return mentionEndingAt(mentions, sentence, end, accept);
  const start = clauseStart(tokens, sentence, end);
  const candidates = mentions.filter((m) => m.sentence === sentence.index && m.tokenStart >= start && m.tokenEnd <= end && accept(m));
  return candidates.find((m) => m.kind === 'person' && m.tokenEnd === end) ?? candidates.filter((m) => m.kind === 'person').at(-1) ?? candidates.at(-1);
}

function mentionEndingAt(mentions: readonly Mention[], sentence: Sentence, end: number, accept: (mention: Mention) => boolean): Mention | undefined {
  return mentions.find((m) => m.sentence === sentence.index && m.tokenEnd === end && accept(m));
}

/** First token of the clause that contains position `at`. */
export function clauseStart(tokens: readonly Token[], sentence: Sentence, at: number): number {
  for (let k = at - 1; k > sentence.tokenStart; k -= 1) {
    const token = tokens[k] as Token;
    if (/^[;:"“”]$/u.test(token.text)) return k + 1;
    if (token.pos === 'CCONJ' && /^(and|but)$/u.test(token.lower)) {
      const next = tokens[k + 1];
      if (next !== undefined && next.pos !== 'VERB' && next.pos !== 'AUX') return k + 1;
    }
  }
  return sentence.tokenStart;
}
