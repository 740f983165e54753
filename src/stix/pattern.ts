import { timestampProblem } from './timestamp.js';

/**
 * Syntax check of STIX patterns (STIX 2.1 §9, the STIXPattern grammar), used
 * for indicators whose `pattern_type` is "stix". It accepts exactly the
 * grammar's language and, like the OASIS validator, also requires object types
 * to be STIX type names and first path components to be property names. It
 * does not interpret the pattern.
 */

type TokenKind = 'keyword' | 'ident' | 'string' | 'int' | 'float' | 'hex' | 'binary' | 'timestamp' | 'bool' | 'punct';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly at: number;
}

const KEYWORDS = new Set([
  'AND', 'OR', 'NOT', 'FOLLOWEDBY', 'LIKE', 'MATCHES', 'ISSUPERSET', 'ISSUBSET', 'EXISTS', 'LAST', 'IN', 'START',
  'STOP', 'SECONDS', 'WITHIN', 'REPEATS', 'TIMES',
]);
const PUNCT = ['==', '!=', '<>', '<=', '>=', '=', '<', '>', '[', ']', '(', ')', ':', ',', '.', '*'];
const COMPARISON_OPS = new Set(['=', '==', '!=', '<>']);
const ORDER_OPS = new Set(['<', '>', '<=', '>=']);
const STRING_OPS = new Set(['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);
const ORDERABLE: ReadonlySet<TokenKind> = new Set(['int', 'float', 'string', 'binary', 'hex', 'timestamp']);
const TYPE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/u;
const PROPERTY_NAME = /^([a-z0-9_]{3,250}|id)$/u;
const BASE64_BODY = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/u;
const HEX_BODY = /^(?:[0-9a-fA-F]{2})*$/u;
// Sticky expressions match at lastIndex, so the tokenizer never copies the rest of the text.
const NUMBER = /[+-]?(\d*\.\d+|0|[1-9]\d*)/uy;
const WORD = /[a-zA-Z_][a-zA-Z0-9_-]*/uy;
const WHITESPACE = /\s/u;

class PatternError extends Error {}

function fail(message: string, at: number): never {
  throw new PatternError(`${message} at character ${at + 1}`);
}

function readQuoted(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== '\\' && next !== "'") fail('only \\\\ and \\\' may be escaped in a string', i);
      i += 2;
    } else if (c === "'") {
      return i + 1;
    } else {
      i++;
    }
  }
  return fail('unterminated string', start);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (WHITESPACE.test(c)) {
      i++;
      continue;
    }
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated comment', i);
      i = end + 2;
      continue;
    }
    const start = i;
    if (c === "'") {
      i = readQuoted(text, i);
      tokens.push({ kind: 'string', text: text.slice(start, i), at: start });
      continue;
    }
    if ((c === 'h' || c === 'b' || c === 't') && text[i + 1] === "'") {
      const end = text.indexOf("'", i + 2);
      if (end < 0) fail('unterminated literal', i);
      const body = text.slice(i + 2, end);
      i = end + 1;
      if (c === 'h' && !HEX_BODY.test(body)) fail(`h'${body}' is not hex`, start);
      if (c === 'b' && !BASE64_BODY.test(body)) fail(`b'${body}' is not base64`, start);
      if (c === 't' && timestampProblem(body) !== undefined) fail(`t'${body}' is not a STIX timestamp`, start);
      tokens.push({ kind: c === 'h' ? 'hex' : c === 'b' ? 'binary' : 'timestamp', text: body, at: start });
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (number !== null && /[\d.]/u.test(text[i + (c === '+' || c === '-' ? 1 : 0)] ?? '')) {
      i += number[0].length;
      tokens.push({ kind: number[0].includes('.') ? 'float' : 'int', text: number[0], at: start });
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(text);
    if (word !== null) {
      i += word[0].length;
      const w = word[0];
      const kind: TokenKind = KEYWORDS.has(w) ? 'keyword' : w === 'true' || w === 'false' ? 'bool' : 'ident';
      tokens.push({ kind, text: w, at: start });
      continue;
    }
    const punct = PUNCT.find((p) => text.startsWith(p, i));
    if (punct === undefined) fail(`unexpected "${c}"`, i);
    i += punct.length;
    tokens.push({ kind: 'punct', text: punct, at: start });
  }
  return tokens;
}

