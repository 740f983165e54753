import type { Count, CountQualifier } from '../stix/extensions.js';
import type { CharSpan, SegmentedText, Token } from './types.js';
import { CASUALTY_WORDS, NUMBER_WORDS, PERPETRATOR_NOUNS, QUANTITY_QUALIFIERS } from './lexicon/en-events.js';

/**
 * Casualty figures in a stretch of tagged tokens, used by events.ts. A figure is
 * a number phrase ("at least six", "dozens", "38") with its head noun ("six
 * Russians serving at …", "38 people"), tied to a casualty predicate on either
 * side ("were killed", "killing 27", "wounding 39", "death toll rose to 38").
 * The head noun decides victims against perpetrators: "six servicemen killed"
 * counts victims, "five attackers were shot dead" perpetrators.
 */
export interface CasualtyFigure extends CharSpan {
  readonly what: 'killed' | 'wounded' | 'hostages';
  readonly perpetrators: boolean;
  readonly count: Count;
  /** The head noun's lemma, for target types ("serviceman", "tourist"). */
  readonly head?: string;
}

interface NumberPhrase {
  readonly first: number;
  readonly last: number;
  readonly low: number;
  readonly high: number | null;
  readonly qualifier: CountQualifier;
}

/** Figures among tokens [from, to). */
export function findCasualties(segmented: SegmentedText, from: number, to: number): CasualtyFigure[] {
  const { tokens } = segmented;
  const figures: CasualtyFigure[] = [];
  for (let i = from; i < to; i += 1) {
    const phrase = numberPhraseAt(tokens, i, from, to);
    if (phrase === undefined) continue;
    i = Math.max(i, phrase.last);
    const figure = figureFor(segmented, phrase, from, to);
    if (figure !== undefined) figures.push(figure);
  }
  figures.push(...perpetratorOutcomes(segmented, from, to, figures));
  return figures;
}

function numberValue(token: Token): { low: number; high: number | null; vague?: boolean } | undefined {
  if (/^\d{1,3}(,\d{3})*$|^\d+$/u.test(token.text)) {
    const value = Number(token.text.replace(/,/gu, ''));
    return { low: value, high: value };
  }
  return NUMBER_WORDS.get(token.lower);
}

