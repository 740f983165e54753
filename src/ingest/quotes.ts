import type { Entity, ResolvedText } from './resolve.js';
import type { CharSpan, Mention, SegmentedText, Sentence, Token } from './types.js';
import { ROLE_HEADS, SOURCE_NOUNS, SPEAKER_NOUNS, SPEECH_VERBS } from './lexicon/en-people.js';
import { clauseStart, subjectMention } from './clause.js';

/**
 * Stage 7: quotations. Every direct quote (curly or straight marks, a quote
 * running over several paragraphs that each reopen with a quote mark) with its
 * exact text and span, and its speaker: the subject of the verb of saying next
 * to it (",” she said", "said Mr Essid", "Kadyrov … said there was “…”"), with
 * pronouns and role descriptions ("he agreed", "the Russian president
 * insisted") resolved to the nearest named person before. Sentences in which a
 * named person says something without quote marks give reported speech.
 */
export interface Quote {
  readonly kind: 'direct' | 'reported';
  /** The quoted words, exactly as in the text. */
  readonly text: string;
  readonly span: CharSpan;
  readonly speaker?: Entity;
  readonly speakerName: string;
  /** The sentences the quote and its attribution occupy. */
  readonly evidence: CharSpan;
  readonly sentence: number;
}

const OPEN = new Set(['“', '‘', '«', '„']);

