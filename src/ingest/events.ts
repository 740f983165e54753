import type { DatePrecision } from '../stix/extensions.js';
import type { GtdAttackType, GtdTargetType, GtdWeaponType } from '../stix/gtd-codebook.js';
import type { Place } from './gazetteer/place.js';
import { findCasualties, type CasualtyFigure } from './casualties.js';
import type { DateMention } from './dates.js';
import type { Entity, ResolvedText } from './resolve.js';
import type { CharSpan, Mention, SegmentedText, Sentence, Token } from './types.js';
import {
  ATTACK_NOUNS, ATTACK_VERBS, BACKGROUND_CUES, CROWD_NOUNS, IRREALIS_CUES, PERPETRATOR_NOUNS, RAMMING_VERBS, SITE_NOUNS, TARGET_WORDS, VEHICLE,
  VEHICLE_NOUNS, WEAPON_WORDS, type TriggerSense,
} from './lexicon/en-events.js';

/**
 * Stage 6: incidents. An incident is anchored on an attack word in the tagged
 * sentence — a noun ("bombing", "attack") or verb ("stormed", "opened fire") —
 * or on a casualty figure; the words around it (up to the next attack word)
 * give its place, date, figures, weapons and targets. Frames about the same
 * event merge; a frame dated well before publication, or read in the context of
 * a trial or an anniversary, becomes a background incident — unless it is the
 * subject of an analysis written weeks or months later (see withSubject). Attack words that
 * are hypothetical ("planned to carry out attacks", "the fight against
 * terrorism") or only inside a quotation do not start an incident.
 */
export interface Incident {
  readonly status: 'news' | 'background';
  readonly sentences: Set<number>;
  readonly evidence: CharSpan[];
  date?: DateMention;
  place?: Entity;
  site?: { text: string; span: CharSpan };
  readonly attackTypes: Set<GtdAttackType>;
  readonly weaponTypes: Set<GtdWeaponType>;
  readonly targetTypes: Set<GtdTargetType>;
  victimsKilled?: CasualtyFigure;
  perpetratorsKilled?: CasualtyFigure;
  wounded?: CasualtyFigure;
  hostages?: CasualtyFigure;
  suicide: boolean;
  success?: boolean;
  /** How many suicide attackers the text names ("two suicide bombers"), as a figure. */
  suicideAttackers?: CasualtyFigure;
}

interface Frame {
  readonly sentence: number;
  readonly window: CharSpan;
  readonly from: number;
  readonly to: number;
  readonly senses: TriggerSense[];
  readonly figures: CasualtyFigure[];
  readonly places: { entity: Entity; mention: Mention }[];
  readonly date?: DateMention;
  readonly background: boolean;
  /** Background because the words around it speak of a trial, an anniversary or an earlier time, not only by its date. */
  readonly cued: boolean;
  readonly separate: boolean;
  readonly hasTrigger: boolean;
  /** The attack word is definite ("the attack", "the siege"): it refers back to an incident already told. */
  readonly definite: boolean;
  /** The frame is dated by reference to the incident before it ("on the same day"). */
  readonly anchored: boolean;
}

export interface EventContext {
  readonly segmented: SegmentedText;
  readonly mentions: readonly Mention[];
  readonly resolved: ResolvedText;
  readonly dates: readonly DateMention[];
  readonly published?: Date;
  /** Character spans of direct quotations (quotes.ts). */
  readonly quoted: readonly CharSpan[];
}

const DAY_MS = 86_400_000;
// Characters between an attack word and a date that can still belong to it.
const DATE_REACH = 200;
/** Words before a noun that make it the target or the scene of the attack. */
const TARGETING_WORDS = /^(at|on|inside|outside|near|targeting|targeted|attacked|against|into|stormed|down|hit|struck|bombed|aboard|onboard|among)$/u;

export function findIncidents(context: EventContext): Incident[] {
  const frames = context.segmented.sentences.flatMap((sentence) => sentenceFrames(context, sentence));
  return mergeFrames(frames, context);
}

function inQuote(context: EventContext, offset: number): boolean {
  return context.quoted.some((span) => span.start <= offset && offset < span.end);
}