class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[], private readonly length: number) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  private is(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && (t.kind === 'punct' || t.kind === 'keyword') && t.text === text;
  }

  private next(what: string): Token {
    const t = this.tokens[this.pos];
    if (t === undefined) fail(`expected ${what} but the pattern ended`, this.length);
    this.pos++;
    return t;
  }

  private expect(text: string): void {
    const t = this.next(`"${text}"`);
    if (t.text !== text || (t.kind !== 'punct' && t.kind !== 'keyword')) fail(`expected "${text}", found "${t.text}"`, t.at);
  }

  parsePattern(): void {
    this.observationExpressions();
    const rest = this.peek();
    if (rest !== undefined) fail(`unexpected "${rest.text}"`, rest.at);
  }

  private observationExpressions(): void {
    this.observationOr();
    while (this.is('FOLLOWEDBY')) {
      this.pos++;
      this.observationOr();
    }
  }

  private observationOr(): void {
    this.observationAnd();
    while (this.is('OR')) {
      this.pos++;
      this.observationAnd();
    }
  }

  private observationAnd(): void {
    this.observation();
    while (this.is('AND')) {
      this.pos++;
      this.observation();
    }
  }

  private observation(): void {
    if (this.is('[')) {
      this.pos++;
      this.comparisonOr();
      this.expect(']');
    } else if (this.is('(')) {
      this.pos++;
      this.observationExpressions();
      this.expect(')');
    } else {
      const t = this.next('"[" or "("');
      fail(`expected "[" or "(", found "${t.text}"`, t.at);
    }
    this.qualifiers();
  }

  private qualifiers(): void {
    for (;;) {
      if (this.is('START')) {
        this.pos++;
        this.literal(['timestamp'], 'a t\'…\' timestamp');
        this.expect('STOP');
        this.literal(['timestamp'], 'a t\'…\' timestamp');
      } else if (this.is('WITHIN')) {
        this.pos++;
        const t = this.literal(['int', 'float'], 'a number of seconds');
        if (t.text.startsWith('-')) fail('WITHIN needs a positive number', t.at);
        this.expect('SECONDS');
      } else if (this.is('REPEATS')) {
        this.pos++;
        const t = this.literal(['int'], 'a whole number');
        if (t.text.startsWith('-')) fail('REPEATS needs a positive number', t.at);
        this.expect('TIMES');
      } else {
        return;
      }
    }
  }

  private comparisonOr(): void {
    this.comparisonAnd();
    while (this.is('OR')) {
      this.pos++;
      this.comparisonAnd();
    }
  }

  private comparisonAnd(): void {
    this.propTest();
    while (this.is('AND')) {
      this.pos++;
      this.propTest();
    }
  }

  private propTest(): void {
    if (this.is('(')) {
      this.pos++;
      this.comparisonOr();
      this.expect(')');
      return;
    }
    if (this.is('EXISTS') || (this.is('NOT') && this.is('EXISTS', 1))) {
      this.pos += this.is('NOT') ? 2 : 1;
      this.objectPath();
      return;
    }
    this.objectPath();
    if (this.is('NOT')) this.pos++;
    const op = this.next('a comparison operator');
    if (COMPARISON_OPS.has(op.text) && op.kind === 'punct') {
      this.literal([...ORDERABLE, 'bool'], 'a literal');
    } else if (ORDER_OPS.has(op.text) && op.kind === 'punct') {
      this.literal([...ORDERABLE], 'an orderable literal');
    } else if (op.kind === 'keyword' && STRING_OPS.has(op.text)) {
      this.literal(['string'], 'a quoted string');
    } else if (op.kind === 'keyword' && op.text === 'IN') {
      this.set();
    } else {
      fail(`expected a comparison operator, found "${op.text}"`, op.at);
    }
  }

  private set(): void {
    this.expect('(');
    if (this.is(')')) {
      this.pos++;
      return;
    }
    this.literal([...ORDERABLE, 'bool'], 'a literal');
    while (this.is(',')) {
      this.pos++;
      this.literal([...ORDERABLE, 'bool'], 'a literal');
    }
    this.expect(')');
  }

  private literal(kinds: readonly TokenKind[], what: string): Token {
    const t = this.next(what);
    if (!kinds.includes(t.kind)) fail(`expected ${what}, found "${t.text}"`, t.at);
    return t;
  }

  private objectPath(): void {
    const type = this.next('an object type');
    if (type.kind !== 'ident' || !TYPE_NAME.test(type.text) || type.text.length < 3 || type.text.length > 250) {
      fail(`"${type.text}" is not a STIX object type`, type.at);
    }
    this.expect(':');
    const first = this.next('a property name');
    const name = first.kind === 'string' ? first.text.slice(1, -1) : first.text;
    if ((first.kind !== 'ident' && first.kind !== 'string') || first.text.includes('-') || !PROPERTY_NAME.test(name)) {
      fail(`"${first.text}" is not a property name`, first.at);
    }
    for (;;) {
      if (this.is('.')) {
        this.pos++;
        const component = this.next('a property name');
        if ((component.kind !== 'ident' && component.kind !== 'string') || (component.kind === 'ident' && component.text.includes('-'))) {
          fail(`"${component.text}" is not a property name`, component.at);
        }
      } else if (this.is('[')) {
        this.pos++;
        const index = this.next('an index or *');
        if (index.kind !== 'int' && !(index.kind === 'punct' && index.text === '*')) fail(`"${index.text}" is not an index`, index.at);
        this.expect(']');
      } else {
        return;
      }
    }
  }
}

/** Why `pattern` is not a valid STIX pattern (STIX 2.1 §9), or undefined when it is one. */
export function stixPatternProblem(pattern: string): string | undefined {
  try {
    new Parser(tokenize(pattern), pattern.length).parsePattern();
    return undefined;
  } catch (error) {
    if (error instanceof PatternError) return error.message;
    throw error;
  }
}
