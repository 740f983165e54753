/**
 * Perpetrator groups: resolve a name to its canonical group, and find every
 * group named in a text. "IS", "ISIS", "ISIL", "Daesh" and "Islamic State" are
 * one group; branches (ISKP, AQAP) are their own groups with a parent.
 */
import { groupTable, type AliasEntry, type GroupRecord, type GroupTable, type TrieNode } from './group-table.js';
import { exactKey, joinable, tokenize, type Token } from './group-tokens.js';

export type { GroupRecord, GroupSources } from './group-table.js';

export interface GroupMatch {
  /** Canonical name: the input of the group's deterministic id. */
  canonical: string;
  /** The alias of the table that matched. */
  matchedAlias: string;
  group: GroupRecord;
}

export interface GroupMention {
  start: number;
  end: number;
  canonical: string;
  /** The alias of the table that matched. */
  alias: string;
  /** The text as written between start and end. */
  text: string;
}

interface Walk {
  entry: AliasEntry;
  /** Index of the last token of the match. */
  last: number;
}

function steps(node: TrieNode, token: Token, upper: boolean): TrieNode[] {
  const exact = node.next.get(upper ? exactKey(token.raw.toUpperCase()) : token.exactKey);
  const folded = node.next.get(token.folded);
  if (exact && folded) return [exact, folded];
  if (exact) return [exact];
  return folded ? [folded] : [];
}

/**
 * The longest alias starting at token `first`, following exact and folded
 * edges together; connectors an alias omits ("the", "al-") are skipped.
 * `upper` reads every token in capitals (for names typed in lower case).
 */
function longestAt(text: string, tokens: Token[], first: number, t: GroupTable, upper = false): Walk | undefined {
  const firstToken = tokens[first];
  if (!firstToken) return undefined;
  // Most words start no alias: answer them without allocating.
  if (!upper && !t.root.next.has(firstToken.exactKey) && !t.root.next.has(firstToken.folded)) return undefined;
  let nodes = steps(t.root, firstToken, upper);
  const ending = (): AliasEntry | undefined => nodes.find((node) => node.entry !== undefined)?.entry;
  const firstEnd = ending();
  let best: Walk | undefined = firstEnd ? { entry: firstEnd, last: first } : undefined;
  let previous = firstToken;
  for (let i = first + 1; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token || !joinable(text, previous, token)) break;
    const next = nodes.flatMap((node) => steps(node, token, upper));
    if (next.length > 0) {
      nodes = next;
      const ended = ending();
      if (ended) best = { entry: ended, last: i };
    } else if (!t.connectors.has(token.folded)) break;
    previous = token;
  }
  return best;
}

function isShouted(token: Token | undefined): boolean {
  return token !== undefined && /\p{Lu}{2,}/u.test(token.raw) && !/\p{Ll}/u.test(token.raw);
}

/**
 * An ambiguous alias ("IS", "AQ", "National Action") counts only in mixed-case text and beside
 * a word that marks a group ("IS militants", "claimed by IS", "IS-linked"),
 * so that the verb in an all-capitals headline is never taken for the group.
 */
function hasGroupContext(text: string, tokens: Token[], first: number, last: number, t: GroupTable): boolean {
  const firstToken = tokens[first];
  const lastToken = tokens[last];
  if (!firstToken || !lastToken) return false;
  const previous = tokens[first - 1];
  const next = tokens[last + 1];
  const before = previous && joinable(text, previous, firstToken) ? previous : undefined;
  const after = next && joinable(text, lastToken, next) ? next : undefined;
  const neighbours = [before, after].filter((token): token is Token => token !== undefined);
  if (neighbours.some((token) => isShouted(token) && !t.contextWords.has(token.folded))) return false;
  if (neighbours.length > 0 && neighbours.every(isShouted)) return false;
  if (text[lastToken.end] === '-' && after) return true;
  if (/^['’]s\b/.test(text.slice(lastToken.end, lastToken.end + 3))) return true;
  return neighbours.some((token) => t.contextWords.has(token.folded));
}

const ARTICLES = new Set(['al', 'el']);

/** Where a name starts when an Arabic article the alias omits precedes it ("al-" in "al-Shabab"). */
function articleStart(text: string, tokens: Token[], first: number): number | undefined {
  const before = tokens[first - 1];
  const token = tokens[first];
  if (!before || !token || !ARTICLES.has(before.folded)) return undefined;
  return joinable(text, before, token) ? before.start : undefined;
}

/** Every group named in the text, in order, longest alias first at each position. */
export function findGroupMentions(text: string): GroupMention[] {
  const t = groupTable();
  const tokens = tokenize(text);
  const mentions: GroupMention[] = [];
  let i = 0;
  while (i < tokens.length) {
    const walk = longestAt(text, tokens, i, t);
    const first = tokens[i];
    const last = walk ? tokens[walk.last] : undefined;
    if (walk && first && last && (!walk.entry.needsContext || hasGroupContext(text, tokens, i, walk.last, t))) {
      const start = articleStart(text, tokens, i) ?? first.start;
      mentions.push({
        start,
        end: last.end,
        canonical: walk.entry.group.canonical,
        alias: walk.entry.alias,
        text: text.slice(start, last.end),
      });
      i = walk.last + 1;
    } else i += 1;
  }
  return mentions;
}

/**
 * The group a name denotes, tolerant of case, hyphens, "al-"/"al "/"Al "
 * variants, apostrophes and a leading "the"; undefined when the whole name is
 * not an alias of one group. An acronym is matched as written.
 */
export function resolveGroup(name: string): GroupMatch | undefined {
  // GTD style "Tehrik-i-Taliban Pakistan (TTP)": the name decides, unless the bracket names another group.
  const bracketed = /^(.+?)\s*\(([^()]+)\)$/.exec(name.trim());
  if (bracketed) {
    const outer = resolveWhole(bracketed[1] ?? '');
    const inner = resolveWhole(bracketed[2] ?? '');
    if (outer && (!inner || inner.canonical === outer.canonical)) return outer;
  }
  return resolveWhole(name);
}

function resolveWhole(name: string): GroupMatch | undefined {
  const t = groupTable();
  const tokens = tokenize(name);
  let afterConnectors = 0;
  while (afterConnectors < tokens.length - 1 && t.connectors.has(tokens[afterConnectors]?.folded ?? '')) afterConnectors += 1;
  const whole = (walk: Walk | undefined): walk is Walk => walk !== undefined && walk.last === tokens.length - 1;
  let walk = [longestAt(name, tokens, 0, t), longestAt(name, tokens, afterConnectors, t)].find(whole);
  // "aqap" typed in lower case: read it in capitals, but never "is" or another ambiguous acronym.
  if (!walk) walk = [longestAt(name, tokens, afterConnectors, t, true)].find((w) => whole(w) && !w.entry.needsContext);
  if (!walk) return undefined;
  return { canonical: walk.entry.group.canonical, matchedAlias: walk.entry.alias, group: walk.entry.group };
}

/** The group record under its canonical name. */
export function groupByCanonical(canonical: string): GroupRecord | undefined {
  return groupTable().byCanonical.get(canonical);
}

/** Every group of the table, in file order. */
export function listGroups(): readonly GroupRecord[] {
  return groupTable().groups;
}
