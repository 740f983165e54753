import winkNLP, { type ItsFunction, type WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import type { CharSpan, Language, SegmentedText, Sentence, Token } from './types.js';

/**
 * Stage 2: sentences and tokens with character offsets, parts of speech and
 * lemmas. English uses wink-nlp's lite web model (tokeniser aware of "U.S.",
 * "Mr.", curly quotes and possessives); the model loads once, on first use.
 * Paragraphs (lines) are segmented separately so that a headline never runs
 * into the first sentence of the body.
 */

let english: WinkMethods | undefined;

function englishModel(): WinkMethods {
  english ??= winkNLP(model, ['sbd', 'pos']);
  return english;
}

/** Loads the tagger now instead of on the first call (for start-up measurements). */
export function warmUpSegmenter(language: Language): void {
  if (language === 'en') englishModel();
}

export function segment(text: string, language: Language): SegmentedText {
  const nlp = englishModel();
  const its = nlp.its;
  const tokens: Token[] = [];
  const sentences: Sentence[] = [];
  const paragraphs: CharSpan[] = [];
  const paragraphRe = /[^\n]+/gu;
  for (let match = paragraphRe.exec(text); match !== null; match = paragraphRe.exec(text)) {
    const body = match[0];
    if (body.trim() === '') continue;
    const base = match.index;
    const paragraphIndex = paragraphs.length;
    paragraphs.push({ start: base, end: base + body.length });
    const doc = nlp.readDoc(body);
    const values = doc.tokens().out(its.value) as string[];
    const pos = doc.tokens().out(its.pos) as string[];
    // wink's typings declare lemma with one parameter fewer than ItsFunction, though it is one.
    const lemmas = doc.tokens().out(its.lemma as unknown as ItsFunction<string>) as string[];
    const spans = doc.sentences().out<number[]>(its.span) as number[][];
    const firstToken = tokens.length;
    let cursor = 0;
    const offsets: CharSpan[] = values.map((value) => {
      const at = body.indexOf(value, cursor);
      const start = at < 0 ? cursor : at;
      cursor = start + value.length;
      return { start: base + start, end: base + cursor };
    });
    spans.forEach(([from = 0, to = -1]) => {
      const sentenceIndex = sentences.length;
      const tokenStart = tokens.length;
      for (let i = from; i <= to; i += 1) {
        const value = values[i] as string;
        const offset = offsets[i] as CharSpan;
        tokens.push({
          index: tokens.length,
          text: value,
          lower: foldQuotes(value.toLowerCase()),
          pos: pos[i] ?? 'X',
          lemma: foldQuotes((lemmas[i] ?? value).toLowerCase()),
          sentence: sentenceIndex,
          start: offset.start,
          end: offset.end,
        });
      }
      const first = tokens[tokenStart];
      const last = tokens[tokens.length - 1];
      if (first === undefined || last === undefined || tokens.length === tokenStart) return;
      sentences.push({ index: sentenceIndex, paragraph: paragraphIndex, start: first.start, end: last.end, tokenStart, tokenEnd: tokens.length });
    });
    if (tokens.length === firstToken) paragraphs.pop();
  }
  return { text, language, tokens, sentences, paragraphs };
}

/** Folds typographic quotes and apostrophes to ASCII, keeping the length. */
export function foldQuotes(value: string): string {
  // Almost every token is plain ASCII: skip the two replacements unless a character could be a typographic quote.
  let typographic = false;
  for (let k = 0; k < value.length && !typographic; k += 1) typographic = value.charCodeAt(k) >= 0xab;
  if (!typographic) return value;
  return value.replace(/[\u2018\u2019\u201b\u2032]/gu, "'").replace(/[\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033]/gu, '"');
}

/** The tokens of one sentence. */
export function sentenceTokens(segmented: SegmentedText, sentence: Sentence): readonly Token[] {
  return segmented.tokens.slice(sentence.tokenStart, sentence.tokenEnd);
}
