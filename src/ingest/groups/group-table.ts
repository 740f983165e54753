/**
 * The perpetrator-group table (data/groups.json) compiled into a token trie:
 * folded tokens for ordinary aliases, exact tokens for acronyms and names made
 * of common words.
 */
import { readDataFile } from '../gazetteer/data-files.js';
import { exactKey, tokenize } from './group-tokens.js';

export interface GroupSources {
  /** Group name as written in the Global Terrorism Database. */
  gtd?: string;
  /** English Wikipedia article title. */
  wikipedia: string;
  /** Designation lists naming the group (names of lists only). */
  designations?: string[];
}

export interface GroupRecord {
  /** The name every alias resolves to; deterministic ids are derived from it. */
  canonical: string;
  /** Matched ignoring case, diacritics, hyphens, apostrophes and connectors ("al-", "-e-"); the canonical name is listed here unless it matches only as written. */
  aliases: string[];
  /** Matched exactly as written: acronyms and names made of common words. */
  exact: string[];
  /** The organisation a branch or province belongs to. */
  parent?: string;
  /** Distinct groups often named with this one (rival claimants, successors). */
  related?: string[];
  ideology: string;
  region: string;
  sources: GroupSources;
}

interface GroupFile {
  connectors: string[];
  contextWords: string[];
  contextAliases: string[];
  groups: GroupRecord[];
}

export interface AliasEntry {
  group: GroupRecord;
  alias: string;
  needsContext: boolean;
}

export interface TrieNode {
  next: Map<string, TrieNode>;
  entry?: AliasEntry;
}

export interface GroupTable {
  groups: GroupRecord[];
  byCanonical: Map<string, GroupRecord>;
  root: TrieNode;
  connectors: Set<string>;
  contextWords: Set<string>;
}

function insert(root: TrieNode, keys: string[], entry: AliasEntry): void {
  if (keys.length === 0) return;
  let node = root;
  for (const key of keys) {
    let child = node.next.get(key);
    if (!child) {
      child = { next: new Map() };
      node.next.set(key, child);
    }
    node = child;
  }
  // The first group listing an alias keeps it: the data file orders parents before branches.
  node.entry ??= entry;
}

function compile(file: GroupFile): GroupTable {
  const connectors = new Set(file.connectors);
  const contextAliases = new Set(file.contextAliases);
  const root: TrieNode = { next: new Map() };
  const byCanonical = new Map<string, GroupRecord>();
  for (const group of file.groups) {
    byCanonical.set(group.canonical, group);
    for (const alias of group.aliases) {
      const keys = tokenize(alias)
        .map((token) => token.folded)
        .filter((key) => !connectors.has(key));
      insert(root, keys, { group, alias, needsContext: contextAliases.has(alias) });
    }
    for (const alias of group.exact) {
      const keys = tokenize(alias).map((token) => exactKey(token.raw));
      insert(root, keys, { group, alias, needsContext: contextAliases.has(alias) });
    }
  }
  return { groups: file.groups, byCanonical, root, connectors, contextWords: new Set(file.contextWords) };
}

let table: GroupTable | undefined;

export function groupTable(): GroupTable {
  table ??= compile(readDataFile<GroupFile>('groups.json'));
  return table;
}
