/**
 * Tokens of the STIX 2.1 patterning language (STIX 2.1 §9, the lexer rules of
 * the normative STIXPattern grammar). Like that grammar's lexer, this one takes
 * the longest match at each position (so "007" is three integers and
 * "1.2.3.4" is "1.2", ".3", ".4"). A malformed literal or a character no rule
 * knows becomes an 'invalid' token, where the parser then reports the error.
 */

export type TokenKind =
  | 'int' | 'negative-int' | 'float' | 'negative-float' | 'string' | 'hex' | 'binary' | 'timestamp' | 'bool'
  | 'keyword' | 'identifier' | 'hyphen-identifier'
  | 'eq' | 'neq' | 'lt' | 'le' | 'gt' | 'ge'
  | '[' | ']' | '(' | ')' | ':' | '.' | ',' | '*'
  | 'invalid' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The token exactly as written (a string keeps its quotes and escapes). */
  readonly text: string;
  /** Offset of the first character in the pattern (UTF-16 code units, from 0). */
  readonly at: number;
}

const KEYWORDS: ReadonlySet<string> = new Set([
  'AND', 'OR', 'NOT', 'FOLLOWEDBY', 'LIKE', 'MATCHES', 'ISSUPERSET', 'ISSUBSET', 'EXISTS', 'LAST', 'IN', 'START', 'STOP',
  'SECONDS', 'WITHIN', 'REPEATS', 'TIMES',
]);

const SINGLE: Readonly<Record<string, TokenKind>> = {
  '[': '[', ']': ']', '(': '(', ')': ')', ':': ':', '.': '.', ',': ',', '*': '*', '=': 'eq', '<': 'lt', '>': 'gt',
};