/** "drove a van into pedestrians", "a car was driven into the crowd": a vehicle used as the weapon. */
function isRamming(tokens: readonly Token[], sentence: Sentence, i: number): boolean {
  const token = tokens[i] as Token;
  if (!RAMMING_VERBS.has(token.lemma) && !RAMMING_VERBS.has(withoutEnding(token.lower))) return false;
  const after = tokens.slice(i + 1, Math.min(sentence.tokenEnd, i + 7));
  const into = after.findIndex((t) => /^(into|through|down|at)$/u.test(t.lower));
  if (into < 0 || !after.slice(into + 1).some((t) => CROWD_NOUNS.has(t.lower) || CROWD_NOUNS.has(t.lemma))) return false;
  return tokens.slice(Math.max(sentence.tokenStart, i - 6), Math.min(sentence.tokenEnd, i + 5)).some((t) => VEHICLE_NOUNS.has(t.lower) || VEHICLE_NOUNS.has(t.lemma));
}

/** "rammed" → "ramm", "driving" → "driv": the word without "-ing", "-ed" or "-s" (a cheap stem for tagger misses). */
function withoutEnding(word: string): string {
  if (word.endsWith('ing')) return word.slice(0, -3);
  if (word.endsWith('ed')) return word.slice(0, -2);
  return word.endsWith('s') ? word.slice(0, -1) : word;
}

/** "police shot the attacker": shooting at the attackers ends an attack rather than being one. */
function shootsAttacker(tokens: readonly Token[], sentence: Sentence, i: number): boolean {
  const around = tokens.slice(Math.max(sentence.tokenStart, i - 4), Math.min(sentence.tokenEnd, i + 4));
  return around.some((t) => /^(police|officers?|troops|soldiers|forces|commandos|guards?|policemen)$/u.test(t.lower))
    || tokens.slice(i + 1, Math.min(sentence.tokenEnd, i + 4)).some((t) => PERPETRATOR_NOUNS.has(t.lower) && t.lower !== 'party')
    || tokens.slice(Math.max(sentence.tokenStart, i - 3), i).some((t) => /^(was|were|been|being)$/u.test(t.lower));
}

function triggerSense(tokens: readonly Token[], sentence: Sentence, i: number): TriggerSense | undefined {
  const token = tokens[i] as Token;
  if (isRamming(tokens, sentence, i)) return { attack: 'Unarmed Assault', weapon: VEHICLE };
  if (token.lower === 'fire' && /^(open|opened|opening)$/u.test(tokens[i - 1]?.lower ?? '')) return { attack: 'Armed Assault', weapon: 'Firearms' };
  if (/^(blew|blown|blow)$/u.test(token.lower) && /^(himself|themselves|up)$/u.test(tokens[i + 1]?.lower ?? '')) return { attack: 'Bombing/Explosion', weapon: 'Explosives' };
  if (token.pos === 'NOUN' || token.pos === 'PROPN') return ATTACK_NOUNS.get(token.lemma) ?? ATTACK_NOUNS.get(token.lower);
  if (token.pos === 'VERB') {
    const sense = ATTACK_VERBS.get(token.lemma);
    // "shot dead by police" is the attackers' end; "shot dead 38 tourists" is the attack.
    if (sense !== undefined && token.lemma === 'shoot' && tokens[i + 1]?.lower === 'dead' && !/^(NUM|DET|NOUN)$/u.test(tokens[i + 2]?.pos ?? '')) return undefined;
    if (sense !== undefined && token.lemma === 'shoot' && shootsAttacker(tokens, sentence, i)) return undefined;
    return sense ?? (token.lemma === 'shooting' || token.lower === 'shooting' ? ATTACK_NOUNS.get('shooting') : undefined);
  }
  return undefined;
}