/** Spans of quoted text (without the marks), curly or straight, joined across paragraphs. */
export function findQuotedSpans(text: string): CharSpan[] {
  const spans: CharSpan[] = [];
  let open = -1;
  let straight = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (open < 0) {
      if (ch === '“' || ch === '«' || ch === '„' || (ch === '"' && (i === 0 || /[\s([—-]/u.test(text[i - 1] as string)))) {
        open = i + 1;
        straight = ch === '"';
      }
      continue;
    }
    if (ch === '\n') {
      // A quote that goes on in the next paragraph reopens it with a quote mark.
      const next = text[i + 1];
      if (next !== undefined && (straight ? next === '"' : OPEN.has(next) && next !== '‘')) {
        i += 1;
        continue;
      }
      open = -1;
      continue;
    }
    if ((straight && ch === '"') || (!straight && (ch === '”' || ch === '»'))) {
      if (i > open) spans.push({ start: open, end: i });
      open = -1;
    }
  }
  return spans;
}

interface Speaker {
  readonly entity?: Entity;
  readonly name: string;
}

export function findQuotes(segmented: SegmentedText, mentions: readonly Mention[], resolved: ResolvedText): Quote[] {
  const quoted = findQuotedSpans(segmented.text);
  const quotes: Quote[] = [];
  const female = femaleEntities(resolved);
  for (const span of quoted) {
    const words = segmented.text.slice(span.start, span.end).trim().split(/\s+/u).length;
    const lastSentence = sentenceAt(segmented, span.end);
    const firstSentence = sentenceAt(segmented, span.start);
    if (lastSentence === undefined || firstSentence === undefined) continue;
    const speaker = speakerAfter(segmented, mentions, resolved, span, lastSentence, female)
      ?? speakerBefore(segmented, mentions, resolved, span, firstSentence, female);
    // One or two words in quote marks without a speaker are scare quotes, not quotations.
    if (speaker === undefined && words <= 3) continue;
    quotes.push({
      kind: 'direct',
      text: segmented.text.slice(span.start, span.end),
      span,
      speakerName: speaker?.entity?.name ?? speaker?.name ?? 'unknown',
      ...(speaker?.entity !== undefined ? { speaker: speaker.entity } : {}),
      evidence: { start: firstSentence.start, end: lastSentence.end },
      sentence: firstSentence.index,
    });
  }
  quotes.push(...transcriptTurns(segmented, mentions, resolved, quoted));
  quotes.push(...reportedSpeech(segmented, mentions, resolved, quoted));
  return quotes.sort((a, b) => a.span.start - b.span.start);
}

function sentenceAt(segmented: SegmentedText, offset: number): Sentence | undefined {
  return segmented.sentences.find((s) => s.start <= offset && offset <= s.end + 1)
    ?? segmented.sentences.find((s) => s.start >= offset);
}

function isSpeechVerb(token: Token): boolean {
  if ((token.pos === 'VERB' || token.pos === 'AUX') && (SPEECH_VERBS.has(token.lemma) || SPEECH_VERBS.has(token.lower))) return true;
  // The tagger sometimes takes "saying", "adding" for nouns.
  return token.lower.endsWith('ing') && SPEECH_VERBS.has(token.lower.slice(0, -3));
}

function tokenAt(segmented: SegmentedText, offset: number, from: number, to: number): number {
  for (let i = from; i < to; i += 1) if ((segmented.tokens[i] as Token).start >= offset) return i;
  return to;
}

/** ",” she said." / ",” said Mr Essid." / ",” Mr Essid told reporters." */
function speakerAfter(segmented: SegmentedText, mentions: readonly Mention[], resolved: ResolvedText, span: CharSpan, sentence: Sentence, female: ReadonlySet<Entity>): Speaker | undefined {
  const { tokens } = segmented;
  const start = tokenAt(segmented, span.end + 1, sentence.tokenStart, sentence.tokenEnd);
  // The speaker may come with an apposition: ",” Ehsanullah Ehsan, a spokesman for the group, said".
  const named = mentions.some((m) => m.tokenStart >= start && m.tokenStart <= start + 2);
  for (let i = start; i < Math.min(sentence.tokenEnd, start + (named ? 16 : 9)); i += 1) {
    const token = tokens[i] as Token;
    // A conjunction or a relative clause ("… who had answered calls") ends the attribution.
    if (/^["“”]$/u.test(token.text) || token.pos === 'CCONJ' || (i <= start + 1 && /^(who|which|that)$/u.test(token.lower))) break;
    if (!isSpeechVerb(token)) continue;
    return subjectBetween(segmented, mentions, resolved, start, i, span.start, female)
      ?? subjectAfterVerb(segmented, mentions, resolved, i + 1, sentence.tokenEnd, span.start, female);
  }
  return undefined;
}

/** "Razman Kadyrov, head of …, said there was “…”", "Ms Le Pen said that “…”". */
function speakerBefore(segmented: SegmentedText, mentions: readonly Mention[], resolved: ResolvedText, span: CharSpan, sentence: Sentence, female: ReadonlySet<Entity>): Speaker | undefined {
  const { tokens } = segmented;
  const end = tokenAt(segmented, span.start, sentence.tokenStart, sentence.tokenEnd);
  for (let i = end - 1; i >= sentence.tokenStart; i -= 1) {
    const token = tokens[i] as Token;
    if (!isSpeechVerb(token)) continue;
    const adjacent = subjectMention(segmented, mentions, sentence, i, (m) => m.kind !== 'place', true);
    if (adjacent !== undefined) return mentionSpeaker(adjacent, resolved);
    // "with its Amaq news agency saying": the noun phrase right before the verb, when it describes a speaker.
    let first = i;
    while (first - 1 >= sentence.tokenStart && /^(DET|ADJ|NOUN|PROPN|PRON)$/u.test((tokens[first - 1] as Token).pos)) first -= 1;
    const described = first < i && !mentions.some((m) => m.tokenStart >= first && m.tokenEnd <= i) ? nounPhrase(segmented, first, i) : undefined;
    if (described !== undefined) return { name: described };
    const subject = subjectMention(segmented, mentions, sentence, i, (m) => m.kind !== 'place');
    if (subject !== undefined) return mentionSpeaker(subject, resolved);
    return subjectBetween(segmented, mentions, resolved, clauseStart(tokens, sentence, i), i, span.start, female);
  }
  return undefined;
}

function mentionSpeaker(mention: Mention, resolved: ResolvedText): Speaker | undefined {
  const entity = resolved.entityOf(mention);
  if (entity === undefined) return mention.nominal ? undefined : { name: mention.text };
  if (entity.kind === 'place') return undefined;
  return { entity, name: entity.name };
}

function subjectBetween(segmented: SegmentedText, mentions: readonly Mention[], resolved: ResolvedText, from: number, to: number, before: number, female: ReadonlySet<Entity>): Speaker | undefined {
  const { tokens } = segmented;
  const inRange = mentions.filter((m) => m.tokenStart >= from && m.tokenEnd <= to && m.kind !== 'place');
  // The first person or organisation of the clause is its subject ("Razman Kadyrov, head of Chechnya's …, said").
  const first = inRange.find((m) => m.kind === 'person') ?? inRange[0];
  if (first !== undefined) return mentionSpeaker(first, resolved);
  for (let i = from; i < to; i += 1) {
    const token = tokens[i] as Token;
    if (/^(he|she)$/u.test(token.lower)) return pronounSpeaker(mentions, resolved, before, token.lower === 'she', female);
    if (/^(they|we)$/u.test(token.lower)) return undefined;
  }
  const phrase = nounPhrase(segmented, from, to);
  return phrase === undefined ? undefined : { name: phrase };
}

function subjectAfterVerb(segmented: SegmentedText, mentions: readonly Mention[], resolved: ResolvedText, from: number, to: number, before: number, female: ReadonlySet<Entity>): Speaker | undefined {
  const { tokens } = segmented;
  const next = mentions.find((m) => m.tokenStart >= from && m.tokenStart <= from + 2 && m.kind !== 'place');
  if (next !== undefined) return mentionSpeaker(next, resolved);
  const token = tokens[from];
  if (token !== undefined && /^(he|she)$/u.test(token.lower)) return pronounSpeaker(mentions, resolved, before, token.lower === 'she', female);
  let end = from;
  while (end < to && !/^[,.;]$/u.test((tokens[end] as Token).text)) end += 1;
  const phrase = nounPhrase(segmented, from, end);
  return phrase === undefined ? undefined : { name: phrase };
}

function nounPhrase(segmented: SegmentedText, from: number, to: number): string | undefined {
  const { tokens } = segmented;
  const words = tokens.slice(from, to).filter((t) => !/^[,"“”]$/u.test(t.text));
  const first = words[0];
  const last = words.at(-1);
  // Unnamed speakers are described by who they are: "a hotel employee", "a senior police officer".
  if (first === undefined || last === undefined || !words.some((t) => t.pos === 'NOUN' && isSpeakerNoun(t))) return undefined;
  return segmented.text.slice(first.start, last.end);
}

function isSpeakerNoun(token: Token): boolean {
  return ROLE_HEADS.has(token.lower) || ROLE_HEADS.has(token.lemma) || SOURCE_NOUNS.has(token.lower) || SOURCE_NOUNS.has(token.lemma)
    || SPEAKER_NOUNS.has(token.lemma);
}

/** "she said": the nearest person named before, agreeing in gender where the text shows it. */
function pronounSpeaker(mentions: readonly Mention[], resolved: ResolvedText, before: number, isFemale: boolean, female: ReadonlySet<Entity>): Speaker | undefined {
  for (let k = mentions.length - 1; k >= 0; k -= 1) {
    const mention = mentions[k] as Mention;
    if (mention.start >= before || mention.kind !== 'person') continue;
    const entity = resolved.entityOf(mention);
    if (entity === undefined) continue;
    if (female.size > 0 && female.has(entity) !== isFemale) continue;
    return { entity, name: entity.name };
  }
  return undefined;
}

function femaleEntities(resolved: ResolvedText): Set<Entity> {
  const female = new Set<Entity>();
  for (const entity of resolved.entities) {
    if (entity.kind === 'person' && entity.mentions.some((m) => m.honorific !== undefined && /^(ms|mrs|miss|madame|mme|lady|dame|queen)$/iu.test(m.honorific))) {
      female.add(entity);
    }
  }
  return female;
}

/** "Mr Essid said the country was at war": a named person's speech without quote marks. */
function reportedSpeech(segmented: SegmentedText, mentions: readonly Mention[], resolved: ResolvedText, quoted: readonly CharSpan[]): Quote[] {
  const { tokens } = segmented;
  const found: Quote[] = [];
  for (const sentence of segmented.sentences) {
    if (quoted.some((q) => q.start < sentence.end && sentence.start < q.end)) continue;
    for (let i = sentence.tokenStart; i < sentence.tokenEnd - 2; i += 1) {
      const verb = tokens[i] as Token;
      if (!isSpeechVerb(verb) || !/^(say|tell|insist|warn|announce|add|state|declare|argue|stress)$/u.test(verb.lemma)) continue;
      // Only the verb's own subject: the name right before it, or before an apposition set off by commas.
      const subject = subjectMention(segmented, mentions, sentence, i, (m) => m.kind === 'person', true);
      if (subject === undefined) break;
      const entity = resolved.entityOf(subject);
      if (entity === undefined || entity.kind !== 'person') break;
      let from = i + 1;
      if (verb.lemma === 'tell') while (from < sentence.tokenEnd && (tokens[from] as Token).pos !== 'SCONJ' && (tokens[from] as Token).lower !== 'that') from += 1;
      if ((tokens[from] as Token | undefined)?.lower === 'that') from += 1;
      const first = tokens[from];
      const last = tokens[sentence.tokenEnd - 1];
      if (first === undefined || last === undefined || from >= sentence.tokenEnd - 1) break;
      const end = last.text === '.' ? (tokens[sentence.tokenEnd - 2] as Token).end : last.end;
      found.push({
        kind: 'reported',
        text: segmented.text.slice(first.start, end),
        span: { start: first.start, end },
        speaker: entity,
        speakerName: entity.name,
        evidence: { start: sentence.start, end: sentence.end },
        sentence: sentence.index,
      });
      break;
    }
  }
  return found;
}

/**
 * Transcripts give each turn as "SPEAKER: words" at the start of a paragraph.
 * The label must name a person the text knows (or be a role such as "Question").
 */
function transcriptTurns(segmented: SegmentedText, mentions: readonly Mention[], resolved: ResolvedText, quoted: readonly CharSpan[]): Quote[] {
  const found: Quote[] = [];
  for (const paragraph of segmented.paragraphs) {
    const line = segmented.text.slice(paragraph.start, paragraph.end);
    const match = /^([\p{Lu}][\p{L} .'’-]{1,60}?):\s+(\S.*)$/u.exec(line);
    if (match === null) continue;
    const label = match[1] as string;
    const words = match[2] as string;
    const start = paragraph.start + line.length - words.length;
    if (quoted.some((q) => q.start <= start && start < q.end)) continue;
    const mention = mentions.find((m) => m.start >= paragraph.start && m.end <= paragraph.start + label.length && m.kind === 'person');
    const entity = mention !== undefined ? resolved.entityOf(mention) : undefined;
    if (entity === undefined && !/^(question|answer|moderator|interviewer|host|q|a)$/iu.test(label.trim())) continue;
    const sentence = segmented.sentences.find((s) => s.start >= paragraph.start && s.start < paragraph.end);
    found.push({
      kind: 'direct',
      text: words,
      span: { start, end: paragraph.end },
      speakerName: entity?.name ?? label.trim(),
      ...(entity !== undefined ? { speaker: entity } : {}),
      evidence: { start: paragraph.start, end: paragraph.end },
      sentence: sentence?.index ?? 0,
    });
  }
  return found;
}
