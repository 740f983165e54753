import type { Incident } from './events.js';
import type { Entity, ResolvedText } from './resolve.js';
import type { Credit } from './sources.js';
import { clauseStart } from './clause.js';
import { ATTACK_NOUNS } from './lexicon/en-events.js';
import type { CharSpan, Mention, SegmentedText, Sentence, Token } from './types.js';

/**
 * Stage 9: who did it, and on whose word. A group named in a sentence about an
 * incident is linked to it as a claim of responsibility ("claimed
 * responsibility", "said it carried out"), an official attribution
 * ("authorities blamed", "the ministry said … was behind") or a suspicion
 * ("suspected", "bore the hallmarks"). A claim records its channel (Amaq, "a
 * statement posted online") and who reported it (the party credited in the
 * sentence, such as the SITE Intelligence Group). "No group has claimed" marks
 * the incident as not claimed.
 */
export interface Attribution {
  readonly incident: Incident;
  readonly group: Entity;
  readonly type: 'claim' | 'official' | 'suspected';
  channel?: string | undefined;
  reportedBy?: Entity | undefined;
  readonly evidence: CharSpan[];
  readonly sentence: number;
}

export interface AttributionResult {
  readonly attributions: Attribution[];
  /** Claimed true/false per incident, where the text says. */
  readonly claimed: Map<Incident, boolean>;
}

const NO_CLAIM = /\b(no (immediate |initial )?(claim|one|group|organi[sz]ation)\b[^.]*\b(claim|responsibility)|(has|have|had) not (yet )?(been )?claimed|nobody (has )?claimed|not immediately claimed|unclaimed)/iu;
const CLAIM = /\bclaim(ed|ing|s)?\b[^.]{0,40}\b(responsibility|credit)\b|\bclaim(ed|ing|s)?\s+(?:(?:the|an|a|this|that|both|its)\s+)?(?:[\w-]+\s+){0,3}(attacks?|bombings?|blasts?|massacre|siege|assault|shooting|killings?|explosions?)\b|\bclaimed by\b|\b(said|says) it (had )?(carried out|was behind|staged)|\btook responsibility\b|\b(accepted|admitted) responsibility\b|\bclaim of responsibility\b|\bone of its (soldiers|fighters)\b/iu;
const OFFICIAL = /\b(blam(e|ed|es|ing)|accus(e|ed|es|ing)|attribut(e|ed|es|ing)|held responsible|(was|were) (behind|responsible)|carried out by|(had|has|have) carried out|(was|were|is) the work of|orchestrated|masterminded|belong(s|ed)? to|members? of|linked to|affiliated (with|to)|identified [^.]* as (members?|militants?) of)\b/iu;
const SUSPECTED = /\b(suspect(ed|s)?|suspicion|hallmarks?|believed to (be|have)|likely|probably|may have|might have|thought to)\b/iu;
const OFFICIALS = /\b(officials?|authorities|government|ministry|minister|police|prosecutors?|army|military|president|prime minister|investigators|security (forces|services|sources))\b/iu;
const CHANNEL = /\bAmaq\b(?: news agency)?|\b(?:an?|its|the)\s+(?:online\s+)?(?:statement|video|audio (?:message|recording)|message|communiqu[ée])\b(?:\s+(?:posted|published|circulated|released|issued|sent|distributed)(?:\s+(?:online|on\s+[^,.;]{3,45}|to\s+[^,.;]{3,30}|via\s+[^,.;]{3,30}))?|\s+online|\s+on\s+(?:social media|Telegram|Twitter|its website|an? [\w-]+ website)[^,.;]{0,30})?/iu;

export function findAttributions(
  segmented: SegmentedText, mentions: readonly Mention[], resolved: ResolvedText, incidents: readonly Incident[], credits: readonly Credit[],
): AttributionResult {
  const attributions: Attribution[] = [];
  const claimed = new Map<Incident, boolean>();
  const main = incidents.find((incident) => incident.status === 'news');
  for (const sentence of segmented.sentences) {
    const text = segmented.text.slice(sentence.start, sentence.end);
    const incident = incidents.find((candidate) => candidate.sentences.has(sentence.index)) ?? main;
    if (incident === undefined) continue;
    if (NO_CLAIM.test(text)) {
      if (!claimed.has(incident)) claimed.set(incident, false);
      continue;
    }
    const groups = groupsIn(mentions, resolved, sentence);
    if (groups.length === 0) continue;
    const type = CLAIM.test(text) ? 'claim' : OFFICIAL.test(text) && OFFICIALS.test(text) ? 'official' : SUSPECTED.test(text) ? 'suspected' : undefined;
    if (type === undefined) continue;
    // A sentence about other attacks ("many of those attacks were claimed by …") says nothing about this one.
    if (!incident.sentences.has(sentence.index) && speaksOfOtherAttacks(segmented, sentence)) continue;
    const candidates = groups.filter((g) => !isParentReference(segmented, g.mention));
    if (candidates.length === 0) continue;
    const { entity: group, mention } = claimantOf(candidates, segmented, sentence);
    const reporter = credits.find((credit) => credit.sentence === sentence.index && credit.entity !== undefined && credit.entity !== group);
    const channel = type === 'claim' ? channelFor(segmented, mentions, resolved, group, sentence) : undefined;
    const existing = attributions.find((a) => a.incident === incident && a.group === group);
    if (existing !== undefined && rank(existing.type) >= rank(type)) {
      existing.evidence.push({ start: mention.start, end: mention.end }, { start: sentence.start, end: sentence.end });
      if (existing.type === type) {
        existing.channel ??= channel;
        existing.reportedBy ??= reporter?.entity;
      }
      continue;
    }
    if (existing !== undefined) attributions.splice(attributions.indexOf(existing), 1);
    attributions.push({
      incident,
      group,
      type,
      ...(channel !== undefined ? { channel } : {}),
      ...(reporter?.entity !== undefined ? { reportedBy: reporter.entity } : {}),
      evidence: [{ start: mention.start, end: mention.end }, { start: sentence.start, end: sentence.end }],
      sentence: sentence.index,
    });
    if (type === 'claim') claimed.set(incident, true);
  }
  return { attributions, claimed };
}

