/**
 * Word tokens for alias matching, with their character offsets. A token keeps
 * inner apostrophes ("Jama'ath") and loses a possessive ("State's" → "State");
 * its folded form ignores case and diacritics and collapses doubled letters, so
 * that "al-Shabaab" and "al-Shabab", "Jamaat" and "Jamat" fold alike.
 */

export interface Token {
  start: number;
  end: number;
  raw: string;
  /** The trie key of the token as written (see group-table's exactKey). */
  exactKey: string;
  folded: string;
}

const WORD = /[\p{L}\p{N}]+(?:['’ʼ][\p{L}\p{N}]+)*/gu;
const POSSESSIVE = /['’ʼ]s$/i;

/** Trie edge key of a token as written; folded keys never start with "=". */
export function exactKey(raw: string): string {
  return `=${raw}`;
}

const PLAIN_WORD = /^[A-Za-z0-9]+$/;
const DOUBLED = /(\p{L})\1+/gu;

/** ASCII letters and digits: lower case and doubled letters collapsed in one pass, no copy when nothing changes. */
function foldPlain(raw: string): string {
  let changed = false;
  let previous = -1;
  for (let i = 0; i < raw.length; i++) {
    let code = raw.charCodeAt(i);
    if (code >= 65 && code <= 90) {
      changed = true;
      code += 32;
    }
    if (code === previous && code >= 97) changed = true;
    previous = code;
  }
  if (!changed) return raw;
  let out = '';
  previous = -1;
  for (let i = 0; i < raw.length; i++) {
    let code = raw.charCodeAt(i);
    if (code >= 65 && code <= 90) code += 32;
    if (code !== previous || code < 97) out += String.fromCharCode(code);
    previous = code;
  }
  return out;
}

function foldToken(raw: string): string {
  if (PLAIN_WORD.test(raw)) return foldPlain(raw);
  return raw
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’ʼ]/g, '')
    .replace(DOUBLED, '$1');
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    let raw = match[0];
    if (POSSESSIVE.test(raw)) raw = raw.slice(0, -2);
    const start = match.index;
    tokens.push({ start, end: start + raw.length, raw, exactKey: exactKey(raw), folded: foldToken(raw) });
  }
  return tokens;
}

/** Whether two neighbouring tokens can belong to one name: no sentence or clause break between them. */
export function joinable(text: string, left: Token, right: Token): boolean {
  const gap = text.slice(left.end, right.start).replace(/^['’ʼ]s/i, '');
  return /^[\s\-‐‑–/()'’]*$/.test(gap) && !/\n\s*\n/.test(gap) && gap.length <= 4;
}