/** Hypothetical or generic uses: "planned to carry out … attacks", "the fight against terrorism", "no attack". */
function isIrrealis(tokens: readonly Token[], sentence: Sentence, i: number): boolean {
  const token = tokens[i] as Token;
  for (let k = Math.max(sentence.tokenStart, i - 7); k < i; k += 1) {
    const word = tokens[k] as Token;
    if (IRREALIS_CUES.has(word.lower) || IRREALIS_CUES.has(word.lemma)) return true;
  }
  const previous = tokens[i - 1];
  if (previous !== undefined && /^(no|any|new|more|further|possible|such)$/u.test(previous.lower)) return true;
  // A bare plural ("their attacks", "terrorist attacks") speaks of attacks in general.
  if (token.pos === 'NOUN' && token.lower !== token.lemma && token.lower.endsWith('s')) {
    const det = tokens.slice(Math.max(sentence.tokenStart, i - 3), i).map((t) => t.lower);
    if (!det.some((w) => /^(the|these|twin|two|three|four|coordinated|both)$/u.test(w) || /^\d+$/u.test(w)) || det.includes('those')) return true;
  }
  return false;
}

function sentenceFrames(context: EventContext, sentence: Sentence): Frame[] {
  const { tokens } = context.segmented;
  const triggers: { index: number; sense: TriggerSense }[] = [];
  for (let i = sentence.tokenStart; i < sentence.tokenEnd; i += 1) {
    const sense = triggerSense(tokens, sentence, i);
    if (sense === undefined || isIrrealis(tokens, sentence, i)) continue;
    if (inQuote(context, (tokens[i] as Token).start)) continue;
    triggers.push({ index: i, sense });
  }
  const figuresAll = findCasualties(context.segmented, sentence.tokenStart, sentence.tokenEnd)
    .filter((figure) => !inQuote(context, figure.start));
  if (triggers.length === 0) {
    if (figuresAll.length === 0) return [];
    // "A suicide bomber killed 12 people": victims and an attacker or weapon make an attack without an attack word.
    const harmed = figuresAll.some((f) => !f.perpetrators && (f.what === 'killed' || f.what === 'wounded'));
    const violent = tokens.slice(sentence.tokenStart, sentence.tokenEnd)
      .some((t) => (PERPETRATOR_NOUNS.has(t.lower) && !/^(he|himself|themselves|party|suspects?)$/u.test(t.lower)) || WEAPON_WORDS.has(t.lower));
    return [frame(context, sentence, sentence.tokenStart, sentence.tokenEnd, [], harmed && violent, true)];
  }
  // Each attack word owns the words up to the noun phrase of the next one.
  const bounds: number[] = [sentence.tokenStart];
  for (const trigger of triggers.slice(1)) {
    let start = trigger.index;
    while (start - 1 > (bounds.at(-1) ?? 0) && /^(DET|ADJ|NOUN|PROPN|NUM)$/u.test((tokens[start - 1] as Token).pos)) start -= 1;
    if (start > (bounds.at(-1) ?? 0)) bounds.push(start);
  }
  bounds.push(sentence.tokenEnd);
  const frames: Frame[] = [];
  for (let b = 0; b + 1 < bounds.length; b += 1) {
    const from = bounds[b] as number;
    const to = bounds[b + 1] as number;
    const own = triggers.filter((t) => t.index >= from && t.index < to);
    const first = own[0]?.index ?? from;
    frames.push(frame(context, sentence, from, to, own.map((t) => t.sense), true, isDefinite(tokens, from, first), own.map((t) => t.index)));
  }
  return frames;
}

/** "the attack", "the deadly siege", "this bombing": a noun phrase that points back to an incident already told. */
function isDefinite(tokens: readonly Token[], from: number, trigger: number): boolean {
  const word = tokens[trigger] as Token;
  if (word.pos !== 'NOUN') return false;
  let k = trigger - 1;
  while (k >= from && /^(ADJ|NOUN|PROPN)$/u.test((tokens[k] as Token).pos)) k -= 1;
  return k >= from && /^(the|this|that|its|their)$/u.test((tokens[k] as Token).lower);
}