/** Attack nouns in the plural or with "those", "other", "a number of": attacks in general, not the incident. */
function speaksOfOtherAttacks(segmented: SegmentedText, sentence: Sentence): boolean {
  const tokens = segmented.tokens.slice(sentence.tokenStart, sentence.tokenEnd);
  return tokens.some((t, i) => t.pos === 'NOUN' && ATTACK_NOUNS.has(t.lemma) && t.lower !== t.lemma
    && !/^(the|these|both|twin|coordinated)$/u.test(tokens[i - 1]?.lower ?? ''));
}

/**
 * "a faction of the Pakistani Taliban", "al-Qaeda's North African branch": the
 * group named is the parent of the one meant, so it is not the claimant.
 */
function isParentReference(segmented: SegmentedText, mention: Mention): boolean {
  const { tokens } = segmented;
  const before = tokens.slice(Math.max(0, mention.tokenStart - 3), mention.tokenStart).map((t) => t.lower).join(' ');
  if (/\b(faction|branch|wing|offshoot|affiliate|splinter|cell|arm) of( the)?$/u.test(before)) return true;
  const after = tokens.slice(mention.tokenEnd, mention.tokenEnd + 5).map((t) => t.lower);
  return after[0] === "'s" && after.slice(1).some((w) => /^(branch|affiliate|wing|faction|offshoot|arm)$/u.test(w));
}

function rank(type: Attribution['type']): number {
  return type === 'claim' ? 3 : type === 'official' ? 2 : 1;
}

function groupsIn(mentions: readonly Mention[], resolved: ResolvedText, sentence: Sentence): { entity: Entity; mention: Mention }[] {
  return mentions
    .filter((m) => m.sentence === sentence.index && m.kind === 'group')
    .map((mention) => ({ mention, entity: resolved.entityOf(mention) }))
    .filter((g): g is { entity: Entity; mention: Mention } => g.entity !== undefined);
}

/**
 * The subject of the claim: the first group of the clause that holds the claim
 * verb ("Jamaat-ul-Ahrar, a faction of the Pakistani Taliban, claimed …" names
 * the faction, not the parent in the apposition); else the first group after it
 * ("… was claimed by X").
 */
function claimantOf(groups: { entity: Entity; mention: Mention }[], segmented: SegmentedText, sentence: Sentence): { entity: Entity; mention: Mention } {
  const { tokens } = segmented;
  const claimIndex = tokens.slice(sentence.tokenStart, sentence.tokenEnd).findIndex((t: Token) => t.lemma === 'claim' || t.lower === 'responsibility');
  if (claimIndex >= 0) {
    const at = sentence.tokenStart + claimIndex;
    const start = clauseStart(tokens, sentence, at);
    const inClause = groups.filter((g) => g.mention.tokenStart >= start && g.mention.tokenEnd <= at);
    const first = inClause[0] ?? groups.filter((g) => g.mention.tokenEnd <= at).at(-1) ?? groups.find((g) => g.mention.tokenStart > at);
    if (first !== undefined) return first;
  }
  return groups[0] as { entity: Entity; mention: Mention };
}

/** The claim's channel in this sentence or another sentence naming the same group. */
function channelFor(segmented: SegmentedText, mentions: readonly Mention[], resolved: ResolvedText, group: Entity, sentence: Sentence): string | undefined {
  const own = CHANNEL.exec(segmented.text.slice(sentence.start, sentence.end));
  if (own !== null) return own[0];
  for (const other of segmented.sentences) {
    if (other === sentence) continue;
    const text = segmented.text.slice(other.start, other.end);
    const namesGroup = groupsIn(mentions, resolved, other).some((g) => g.entity === group) || /\bthe group\b/iu.test(text);
    if (!namesGroup) continue;
    const match = CHANNEL.exec(text);
    if (match !== null && /\bAmaq\b|claim|responsib|soldiers|fighters|statement/iu.test(text)) return match[0];
  }
  return undefined;
}
