import type { Entity, ResolvedText } from './resolve.js';
import type { CharSpan, Mention, SegmentedText, Sentence, Token } from './types.js';
import { SOURCE_NOUNS, SPEECH_VERBS } from './lexicon/en-people.js';
import { clauseStart, subjectMention } from './clause.js';

/**
 * Stage 8: who the text credits for what it reports, sentence by sentence:
 * "according to Deutsche Welle", "the interior ministry said", "SITE …
 * reported that …", "an official transcript of the meeting indicates". The
 * credit applies to the facts read from the same sentence.
 */
export interface Credit {
  readonly sentence: number;
  readonly name: string;
  readonly entity?: Entity;
  readonly span: CharSpan;
}

const CREDIT_VERBS = new Set(['say', 'report', 'tell', 'announce', 'confirm', 'indicate', 'state', 'show', 'add', 'quote', 'cite', 'reveal', 'estimate']);

export function findSources(segmented: SegmentedText, mentions: readonly Mention[], resolved: ResolvedText, quoted: readonly CharSpan[]): Credit[] {
  const credits: Credit[] = [];
  const { tokens } = segmented;
  const outside = (token: Token): boolean => !quoted.some((q) => q.start <= token.start && token.start < q.end);
  for (const sentence of segmented.sentences) {
    const seen = new Set<string>();
    const add = (credit: Credit | undefined): void => {
      if (credit === undefined || seen.has(credit.name.toLowerCase())) return;
      seen.add(credit.name.toLowerCase());
      credits.push(credit);
    };
    for (let i = sentence.tokenStart; i < sentence.tokenEnd; i += 1) {
      const token = tokens[i] as Token;
      if (!outside(token)) continue;
      if (token.lower === 'according' && tokens[i + 1]?.lower === 'to') {
        add(creditAt(segmented, mentions, resolved, sentence, i + 2, 'forward'));
      } else if ((token.pos === 'VERB' || token.pos === 'AUX') && CREDIT_VERBS.has(token.lemma) && SPEECH_VERBS.has(token.lemma)) {
        const before = creditAt(segmented, mentions, resolved, sentence, i - 1, 'backward');
        add(before ?? (tokens[i - 1]?.text === ',' || /^["”]$/u.test(tokens[i - 1]?.text ?? '') ? creditAt(segmented, mentions, resolved, sentence, i + 1, 'forward') : undefined));
      }
    }
  }
  return credits;
}

function entityCredit(mention: Mention, resolved: ResolvedText, sentence: Sentence): Credit | undefined {
  const entity = resolved.entityOf(mention);
  if (entity === undefined || entity.kind === 'place' || entity.kind === 'group') return undefined;
  return { sentence: sentence.index, name: entity.name, entity, span: { start: mention.start, end: mention.end } };
}

/** The credited party next to position `at`: a named person or organisation, or a source noun phrase. */
function creditAt(segmented: SegmentedText, mentions: readonly Mention[], resolved: ResolvedText, sentence: Sentence, at: number, direction: 'forward' | 'backward'): Credit | undefined {
  const { tokens } = segmented;
  if (direction === 'forward') {
    let end = at;
    while (end < sentence.tokenEnd && !/^[,.;:]$/u.test((tokens[end] as Token).text)) end += 1;
    const named = mentions.find((m) => m.tokenStart >= at && m.tokenEnd <= end && m.kind !== 'place' && m.kind !== 'group');
    if (named !== undefined) return entityCredit(named, resolved, sentence);
    return nounCredit(segmented, sentence, at, end);
  }
  const subject = subjectMention(segmented, mentions, sentence, at + 1, (m) => m.kind === 'person' || m.kind === 'organization');
  if (subject !== undefined) return entityCredit(subject, resolved, sentence);
  let start = clauseStart(tokens, sentence, at + 1);
  // "…, the interior ministry said.": the subject follows the last comma.
  for (let k = at; k > start; k -= 1) {
    if ((tokens[k] as Token).text === ',') {
      start = k + 1;
      break;
    }
  }
  let end = at + 1;
  while (end > start && (tokens[end - 1] as Token).text === ',') end -= 1;
  return nounCredit(segmented, sentence, start, end);
}

/** "the interior ministry", "a ministry spokesman", "an official transcript of the meeting". */
function nounCredit(segmented: SegmentedText, sentence: Sentence, from: number, to: number): Credit | undefined {
  const { tokens } = segmented;
  let head = -1;
  for (let i = from; i < to; i += 1) {
    const token = tokens[i] as Token;
    if (token.text === ',') break;
    if (SOURCE_NOUNS.has(token.lower) || SOURCE_NOUNS.has(token.lemma)) {
      head = i;
      if (tokens[i + 1]?.pos !== 'NOUN') break;
    }
  }
  if (head < 0) return undefined;
  let first = head;
  while (first - 1 >= from && /^(ADJ|NOUN|PROPN|DET)$/u.test((tokens[first - 1] as Token).pos)) first -= 1;
  while (first < head && (tokens[first] as Token).pos === 'DET') first += 1;
  const start = (tokens[first] as Token).start;
  const end = (tokens[head] as Token).end;
  return { sentence: sentence.index, name: segmented.text.slice(start, end), span: { start, end } };
}