function frame(
  context: EventContext, sentence: Sentence, from: number, to: number, senses: TriggerSense[], hasTrigger: boolean, definite: boolean,
  triggerIndexes: readonly number[] = [],
): Frame {
  const { tokens } = context.segmented;
  const window = { start: (tokens[from] as Token).start, end: (tokens[to - 1] as Token).end };
  const within = (span: CharSpan): boolean => span.start >= window.start && span.end <= window.end;
  for (let i = from; i < to; i += 1) {
    const extra = WEAPON_WORDS.get((tokens[i] as Token).lower) ?? WEAPON_WORDS.get((tokens[i] as Token).lemma);
    if (extra !== undefined) senses.push(extra);
  }
  if (/\bset (?:\w+ )?(?:on )?fire\b|\bset ablaze\b|\btorched\b|\bpetrol bombs?\b|\bset fire to\b/iu.test(context.segmented.text.slice(window.start, window.end))) {
    senses.push({ weapon: 'Incendiary' });
  }
  const places = context.mentions
    .filter((m) => m.kind === 'place' && within(m) && isSetting(tokens, m, from))
    .map((mention) => ({ mention, entity: context.resolved.entityOf(mention) }))
    .filter((p): p is { mention: Mention; entity: Entity } => p.entity !== undefined);
  const dates = context.dates.filter((d) => !d.anchor && within(d) && !inQuote(context, d.start));
  const words = tokens.slice(Math.max(sentence.tokenStart, from - 4), to);
  // The words just before the frame count too: in "five years after a parcel bomb …" they make the bomb the older event.
  const cue = words.some((t) => BACKGROUND_CUES.has(t.lemma) || BACKGROUND_CUES.has(t.lower))
    || /\blast year'?s\b|\b[\w-]+ (years?|months?|decades?) (ago|after|before|since|earlier|on)\b/iu.test(context.segmented.text.slice((words[0] as Token).start, window.end));
  // The date that goes with the attack word: the nearest one, within the same stretch of the sentence.
  const distance = (d: DateMention): number => Math.min(...triggerIndexes.map((i) => Math.abs((tokens[i] as Token).start - d.start)));
  // A non-restrictive relative clause (", which merged … last year") dates something else.
  const detached = (d: DateMention): boolean => triggerIndexes.every((i) => {
    const at = (tokens[i] as Token).start;
    const between = context.segmented.text.slice(Math.min(at, d.end), Math.max(at, d.start));
    return /,\s+(which|who|whose|where)\b|;/u.test(between);
  });
  // A dateline ("NAIROBI, Jan 16 -") dates the filing, not the attack: it counts only when nothing else does.
  const ordered = (list: DateMention[]): DateMention[] => list.sort((a, b) => Number(a.dateline === true) - Number(b.dateline === true) || distance(a) - distance(b));
  const date = triggerIndexes.length === 0
    ? ordered(dates.filter((d) => d.date !== undefined))[0]
    : ordered(dates.filter((d) => d.date !== undefined && distance(d) <= DATE_REACH && !detached(d)))[0];
  const since = triggerIndexes.some((i) => tokens[i - 2]?.lower === 'since' && /^(the|that|this)$/u.test(tokens[i - 1]?.lower ?? ''));
  const separate = words.some((t) => /^(another|second|separate|separately|also)$/u.test(t.lower));
  return {
    sentence: sentence.index,
    window,
    from,
    to,
    senses,
    figures: findCasualties(context.segmented, from, to).filter((f) => !inQuote(context, f.start)),
    places,
    ...(date !== undefined ? { date } : {}),
    background: cue || since || isOld(date, context.published),
    cued: cue || since,
    separate,
    hasTrigger,
    definite,
    anchored: context.dates.some((d) => d.anchor === true && within(d)),
  };
}

/**
 * Whether a place mention says where something happened: after "in", "at",
 * "near", "outside", "of" ("the city of Sousse"), as a modifier ("a Chechnya
 * base", "Sousse attack"), or as a dateline at the start of a paragraph — not
 * "a visit to Moscow" or "a U.S.-based think tank".
 */