// The grammar's WS rule: these characters and nothing else separate tokens.
const WHITESPACE: ReadonlySet<number> = new Set([
  0x20, 0x09, 0x0d, 0x0a, 0x0b, 0x0c, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

export function isPatternWhitespace(code: number): boolean {
  return WHITESPACE.has(code);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

function isBase64Char(code: number): boolean {
  return isDigit(code) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x2b || code === 0x2f;
}

function isIdentifierStart(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
}

function isIdentifierPart(code: number): boolean {
  return isIdentifierStart(code) || isDigit(code);
}

/** End of the number starting at `i` (after any sign), or undefined when none starts there. */
function numberEnd(text: string, i: number): { end: number; float: boolean } | undefined {
  let j = i;
  while (isDigit(text.charCodeAt(j))) j++;
  if (text.charCodeAt(j) === 0x2e && isDigit(text.charCodeAt(j + 1))) {
    j += 2;
    while (isDigit(text.charCodeAt(j))) j++;
    return { end: j, float: true };
  }
  if (j === i) return undefined;
  // An integer has no leading zero: "007" is three tokens, as in the grammar.
  return { end: text.charCodeAt(i) === 0x30 ? i + 1 : j, float: false };
}

/** End of a quoted string starting at `i`, or undefined when it is unterminated or has a bad escape. */
function stringEnd(text: string, i: number): number | undefined {
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 0x27) return j + 1;
    if (c === 0x5c) {
      const next = text.charCodeAt(j + 1);
      if (next !== 0x27 && next !== 0x5c) return undefined;
      j += 2;
    } else {
      j++;
    }
  }
  return undefined;
}

function isHexBody(body: string): boolean {
  if (body.length % 2 !== 0) return false;
  for (let k = 0; k < body.length; k++) if (!isHexDigit(body.charCodeAt(k))) return false;
  return true;
}

/** Base64 with padding and at least one group of four, as the grammar's BinaryLiteral. */
function isBase64Body(body: string): boolean {
  if (body.length === 0 || body.length % 4 !== 0) return false;
  let padding = 0;
  if (body.endsWith('==')) padding = 2;
  else if (body.endsWith('=')) padding = 1;
  for (let k = 0; k < body.length - padding; k++) if (!isBase64Char(body.charCodeAt(k))) return false;
  return true;
}

function twoDigits(body: string, at: number): number {
  const a = body.charCodeAt(at);
  const b = body.charCodeAt(at + 1);
  return isDigit(a) && isDigit(b) ? (a - 0x30) * 10 + (b - 0x30) : -1;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction]Z` as the grammar's TimestampLiteral, which
 * allows a 31st of every month; this also requires the day to exist (RFC 3339).
 */
function isTimestampBody(body: string): boolean {
  if (body.length < 20 || body[4] !== '-' || body[7] !== '-' || body[10] !== 'T' || body[13] !== ':' || body[16] !== ':') {
    return false;
  }
  if (twoDigits(body, 0) < 0 || twoDigits(body, 2) < 0) return false;
  const month = twoDigits(body, 5);
  const day = twoDigits(body, 8);
  const hour = twoDigits(body, 11);
  const minute = twoDigits(body, 14);
  const second = twoDigits(body, 17);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(twoDigits(body, 0) * 100 + twoDigits(body, 2), month)) return false;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return false;
  if (second < 0 || second > 60) return false;
  let k = 19;
  if (body[k] === '.') {
    k++;
    const digitsFrom = k;
    while (isDigit(body.charCodeAt(k))) k++;
    if (k === digitsFrom) return false;
  }
  return k === body.length - 1 && body[k] === 'Z';
}

const PREFIXED_LITERALS: Readonly<Record<string, { kind: TokenKind; valid: (body: string) => boolean }>> = {
  h: { kind: 'hex', valid: isHexBody },
  b: { kind: 'binary', valid: isBase64Body },
  t: { kind: 'timestamp', valid: isTimestampBody },
};

/**
 * A malformed h'…', b'…' or t'…' becomes one invalid token: the grammar would
 * read a name followed by a string, which no rule accepts either.
 */
function prefixedLiteral(text: string, i: number): Token | undefined {
  const literal = PREFIXED_LITERALS[text[i] as string];
  if (literal === undefined || text.charCodeAt(i + 1) !== 0x27) return undefined;
  const close = text.indexOf("'", i + 2);
  if (close < 0) return { kind: 'invalid', text: text.slice(i), at: i };
  const valid = literal.valid(text.slice(i + 2, close));
  return { kind: valid ? literal.kind : 'invalid', text: text.slice(i, close + 1), at: i };
}

function word(text: string, i: number): Token {
  let j = i + 1;
  while (isIdentifierPart(text.charCodeAt(j))) j++;
  let end = j;
  while (isIdentifierPart(text.charCodeAt(end)) || text.charCodeAt(end) === 0x2d) end++;
  const w = text.slice(i, end);
  if (end > j) return { kind: 'hyphen-identifier', text: w, at: i };
  if (w === 'true' || w === 'false') return { kind: 'bool', text: w, at: i };
  return { kind: KEYWORDS.has(w) ? 'keyword' : 'identifier', text: w, at: i };
}

function signedNumber(text: string, i: number): Token | undefined {
  const c = text.charCodeAt(i);
  const signed = c === 0x2b || c === 0x2d;
  const number = numberEnd(text, signed ? i + 1 : i);
  if (number === undefined) return undefined;
  const negative = c === 0x2d;
  const kind: TokenKind = number.float ? (negative ? 'negative-float' : 'float') : negative ? 'negative-int' : 'int';
  return { kind, text: text.slice(i, number.end), at: i };
}

function operator(text: string, i: number): Token {
  const two = text.slice(i, i + 2);
  if (two === '==') return { kind: 'eq', text: two, at: i };
  if (two === '!=' || two === '<>') return { kind: 'neq', text: two, at: i };
  if (two === '<=') return { kind: 'le', text: two, at: i };
  if (two === '>=') return { kind: 'ge', text: two, at: i };
  const c = text[i] as string;
  return { kind: SINGLE[c] ?? 'invalid', text: c, at: i };
}

/** Offset just after the comment starting at `i`, or undefined when no comment starts there. */
function commentEnd(text: string, i: number): number | undefined {
  if (text.charCodeAt(i) !== 0x2f) return undefined;
  const next = text.charCodeAt(i + 1);
  if (next === 0x2a) {
    const close = text.indexOf('*/', i + 2);
    return close < 0 ? undefined : close + 2;
  }
  if (next === 0x2f) {
    let j = i + 2;
    while (j < text.length && text.charCodeAt(j) !== 0x0a && text.charCodeAt(j) !== 0x0d) j++;
    return j;
  }
  return undefined;
}

/** The tokens of `text` up to the first invalid one, then an 'end' token; linear in the length of `text`. */
export function lexPattern(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (WHITESPACE.has(c)) {
      i++;
      continue;
    }
    const afterComment = commentEnd(text, i);
    if (afterComment !== undefined) {
      i = afterComment;
      continue;
    }
    let token: Token | undefined;
    if (c === 0x27) {
      const end = stringEnd(text, i);
      token = { kind: end === undefined ? 'invalid' : 'string', text: text.slice(i, end ?? i + 1), at: i };
    } else if (isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e) {
      token = signedNumber(text, i);
    } else if (isIdentifierStart(c)) {
      token = prefixedLiteral(text, i) ?? word(text, i);
    }
    token ??= operator(text, i);
    tokens.push(token);
    // No rule accepts an invalid token, so the parser stops there: lexing on
    // could only rescan the rest (an unclosed string or comment) again and again.
    if (token.kind === 'invalid') break;
    i += token.text.length;
  }
  tokens.push({ kind: 'end', text: '', at: text.length });
  return tokens;
}
