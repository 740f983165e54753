import type { IngestResources } from './resources.js';
import type { Mention, MentionKind, RoleMention, SegmentedText, Sentence, Token } from './types.js';
import { CAPITALISED_FUNCTION_WORDS, HONORIFICS, ORG_HEADS, ROLE_HEADS, TRANSIENT_ROLES } from './lexicon/en-people.js';

/**
 * Stage 3: mentions of people, organisations, groups and places, with the roles
 * the text gives people. Names come from the statistical recogniser when a model
 * is installed, otherwise from capitalisation; gazetteers and the group alias
 * table decide or correct the kind. Roles are read from the tagged sentence:
 * premodifiers ("National Guard chief Viktor Zolotov"), appositions ("Razman
 * Kadyrov, head of Chechnya's regional administration,") and honorifics ("Ms Le
 * Pen"); role descriptions without a name ("the Russian president") become
 * nominal mentions for resolve.ts to link.
 */
export function findMentions(segmented: SegmentedText, resources: IngestResources): Mention[] {
  const { tokens } = segmented;
  const groupSpans = resources.findGroupMentions(segmented.text);
  const mentions: Mention[] = [];
  for (const sentence of segmented.sentences) {
    const taken = new Set<number>();
    const spans: { start: number; end: number; kind: MentionKind | undefined; via: Mention['via'] }[] = [];
    for (const group of groupSpans) {
      if (group.start < sentence.start || group.end > sentence.end) continue;
      const range = tokenRange(tokens, sentence, group.start, group.end);
      if (range === undefined) continue;
      spans.push({ ...range, kind: 'group', via: 'group' });
      for (let i = range.start; i < range.end; i += 1) taken.add(i);
    }
    for (const span of nameSpans(tokens, sentence, resources)) {
      if (overlaps(taken, span.start, span.end)) continue;
      spans.push(span);
    }
    spans.sort((a, b) => a.start - b.start);
    const named = new Set<number>();
    for (const span of spans) {
      const mention = describe(segmented, sentence, span.start, span.end, span.kind, span.via, resources);
      if (mention === undefined) continue;
      mentions.push(mention);
      for (let i = mention.tokenStart; i < mention.tokenEnd; i += 1) named.add(i);
    }
    mentions.push(...nominalMentions(segmented, sentence, named));
  }
  return mentions;
}

function overlaps(taken: ReadonlySet<number>, start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) if (taken.has(i)) return true;
  return false;
}

function tokenRange(tokens: readonly Token[], sentence: Sentence, start: number, end: number): { start: number; end: number } | undefined {
  let first = -1;
  let last = -1;
  for (let i = sentence.tokenStart; i < sentence.tokenEnd; i += 1) {
    const token = tokens[i] as Token;
    if (token.end <= start || token.start >= end) continue;
    if (first < 0) first = i;
    last = i;
  }
  return first < 0 ? undefined : { start: first, end: last + 1 };
}

const CURLY_QUOTE = /[\u2018\u2019\u201c\u201d]/u;

/** CoNLL-style token forms for the recogniser (straight quotes, as in its training data). */
function conllForm(token: Token): string {
  // Most tokens hold no curly quote: test for one before building new strings.
  if (!CURLY_QUOTE.test(token.text)) return token.text;
  return token.text.replace(/[\u2018\u2019]/gu, "'").replace(/[\u201c\u201d]/gu, '"');
}

function nameSpans(tokens: readonly Token[], sentence: Sentence, resources: IngestResources): { start: number; end: number; kind: MentionKind | undefined; via: Mention['via'] }[] {
  if (resources.recognise !== undefined) {
    const forms = tokens.slice(sentence.tokenStart, sentence.tokenEnd).map(conllForm);
    return resources.recognise(forms)
      .filter((entity) => entity.type !== 'MISC')
      .map((entity) => {
        let start = sentence.tokenStart + entity.start;
        const end = sentence.tokenStart + entity.end;
        const last = (tokens[end - 1] as Token).lower;
        // Titles and honorifics are roles, not part of the name ("Ms Le Pen", "President Putin").
        while (!ORG_HEADS.has(last) && end - start > 1 && isTitleWord(tokens[start] as Token)) start += 1;
        // The model's type is overruled where the name's own head word says otherwise ("Deutsche Welle", "Labour Party").
        const kind: MentionKind = ORG_HEADS.has(last) && entity.type !== 'LOC' ? 'organization'
          : start > sentence.tokenStart + entity.start ? 'person'
            : entity.type === 'PER' ? 'person' : entity.type === 'LOC' ? 'place' : 'organization';
        return { start, end, kind, via: 'ner' as const };
      });
  }
  return capitalisedRuns(tokens, sentence).map((run) => ({ ...run, kind: undefined, via: 'capitalisation' }));
}