function isSetting(tokens: readonly Token[], mention: Mention, from: number): boolean {
  const before = tokens[mention.tokenStart - 1];
  const after = tokens[mention.tokenEnd];
  // A dateline: "SOUSSE, Tunisia, June 26 -", "DHAKA -".
  if (mention.text === mention.text.toUpperCase() && /\p{Lu}{3}/u.test(mention.text) && (before === undefined || mention.tokenStart === from)) return true;
  if (after !== undefined && (after.text === '-' || after.lower === "'s")) return false;
  if (before === undefined || mention.tokenStart === from) return after?.text === ',' || after?.pos === 'NOUN';
  if (/^(in|at|near|outside|inside|of|across|around|into|on|throughout|within|from)$/u.test(before.lower)) {
    return !(before.lower === 'from' && /^(flight|plane|train|bus)s?$/u.test(tokens[mention.tokenStart - 2]?.lower ?? ''));
  }
  if (before.pos === 'ADJ' && /^(in|at|near|outside|of)$/u.test(tokens[mention.tokenStart - 2]?.lower ?? '')) return true;
  return after !== undefined && after.pos === 'NOUN' && !/^(president|government|minister|officials?|authorities|police|army|forces|leader)$/u.test(after.lower);
}

/** Dated within three days before publication (or undated, when the text gives no date to doubt). */
function isRecent(date: DateMention | undefined, published: Date | undefined): boolean {
  if (date?.date === undefined || published === undefined) return date?.date === undefined;
  if (date.precision !== 'day') return false;
  return published.getTime() - Date.parse(`${date.date}T00:00:00Z`) <= 3 * DAY_MS;
}

/** Dated clearly before the news: more than three weeks before publication. */
function isOld(date: DateMention | undefined, published: Date | undefined): boolean {
  if (date?.date === undefined || published === undefined) return false;
  const pubYear = published.getUTCFullYear();
  const year = Number(date.date.slice(0, 4));
  if (date.precision === 'year') return year < pubYear;
  const end = date.precision === 'month'
    ? Date.UTC(year, Number(date.date.slice(5, 7)), 0)
    : Date.parse(`${date.date}T00:00:00Z`);
  return published.getTime() - end > 21 * DAY_MS;
}

function samePlace(a: Place | undefined, b: Place | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  if (a.countryCode !== b.countryCode) return false;
  if (a.kind === 'country' || b.kind === 'country') return true;
  if (a.name === b.name) return true;
  if (a.kind === 'region' || b.kind === 'region') return (a.region ?? a.name) === (b.region ?? b.name);
  return false;
}

/** The first place given as the setting, or a more precise place in the same country. */
function bestPlace(frame: Frame): Entity | undefined {
  const rank = (p: Place | undefined): number => (p === undefined ? 0 : p.kind === 'country' ? 1 : p.kind === 'region' ? 2 : 3);
  let best: Entity | undefined;
  for (const { entity } of frame.places) {
    if (best === undefined) best = entity;
    else if (rank(entity.place) > rank(best.place) && samePlace(entity.place, best.place)) best = entity;
  }
  return best;
}

/**
 * Whether a frame merged into the news may say where the news happened. The headline and the lede (the first two
 * sentences that tell it, with their dateline) always may. Further down, a frame with the words of a trial, an
 * anniversary or an earlier time ("five years after a parcel bomb wounded 13 people in Lyon") speaks of the past:
 * it may join the news it is told beside, but its place is not the news's place.
 */
function tellsNewsPlace(incident: Incident, frame: Frame): boolean {
  const first = incident.sentences.size === 0 ? frame.sentence : Math.min(...incident.sentences);
  if (frame.sentence <= first + 1) return true;
  return !frame.cued;
}