function numberPhraseAt(tokens: readonly Token[], i: number, from: number, to: number): NumberPhrase | undefined {
  const token = tokens[i] as Token;
  let value = numberValue(token);
  if (value === undefined) return undefined;
  let last = i;
  // "twenty-two", "two hundred"
  const next = tokens[i + 1];
  if (next !== undefined && i + 1 < to && next.text === '-' && tokens[i + 2] !== undefined) {
    const unit = numberValue(tokens[i + 2] as Token);
    if (unit !== undefined && !unit.vague) {
      value = { low: value.low + unit.low, high: (value.high ?? value.low) + unit.low };
      last = i + 2;
    }
  } else if (next !== undefined && i + 1 < to && (next.lower === 'hundred' || next.lower === 'thousand')) {
    const factor = next.lower === 'hundred' ? 100 : 1000;
    value = { low: value.low * factor, high: (value.high ?? value.low) * factor };
    last = i + 1;
  }
  // Years, ages and times are not casualty figures.
  const after = tokens[last + 1];
  if (after !== undefined && /^(-?year|years|year-old|am|pm|a\.m\.|p\.m\.|per|percent|%|km|miles|metres|meters|kg|hours|minutes|days|weeks|months|o'clock)$/u.test(after.lower)) return undefined;
  if (after?.text === '-' && /^(year|hour|day|storey|strong)/u.test(tokens[last + 2]?.lower ?? '')) return undefined;
  if (!value.vague && value.low >= 1900 && value.low <= 2100 && /^\d{4}$/u.test(token.text)) return undefined;
  const before = tokens.slice(Math.max(from, i - 3), i).map((t) => t.lower).join(' ');
  let qualifier: CountQualifier = value.vague ? 'range' : 'exact';
  let first = i;
  for (const [words, kind] of QUANTITY_QUALIFIERS) {
    if (before === words || before.endsWith(` ${words}`)) {
      qualifier = kind;
      first = i - words.split(' ').length;
      break;
    }
  }
  return { first, last, low: value.low, high: qualifier === 'exact' || qualifier === 'range' ? value.high : null, qualifier };
}

const HEAD_SKIP_POS = new Set(['ADJ', 'NOUN', 'PROPN', 'NUM']);

function figureFor(segmented: SegmentedText, phrase: NumberPhrase, from: number, to: number): CasualtyFigure | undefined {
  const { tokens } = segmented;
  // Head noun: the last noun of the nominal group right after the number ("six Russians", "38 British holidaymakers").
  let head: Token | undefined;
  let j = phrase.last + 1;
  if (tokens[j]?.lower === 'of' && tokens[j + 1]?.lower === 'them') j += 2;
  while (j < to && j - phrase.last <= 4) {
    const token = tokens[j] as Token;
    if (!HEAD_SKIP_POS.has(token.pos) && token.text !== '-') break;
    if (CASUALTY_WORDS.has(token.lower) && token.pos !== 'NOUN' && token.pos !== 'PROPN') break;
    if (token.pos === 'NOUN' || token.pos === 'PROPN') head = token;
    j += 1;
  }
  const headEnd = j;
  const what = predicateBefore(tokens, phrase.first, from, true) ?? predicateAfter(tokens, headEnd, to, head) ?? predicateBefore(tokens, phrase.first, from, false);
  if (what === undefined) return undefined;
  const perpetrators = head !== undefined && PERPETRATOR_NOUNS.has(head.lower) && head.lower !== 'he' && head.lower !== 'party';
  const first = tokens[phrase.first] as Token;
  const last = tokens[Math.max(phrase.last, headEnd - 1)] as Token;
  return {
    what,
    perpetrators,
    count: { low: phrase.low, high: phrase.high, qualifier: phrase.qualifier, text: segmented.text.slice(first.start, (tokens[phrase.last] as Token).end) },
    start: first.start,
    end: last.end,
    ...(head !== undefined ? { head: head.lemma } : {}),
  };
}

function casualtyOf(token: Token): 'killed' | 'wounded' | 'hostages' | undefined {
  const found = CASUALTY_WORDS.get(token.lower) ?? CASUALTY_WORDS.get(token.lemma);
  if (found !== undefined || !/(ing|ed)$/u.test(token.lower)) return found;
  // The tagger sometimes leaves "-ing" forms unlemmatised ("wounding" as a noun).
  const stem = token.lower.replace(/(ing|ed)$/u, '');
  return CASUALTY_WORDS.get(stem) ?? CASUALTY_WORDS.get(`${stem}e`);
}

/** "… were killed", "… dead", "… had been wounded", "… lost their lives" within a few words after the head. */
function predicateAfter(tokens: readonly Token[], start: number, to: number, head: Token | undefined): 'killed' | 'wounded' | 'hostages' | undefined {
  if (head !== undefined) {
    const own = casualtyOf(head);
    if (own === 'hostages' || (own !== undefined && head.pos === 'NOUN' && /^(dead|wounded|injured|victims|deaths|fatalities|casualties)$/u.test(head.lower))) return own;
  }
  for (let k = start; k < Math.min(to, start + 12); k += 1) {
    const token = tokens[k] as Token;
    // ", most of them policemen," between the figure and its verb is an aside.
    if (token.text === ',' && /^(most|many|some|all|including|among|mostly|mainly)$/u.test(tokens[k + 1]?.lower ?? '')) {
      const close = tokens.slice(k + 1, Math.min(to, k + 8)).findIndex((t) => t.text === ',');
      if (close >= 0) {
        k += close + 1;
        continue;
      }
    }
    if (token.text === ';' || (token.text === ',' && k > start + 1) || token.pos === 'SCONJ') break;
    // A verb with its own object ("… killed six men") belongs to the next figure.
    if (numberValue(token) !== undefined && k > start) break;
    const what = casualtyOf(token);
    if (what !== undefined && (token.pos === 'VERB' || token.pos === 'ADJ' || token.pos === 'NOUN' || token.pos === 'AUX')) {
      if (/^(toll|victim|victims|life|lives|body|bodies|massacre)$/u.test(token.lower)) continue;
      // "sentenced … to death" is not a casualty; "hacked to death" is.
      if (/^deaths?$/u.test(token.lower) && !(tokens[k - 1]?.lower === 'to' && /^(hack|stab|beat|burn|crush|bludgeon|club)/u.test(tokens[k - 2]?.lower ?? ''))) continue;
      if (what === 'hostages' && token.pos !== 'NOUN') continue;
      return what;
    }
    if (token.lower === 'shot' && tokens[k + 1]?.lower === 'dead') return 'killed';
  }
  return undefined;
}

/** "killing at least 27 people", "wounding 39", "the death toll rose to 38", "leaving 12 dead". */
function predicateBefore(tokens: readonly Token[], first: number, from: number, adjacent: boolean): 'killed' | 'wounded' | 'hostages' | undefined {
  // An active verb right before the figure governs it: "killed 20 hostages", "shot dead 38 tourists".
  if (adjacent) {
    const verb = tokens[first - 1];
    if (verb === undefined || first - 1 < from) return undefined;
    if (verb.lower === 'dead' && tokens[first - 2]?.lower === 'shot') return 'killed';
    const what = casualtyOf(verb);
    return what !== undefined && what !== 'hostages' && (verb.pos === 'VERB' || /(ing|ed)$/u.test(verb.lower)) ? what : undefined;
  }
  // "brought the death toll from the attacks in Barcelona and Cambrils to 15": the toll may be far back.
  if (/^(to|at|of)$/u.test(tokens[first - 1]?.lower ?? '')) {
    for (let k = first - 2; k >= Math.max(from, first - 16); k -= 1) {
      const token = tokens[k] as Token;
      if (numberValue(token) !== undefined || token.text === ';') break;
      if (token.lower === 'toll' && !/^(injury|wounded)$/u.test(tokens[k - 1]?.lower ?? '')) return 'killed';
    }
  }
  for (let k = first - 1; k >= Math.max(from, first - 6); k -= 1) {
    const token = tokens[k] as Token;
    if (token.text === ';' || token.text === '.') break;
    if (numberValue(token) !== undefined) break;
    if (token.lower === 'toll' || token.lower === 'tally') return 'killed';
    const what = casualtyOf(token);
    if (what !== undefined && token.pos === 'VERB' && /(ing|ed)$/u.test(token.lower) && k >= first - 3) return what;
    if (what === 'hostages' && token.pos === 'VERB') return what;
  }
  return undefined;
}

/**
 * Attackers whose fate the text gives without a number: "before he was shot
 * dead", "the gunman was killed", "the raiding party … was neutralised".
 * A singular noun or pronoun counts one; a plural an unknown number.
 */
function perpetratorOutcomes(segmented: SegmentedText, from: number, to: number, figures: readonly CasualtyFigure[]): CasualtyFigure[] {
  if (figures.some((f) => f.perpetrators && f.what === 'killed')) return [];
  const { tokens } = segmented;
  for (let k = from; k < to; k += 1) {
    const token = tokens[k] as Token;
    const outcome = token.lower === 'shot' && tokens[k + 1]?.lower === 'dead' ? 'shot dead'
      : /^(killed|neutralised|neutralized|eliminated|died)$/u.test(token.lower) || (token.lower === 'blew' && /^(himself|themselves)$/u.test(tokens[k + 1]?.lower ?? '')) ? token.text : undefined;
    if (outcome === undefined) continue;
    // The subject: the nearest perpetrator noun or pronoun before the predicate, with no other noun
    // between; in "X did not …, however, and was neutralised" the subject of the first clause.
    let previous = k - 1;
    while (previous > from && /^(["“”']|then|later|subsequently|eventually|also|himself)$/u.test((tokens[previous] as Token).lower)) previous -= 1;
    let scanFrom = previous;
    const aux = tokens[previous];
    if (aux !== undefined && /^(was|were)$/u.test(aux.lower) && tokens[previous - 1]?.lower === 'and') scanFrom = firstNounOf(tokens, from, k);
    for (let s = scanFrom; s >= Math.max(from, scanFrom - 7); s -= 1) {
      const subject = tokens[s] as Token;
      if (PERPETRATOR_NOUNS.has(subject.lower) && subject.pos !== 'VERB') {
        if (subject.lower === 'he' && !hasPerpetratorBefore(tokens, from, s)) break;
        if (subject.lower === 'party' && !/^(raiding|attacking|assault)$/u.test(tokens[s - 1]?.lower ?? '')) break;
        const plural = /s$/u.test(subject.lower) && subject.lower !== 'himself' || subject.lower === 'gunmen' || subject.lower === 'themselves' || subject.lower === 'party';
        const end = (tokens[k] as Token).end + (outcome === 'shot dead' ? (tokens[k + 1] as Token).end - (tokens[k] as Token).end : 0);
        const words = s >= k - 3 ? segmented.text.slice(subject.start, end) : `${subject.text} … ${segmented.text.slice((tokens[k] as Token).start, end)}`;
        return [{
          what: 'killed',
          perpetrators: true,
          count: plural ? { low: null, high: null, qualifier: 'unknown', text: words } : { low: 1, high: 1, qualifier: 'exact', text: words },
          start: subject.start,
          end,
        }];
      }
      if ((subject.pos === 'NOUN' || subject.pos === 'PROPN') && !PERPETRATOR_NOUNS.has(subject.lower) && s < k - 1 && subject.lower !== 'forces') break;
    }
  }
  return [];
}

function firstNounOf(tokens: readonly Token[], from: number, to: number): number {
  for (let k = from; k < to; k += 1) if ((tokens[k] as Token).pos === 'NOUN') return k;
  return to - 1;
}

function hasPerpetratorBefore(tokens: readonly Token[], from: number, before: number): boolean {
  for (let k = from; k < before; k += 1) if (PERPETRATOR_NOUNS.has((tokens[k] as Token).lower) && (tokens[k] as Token).lower !== 'he') return true;
  return false;
}