const TITLE_PREFIXES = new Set(['prime', 'vice', 'deputy', 'foreign', 'interior', 'home', 'defence', 'defense', 'acting', 'former', 'supreme', 'grand', 'crown', 'chief', 'justice']);
function isTitleWord(token: Token): boolean {
  return HONORIFICS.has(token.lower)
    || (((ROLE_HEADS.has(token.lower) && !TRANSIENT_ROLES.has(token.lower)) || TITLE_PREFIXES.has(token.lower)) && isCapitalised(token));
}

const NAME_CONNECTORS = new Set(['of', 'al', 'al-', 'bin', 'ibn', 'de', 'du', 'la', 'le', 'van', 'von', 'der', 'el', 'abu', 'bint']);

function isCapitalised(token: Token): boolean {
  return /^\p{Lu}/u.test(token.text) && /\p{L}/u.test(token.text);
}

/** Runs of capitalised words (joined by "of", "al-", "bin" …), the fallback when no model is installed. */
function capitalisedRuns(tokens: readonly Token[], sentence: Sentence): { start: number; end: number }[] {
  const runs: { start: number; end: number }[] = [];
  let i = sentence.tokenStart;
  while (i < sentence.tokenEnd) {
    const token = tokens[i] as Token;
    const sentenceInitial = i === sentence.tokenStart || /^["“‘([]$/u.test(tokens[i - 1]?.text ?? '');
    const startsName = isCapitalised(token) && !HONORIFICS.has(token.lower)
      && !(sentenceInitial && (CAPITALISED_FUNCTION_WORDS.has(token.lower) || token.pos !== 'PROPN'));
    if (!startsName) {
      i += 1;
      continue;
    }
    let end = i + 1;
    while (end < sentence.tokenEnd) {
      const next = tokens[end] as Token;
      const glued = next.start === (tokens[end - 1] as Token).end;
      if (isCapitalised(next) && !CAPITALISED_FUNCTION_WORDS.has(next.lower)) {
        end += 1;
      } else if (glued && (next.text === '-' || /^\p{Ll}{1,3}$/u.test(next.text)) && (tokens[end + 1]?.start === next.end)
        && !/^(born|based|led|backed|style|era|linked|affiliated|inspired|speaking)$/u.test(tokens[end + 1]?.lower ?? '')) {
        end += 1;
      } else if (NAME_CONNECTORS.has(next.lower) && isCapitalised(tokens[end + 1] ?? next) && end + 1 < sentence.tokenEnd) {
        end += 2;
      } else {
        break;
      }
    }
    let first = i;
    // Titles are not part of the name ("President Putin", "Prime Minister Habib Essid").
    const orgName = ORG_HEADS.has((tokens[end - 1] as Token).lower);
    while (!orgName && end - first > 1 && (ROLE_HEADS.has((tokens[first] as Token).lower) || TITLE_PREFIXES.has((tokens[first] as Token).lower))) first += 1;
    runs.push({ start: first, end });
    i = end;
  }
  return runs;
}

function spanText(segmented: SegmentedText, start: number, end: number): string {
  const first = segmented.tokens[start] as Token;
  const last = segmented.tokens[end - 1] as Token;
  return segmented.text.slice(first.start, last.end);
}

function classify(text: string, tokens: readonly Token[], start: number, end: number, resources: IngestResources, hasHonorific: boolean): MentionKind | undefined {
  if (resources.resolveGroup(text) !== undefined) return 'group';
  const head = (tokens[end - 1] as Token).lower;
  const words = tokens.slice(start, end).map((t) => t.lower);
  if (ORG_HEADS.has(head) || (words.length > 1 && words.some((w) => ORG_HEADS.has(w)))) return 'organization';
  if (hasHonorific) return 'person';
  const place = resources.lookupPlace(text);
  // "the West", "the Mall": a town's name used with the article is not the town.
  const withArticle = tokens[start - 1]?.lower === 'the';
  // A small town's name is taken as a place only where the sentence uses it as one ("in Gaafour").
  const small = place?.kind === 'city' && (place.population ?? 0) < 50_000
    && !/^(in|at|near|from|of|outside|to)$/u.test(tokens[start - 1]?.lower ?? '');
  const adjective = end - start === 1 && (tokens[start] as Token).pos === 'ADJ';
  if (place !== undefined && !(withArticle && place.kind === 'city') && !small && !adjective) return 'place';
  if (resources.countryOfDemonym(text) !== undefined) return undefined;
  if (end - start >= 2 && words.every((w) => /^[\p{L}.'’-]+$/u.test(w))) return 'person';
  if (/^[\p{Lu}0-9]{2,6}$/u.test(text)) return 'organization';
  return undefined;
}

function describe(
  segmented: SegmentedText, sentence: Sentence, start: number, end: number, hinted: MentionKind | undefined,
  via: Mention['via'], resources: IngestResources,
): Mention | undefined {
  const { tokens } = segmented;
  // A possessive tail is not part of the name ("Chechnya's").
  while (end > start && /^['’]s?$/u.test((tokens[end - 1] as Token).text)) end -= 1;
  if (end <= start) return undefined;
  let text = spanText(segmented, start, end);
  const honorific = honorificBefore(tokens, sentence, start);
  let kind = hinted;
  if (via === 'ner' && kind !== 'person' && resources.resolveGroup(text) !== undefined) kind = 'group';
  if (via === 'ner' && kind === 'organization' && honorific !== undefined) kind = 'person';
  if (via === 'ner' && kind === 'organization' && isPlaceInSetting(text, tokens, sentence, start, end, resources)) kind = 'place';
  if (kind === undefined) kind = classify(text, tokens, start, end, resources, honorific !== undefined);
  if (kind === undefined) return undefined;
  // Regnal numbers belong to the name ("Mohammed VI", "Benedict XVI").
  if (kind === 'person' && end < sentence.tokenEnd && /^(?=[IVXL])(X{0,3})(IX|IV|V?I{0,3})$/u.test((tokens[end] as Token).text)) {
    end += 1;
    text = spanText(segmented, start, end);
  }
  const role = kind === 'person' || kind === 'organization' || kind === 'group'
    ? appositionRole(segmented, sentence, end, kind) ?? (kind === 'person' ? premodifierRole(segmented, sentence, start) : undefined)
    : undefined;
  const first = tokens[start] as Token;
  const last = tokens[end - 1] as Token;
  return {
    kind,
    text,
    start: first.start,
    end: last.end,
    tokenStart: start,
    tokenEnd: end,
    sentence: sentence.index,
    via,
    ...(role !== undefined ? { role } : {}),
    ...(honorific !== undefined ? { honorific } : {}),
  };
}

// A city this large is better known as the place than as the club or firm named after it.
const LARGE_CITY = 200_000;

/**
 * The recogniser reads a city that names a football club ("Marseille", "Lyon") as an organisation, as in its
 * training news. A one-word name the gazetteer knows as a country, a region or a large city is the place where
 * the text uses it as one: after "in", "at", "near" or "outside", or as an upper-case dateline ("MARSEILLE, May 14 -").
 */
function isPlaceInSetting(text: string, tokens: readonly Token[], sentence: Sentence, start: number, end: number, resources: IngestResources): boolean {
  if (end - start !== 1 || ORG_HEADS.has((tokens[start] as Token).lower)) return false;
  const place = resources.lookupPlace(text);
  if (place === undefined || (place.kind === 'city' && (place.population ?? 0) < LARGE_CITY)) return false;
  if (start === sentence.tokenStart && text === text.toUpperCase() && /\p{Lu}{3}/u.test(text) && tokens[end]?.text === ',') return true;
  return start > sentence.tokenStart && /^(in|at|near|outside)$/u.test(tokens[start - 1]?.lower ?? '');
}

/** Honorific or capitalised title right before a name ("Ms", "President", "Prime Minister"). */
function honorificBefore(tokens: readonly Token[], sentence: Sentence, start: number): string | undefined {
  const before = tokens[start - 1];
  if (before === undefined || start - 1 < sentence.tokenStart) return undefined;
  if (HONORIFICS.has(before.lower)) return before.text.replace(/\.$/u, '');
  if (isCapitalised(before) && ROLE_HEADS.has(before.lower)) return before.text;
  return undefined;
}

const ROLE_MODIFIER_POS = new Set(['ADJ', 'NOUN', 'PROPN', 'NUM', 'VERB']);

/** "French presidential candidate [Marine Le Pen]": the run of modifiers ending in a role head. */
function premodifierRole(segmented: SegmentedText, sentence: Sentence, nameStart: number): RoleMention | undefined {
  const { tokens } = segmented;
  const head = tokens[nameStart - 1];
  if (head === undefined || nameStart - 1 < sentence.tokenStart || !ROLE_HEADS.has(head.lower)) return undefined;
  let first = nameStart - 1;
  while (first - 1 >= sentence.tokenStart) {
    const previous = tokens[first - 1] as Token;
    const hyphenated = previous.text === '-' && first - 2 >= sentence.tokenStart;
    if (hyphenated) {
      first -= 2;
      continue;
    }
    if (!ROLE_MODIFIER_POS.has(previous.pos) || (previous.pos === 'VERB' && !/(ed|born|based)$/u.test(previous.lower))) break;
    if (CAPITALISED_FUNCTION_WORDS.has(previous.lower) && previous.lower !== 'security') break;
    first -= 1;
  }
  return roleMention(segmented, first, nameStart);
}

/** "[Razman Kadyrov], head of Chechnya's regional administration, said": the appositive noun phrase. */
function appositionRole(segmented: SegmentedText, sentence: Sentence, nameEnd: number, kind: MentionKind): RoleMention | undefined {
  const { tokens } = segmented;
  if (tokens[nameEnd]?.text !== ',' || nameEnd + 1 >= sentence.tokenEnd) return undefined;
  let end = nameEnd + 1;
  let sawHead = false;
  while (end < sentence.tokenEnd && end - nameEnd <= 16) {
    const token = tokens[end] as Token;
    if (token.text === ',' || token.text === ';' || token.text === '.' || /^["“”(]$/u.test(token.text)) break;
    if ((token.pos === 'VERB' || token.pos === 'AUX') && !/(ed|born|based|ing)$/u.test(token.lower)) return undefined;
    if (token.pos === 'PRON' && !/^(its|his|her|their)$/u.test(token.lower)) return undefined;
    if (ROLE_HEADS.has(token.lower) || (kind !== 'person' && ['group', 'tank', 'organisation', 'organization', 'agency', 'broadcaster', 'outlet', 'network', 'newspaper', 'channel', 'faction', 'affiliate', 'branch', 'offshoot'].includes(token.lower))) {
      sawHead = true;
    }
    end += 1;
  }
  const closer = tokens[end];
  if (!sawHead || end === nameEnd + 1 || (closer !== undefined && closer.text !== ',' && closer.text !== '.' && closer.text !== ';')) return undefined;
  const firstWord = tokens[nameEnd + 1] as Token;
  const determinerFree = firstWord.pos === 'DET' && /^(the|a|an)$/u.test(firstWord.lower) ? nameEnd + 2 : nameEnd + 1;
  return roleMention(segmented, determinerFree, end);
}

function roleMention(segmented: SegmentedText, start: number, end: number): RoleMention | undefined {
  if (end <= start) return undefined;
  const first = segmented.tokens[start] as Token;
  const last = segmented.tokens[end - 1] as Token;
  return { text: segmented.text.slice(first.start, last.end), start: first.start, end: last.end };
}

/**
 * "the Russian president", "the interior minister": a definite role description
 * with no name after it. Only lasting roles count (not "the gunman").
 */
function nominalMentions(segmented: SegmentedText, sentence: Sentence, taken: ReadonlySet<number>): Mention[] {
  const { tokens } = segmented;
  const found: Mention[] = [];
  for (let i = sentence.tokenStart; i < sentence.tokenEnd; i += 1) {
    const token = tokens[i] as Token;
    if (token.lower !== 'the') continue;
    let j = i + 1;
    while (j < sentence.tokenEnd && j - i <= 3 && /^(ADJ|PROPN)$/u.test((tokens[j] as Token).pos) && !taken.has(j)) j += 1;
    const head = tokens[j];
    if (head === undefined || j >= sentence.tokenEnd || taken.has(j) || !ROLE_HEADS.has(head.lower) || TRANSIENT_ROLES.has(head.lower)) continue;
    const after = tokens[j + 1];
    if (after !== undefined && (after.pos === 'PROPN' || after.lower === 'of' || isCapitalised(after))) continue;
    if (j === i + 1 && !/^(president|premier|pope|king|queen|chancellor|emir)$/u.test(head.lower)) continue;
    const first = tokens[i + 1] as Token;
    found.push({
      kind: 'person',
      text: segmented.text.slice(first.start, head.end),
      start: first.start,
      end: head.end,
      tokenStart: i + 1,
      tokenEnd: j + 1,
      sentence: sentence.index,
      nominal: true,
      role: { text: segmented.text.slice(first.start, head.end), start: first.start, end: head.end },
      via: 'title',
    });
  }
  return found;
}