function mergeFrames(frames: readonly Frame[], context: EventContext): Incident[] {
  const incidents: Incident[] = [];
  // Per incident, the sentences that tell it without words of a trial, an anniversary or an earlier time.
  const plain = new Map<Incident, Set<number>>();
  let main: Incident | undefined;
  let last: Incident | undefined;
  for (const current of frames) {
    const place = bestPlace(current);
    let target: Incident | undefined;
    if (!current.hasTrigger) {
      // Figures without an attack word continue the incident being described.
      target = last !== undefined && [...last.sentences].some((s) => current.sentence - s <= 2) ? last : main;
      if (target === undefined) continue;
    } else if (current.definite && current.date === undefined && last !== undefined
      && (place === undefined || last.place === undefined || place.place?.countryCode === last.place.place?.countryCode)) {
      // "the attack" with no date of its own points back to the incident being told.
      target = last;
    } else if (current.background) {
      target = incidents.find((incident) => incident.status === 'background' && sameEvent(incident, current, place));
    } else if (main !== undefined) {
      const elsewhere = place !== undefined && main.place !== undefined && !samePlace(place.place, main.place.place);
      const otherDay = current.date?.date !== undefined && main.date?.date !== undefined && current.date.date !== main.date.date;
      target = (elsewhere && (current.separate || otherDay || place?.place?.countryCode !== main.place?.place?.countryCode))
        ? incidents.find((incident) => incident !== main && sameEvent(incident, current, place))
        : main;
    } else if (current.date === undefined && place === undefined) {
      // Before any news, an undated attack word goes on with the older incident the text is about (a trial, an anniversary).
      target = last;
    }
    if (target === undefined) {
      // The report's news is the first incident it tells as current; another is news too only when told as a
      // separate, current attack with its own victims (a bulletin's next item), else it is mentioned as background.
      const alsoNews = main !== undefined && !current.background && current.separate
        && current.figures.some((f) => !f.perpetrators && f.what !== 'hostages')
        && isRecent(current.date ?? (current.anchored ? last?.date : undefined), context.published);
      target = newIncident(current.background || (main !== undefined && !alsoNews) ? 'background' : 'news');
      incidents.push(target);
      if (main === undefined && target.status === 'news') main = target;
    }
    absorb(target, current, target.status === 'news' && !tellsNewsPlace(target, current) ? undefined : place, context);
    if (!current.cued) plain.set(target, (plain.get(target) ?? new Set<number>()).add(current.sentence));
    last = target;
  }
  for (const incident of incidents) finish(incident);
  return withSubject(incidents, plain, context).filter((incident) => incident.status === 'news' || incident.attackTypes.size > 0 || incident.victimsKilled !== undefined
    || incident.date !== undefined || incident.place !== undefined);
}

// How long after an attack a piece about it is still about that attack rather than about history.
const SUBJECT_REACH_DAYS = 366;

/**
 * An analysis or comment written weeks or months after an attack is still about that attack. When the text tells
 * no incident as current, or only an undated one in fewer sentences, its subject is the older incident it
 * elaborates most: in more sentences than any other (the earlier one on a tie, as the headline and lede come
 * first), at least two of them free of the words of a trial, an anniversary or an earlier time, and dated by day
 * or month within the last year. That incident becomes news; incidents mentioned in passing stay background.
 * A piece whose headline or lede is about a trial or a commemoration keeps every incident as background.
 */
function withSubject(incidents: readonly Incident[], plain: ReadonlyMap<Incident, ReadonlySet<number>>, context: EventContext): Incident[] {
  const news = incidents.filter((incident) => incident.status === 'news');
  const current = news[0];
  if (news.length > 1 || (current !== undefined && current.date !== undefined)) return [...incidents];
  if (openingIsCued(context.segmented)) return [...incidents];
  const firstSentence = (incident: Incident): number => Math.min(...incident.sentences);
  const candidates = incidents
    .filter((incident) => incident.status === 'background' && (plain.get(incident)?.size ?? 0) >= 2
      && isWithinReach(incident.date, context.published))
    .sort((a, b) => b.sentences.size - a.sentences.size || firstSentence(a) - firstSentence(b));
  const subject = candidates[0];
  if (subject === undefined || subject.sentences.size <= (current?.sentences.size ?? 0)) return [...incidents];
  const rival = incidents.find((incident) => incident !== subject && incident.status === 'background' && incident.sentences.size === subject.sentences.size
    && firstSentence(incident) < firstSentence(subject));
  if (rival !== undefined) return [...incidents];
  return incidents.map((incident) => {
    if (incident === subject) return { ...incident, status: 'news' };
    return incident === current ? { ...incident, status: 'background' } : incident;
  });
}

/** The headline or the lede speaks of a trial, an anniversary, a memorial. */
function openingIsCued(segmented: SegmentedText): boolean {
  return segmented.sentences.slice(0, 2).some((sentence) => segmented.tokens.slice(sentence.tokenStart, sentence.tokenEnd)
    .some((t) => BACKGROUND_CUES.has(t.lemma) || BACKGROUND_CUES.has(t.lower)));
}

