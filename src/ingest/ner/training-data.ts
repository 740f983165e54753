import { chunksFromTags, readConllFile } from './conll.js';
import type { EntitySpan, EntityType } from './recogniser.js';

/** A sentence with gold entity spans, the trainer's unit of data. */
export interface TrainingSentence {
  tokens: string[];
  spans: EntitySpan[];
  /**
   * Set on data from another source than the target: its features get a copy
   * private to that source (Daumé III 2007, "frustratingly easy domain
   * adaptation"), which absorbs what differs there and is left out of the model.
   */
  domain?: string;
}

/** Parts of speech of demonyms: "Iraqi" (JJ), "Iraqis" (NNS, NNPS). */
const DEMONYM_TAGS = new Set(['JJ', 'NNS', 'NNPS']);

const CONLL_TYPES = new Set<string>(['PER', 'LOC', 'ORG', 'MISC']);

/** Reads a CoNLL-2003-style file (IOB1 or IOB2 over PER, LOC, ORG, MISC). */
export function readConllSentences(path: string): TrainingSentence[] {
  return readConllFile(path).map(({ tokens, tags }) => ({
    tokens,
    spans: chunksFromTags(tags)
      .filter((chunk) => CONLL_TYPES.has(chunk.type))
      .map((chunk) => ({ type: chunk.type as EntityType, start: chunk.start, end: chunk.end })),
  }));
}

/**
 * Reads the Groningen Meaning Bank NER extract (`token POS tag`, types geo, gpe, org,
 * per, tim, art, eve, nat) mapped onto CoNLL-2003's types. GMB's gpe covers both
 * places ("Iraq") and their adjectives ("Iraqi"), which CoNLL tags LOC and MISC
 * respectively, so spans ending in an adjective or plural noun ("Iraqis") become MISC. Times are not entities in
 * CoNLL and are dropped; art, eve and nat become MISC. GMB includes titles in
 * person names ("President Bush"); CoNLL does not, so leading tokens listed in
 * `titles`, and abbreviated honorifics ("Mr."), are trimmed off person spans.
 */
export function readGmbSentences(path: string, titles: ReadonlySet<string>): TrainingSentence[] {
  return readConllFile(path).map(({ tokens, tags, middle }) => {
    const spans: EntitySpan[] = [];
    for (const chunk of chunksFromTags(tags)) {
      let start = chunk.start;
      let type: EntityType | null;
      switch (chunk.type) {
        case 'geo':
          type = 'LOC';
          break;
        case 'gpe':
          type = DEMONYM_TAGS.has(middle[chunk.end - 1]?.[0] ?? '') ? 'MISC' : 'LOC';
          break;
        case 'org':
          type = 'ORG';
          break;
        case 'per':
          type = 'PER';
          while (start < chunk.end && isTitle(tokens[start] as string, titles)) start += 1;
          break;
        case 'art':
        case 'eve':
        case 'nat':
          type = 'MISC';
          break;
        default:
          type = null;
      }
      if (type && start < chunk.end) spans.push({ type, start, end: chunk.end });
    }
    return { tokens, spans, domain: 'gmb' };
  });
}

/** "Mr.", "Mrs.", "Dr.", "Gen.": abbreviated honorifics, whatever the training data says. */
function isTitle(token: string, titles: ReadonlySet<string>): boolean {
  return titles.has(token) || /^[A-Z][a-z]{1,3}\.$/.test(token);
}

/**
 * Capitalised words that CoNLL-2003 training data tags as outside an entity more
 * often than inside, among those seen at least `minCount` times ("President",
 * "Mr."): the titles GMB includes in person names.
 */
export function titleWords(sentences: readonly TrainingSentence[], minCount = 3): Set<string> {
  const outside = new Map<string, number>();
  const inside = new Map<string, number>();
  for (const { tokens, spans } of sentences) {
    const inEntity = new Array<boolean>(tokens.length).fill(false);
    for (const span of spans) for (let i = span.start; i < span.end; i += 1) inEntity[i] = true;
    tokens.forEach((token, i) => {
      if (!/^[A-Z]/.test(token) || i === 0) return;
      const counts = inEntity[i] ? inside : outside;
      counts.set(token, (counts.get(token) ?? 0) + 1);
    });
  }
  const titles = new Set<string>();
  for (const [token, count] of outside) {
    if (count >= minCount && count > (inside.get(token) ?? 0)) titles.add(token);
  }
  return titles;
}