/** Dated by day or month, before publication but not by more than {@link SUBJECT_REACH_DAYS}. */
function isWithinReach(date: DateMention | undefined, published: Date | undefined): boolean {
  if (date?.date === undefined || published === undefined || (date.precision !== 'day' && date.precision !== 'month')) return false;
  const age = published.getTime() - Date.parse(`${date.date.slice(0, 7)}-01T00:00:00Z`);
  return age >= 0 && age <= SUBJECT_REACH_DAYS * DAY_MS;
}

function sameEvent(incident: Incident, frame: Frame, place: Entity | undefined): boolean {
  if (frame.date?.date !== undefined && incident.date?.date !== undefined) {
    return frame.date.date.startsWith(incident.date.date) || incident.date.date.startsWith(frame.date.date);
  }
  if (place !== undefined && incident.place !== undefined) return samePlace(place.place, incident.place.place) && place.place?.kind !== 'country';
  return false;
}

function newIncident(status: Incident['status']): Incident {
  return { status, sentences: new Set(), evidence: [], attackTypes: new Set(), weaponTypes: new Set(), targetTypes: new Set(), suicide: false };
}

function absorb(incident: Incident, frame: Frame, place: Entity | undefined, context: EventContext): void {
  incident.sentences.add(frame.sentence);
  incident.evidence.push(frame.window);
  // The attack comes before what follows it (mourning, arrests, claims): keep the most precise, then the earliest date.
  // A background incident is older than the report: a date of the news ("on Monday") in its sentence is not its own.
  const ownDate = incident.status === 'background' && !isOld(frame.date, context.published) ? undefined : frame.date;
  if (ownDate !== undefined && frame.date !== undefined && (incident.date === undefined || precisionRank(frame.date.precision) > precisionRank(incident.date.precision)
    || (precisionRank(frame.date.precision) === precisionRank(incident.date.precision) && (frame.date.date ?? '') < (incident.date.date ?? '')))) {
    incident.date = frame.date;
  }
  const rank = (p: Place | undefined): number => (p === undefined ? 0 : p.kind === 'country' ? 1 : p.kind === 'region' ? 2 : 3);
  if (place !== undefined && (incident.place === undefined || (rank(place.place) > rank(incident.place.place) && samePlace(place.place, incident.place.place)))) {
    incident.place = place;
  }
  for (const sense of frame.senses) {
    if (sense.attack !== undefined) incident.attackTypes.add(sense.attack);
    if (sense.weapon !== undefined) incident.weaponTypes.add(sense.weapon);
  }
  const { tokens } = context.segmented;
  for (let i = frame.from; i < frame.to; i += 1) {
    const token = tokens[i] as Token;
    const target = TARGET_WORDS.get(token.lemma) ?? TARGET_WORDS.get(token.lower);
    if (target === undefined) continue;
    // The noun's phrase reaches back over modifiers and coordination ("at Sri Lankan churches and hotels"), not over a verb.
    const before: string[] = [];
    for (let k = i - 1; k >= Math.max(frame.from, i - 7); k -= 1) {
      const word = tokens[k] as Token;
      before.push(word.lower);
      if ((word.pos === 'VERB' || word.pos === 'AUX' || (word.pos === 'PUNCT' && word.text !== ',')) && !TARGETING_WORDS.test(word.lower)) break;
    }
    const victimHead = frame.figures.some((f) => !f.perpetrators && f.head === token.lemma);
    if (victimHead || before.some((w) => TARGETING_WORDS.test(w))) {
      incident.targetTypes.add(target);
      if (incident.site === undefined && token.pos === 'NOUN' && (SITE_NOUNS.has(token.lemma) || SITE_NOUNS.has(token.lower))) {
        incident.site = sitePhrase(context.segmented, frame.from, i);
      }
    }
  }
  for (const figure of frame.figures) {
    const key = figure.perpetrators ? 'perpetratorsKilled' : figure.what === 'killed' ? 'victimsKilled' : figure.what;
    if (figure.perpetrators && figure.what !== 'killed') continue;
    const known = incident[key];
    if (known === undefined || better(figure, known)) incident[key] = figure;
  }
  incident.suicideAttackers ??= suicideAttackers(context.segmented, frame);
  const text = context.segmented.text.slice(frame.window.start, frame.window.end).toLowerCase();
  if (/\bsuicide\b|\bblew (himself|themselves|herself) up\b|\bself-immolat/u.test(text)) incident.suicide = true;
  if (/\b(foiled|thwarted|defused|failed to (explode|detonate))\b/u.test(text)) incident.success = false;
}

function suicideAttackers(segmented: SegmentedText, frame: Frame): CasualtyFigure | undefined {
  const { tokens } = segmented;
  for (let i = frame.from; i < frame.to - 1; i += 1) {
    const token = tokens[i] as Token;
    const next = tokens[i + 1] as Token;
    if (token.lower !== 'suicide' || !/^(bombers?|attackers?)$/u.test(next.lower)) continue;
    const before = tokens[i - 1];
    const words: Record<string, number> = { a: 1, an: 1, the: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9 };
    const n = before !== undefined ? words[before.lower] ?? (/^\d+$/u.test(before.text) ? Number(before.text) : undefined) : undefined;
    const plural = next.lower.endsWith('s');
    if (n === undefined || (plural && n === 1 && before?.lower !== 'one')) continue;
    const start = (before as Token).start;
    return { what: 'killed', perpetrators: true, count: { low: n, high: n, qualifier: 'exact', text: segmented.text.slice(start, next.end) }, start, end: next.end };
  }
  return undefined;
}

function better(candidate: CasualtyFigure, known: CasualtyFigure): boolean {
  const a = candidate.count.low ?? -1;
  const b = known.count.low ?? -1;
  if (a !== b) return a > b;
  return known.count.qualifier === 'exact' && candidate.count.qualifier !== 'exact' && candidate.count.qualifier !== 'unknown';
}

function precisionRank(precision: DatePrecision): number {
  return { exact: 5, day: 4, month: 3, year: 2, approximate: 1, unknown: 0 }[precision];
}

/** "a National Guard base", "a beachside hotel": the noun with its modifiers, without the article. */
function sitePhrase(segmented: SegmentedText, from: number, head: number): { text: string; span: CharSpan } {
  const { tokens } = segmented;
  let first = head;
  while (first - 1 >= from && /^(ADJ|NOUN|PROPN)$/u.test((tokens[first - 1] as Token).pos) && !PERPETRATOR_NOUNS.has((tokens[first - 1] as Token).lower)) first -= 1;
  const span = { start: (tokens[first] as Token).start, end: (tokens[head] as Token).end };
  return { text: segmented.text.slice(span.start, span.end), span };
}

function finish(incident: Incident): void {
  if (incident.attackTypes.size === 0) {
    if (incident.weaponTypes.has('Explosives')) incident.attackTypes.add('Bombing/Explosion');
    else if (incident.weaponTypes.has('Firearms') || incident.weaponTypes.has('Melee')) incident.attackTypes.add('Armed Assault');
  }
  if (incident.attackTypes.has('Armed Assault') && incident.attackTypes.has('Bombing/Explosion') && !incident.weaponTypes.has('Firearms')) {
    incident.attackTypes.delete('Armed Assault');
  }
  // Suicide attackers die in the attack: "a suicide bomber" is one attacker killed, "two suicide bombers" two.
  if (incident.suicide && incident.perpetratorsKilled === undefined) {
    // Without a number, a suicide attack had at least one attacker, who died.
    incident.perpetratorsKilled = incident.suicideAttackers ?? {
      what: 'killed', perpetrators: true, count: { low: 1, high: null, qualifier: 'at-least', text: 'suicide attack' }, start: 0, end: 0,
    };
  }
  if (incident.success === undefined) {
    const harmed = (incident.victimsKilled?.count.low ?? 0) > 0 || (incident.wounded?.count.low ?? 0) > 0;
    if (harmed) incident.success = true;
  }
}
