import { lexPattern, type Token, type TokenKind } from './lex-pattern.js';

/**
 * Recursive-descent parser of the STIX 2.1 patterning language (STIX 2.1 §9.2,
 * the parser rules of the STIXPattern grammar). It keeps only what the
 * semantic checks need: every object path with the literals it is compared
 * with, and every observation with its qualifiers.
 */

export type PathStep =
  | { readonly kind: 'name'; readonly name: string; readonly token: Token }
  | { readonly kind: 'index'; readonly token: Token };

export interface ObjectPath {
  readonly type: Token;
  readonly steps: readonly PathStep[];
}

/** One comparison or EXISTS test inside an observation. */
export interface PropertyTest {
  readonly path: ObjectPath;
  readonly exists: boolean;
  /** The comparison operator, or the EXISTS keyword. */
  readonly operator: Token;
  /** The literal, or the members of an IN set. */
  readonly values: readonly Token[];
  readonly isSet: boolean;
}

export interface Observation {
  /** `[ … ]` rather than `( … )`. */
  readonly bracketed: boolean;
  /** The WITHIN / REPEATS / START keyword of each qualifier applied directly to it. */
  readonly qualifiers: readonly Token[];
}

export interface ParsedPattern {
  readonly tests: readonly PropertyTest[];
  readonly observations: readonly Observation[];
}

export class PatternSyntaxError extends Error {
  constructor(readonly position: number, message: string) {
    super(message);
  }
}

// Deeper nesting is no real pattern, and would otherwise exhaust the call stack.
const MAX_NESTING = 100;

const PRIMITIVE: ReadonlySet<TokenKind> = new Set([
  'int', 'negative-int', 'float', 'negative-float', 'string', 'binary', 'hex', 'timestamp', 'bool',
]);
const ORDERABLE: ReadonlySet<TokenKind> = new Set([...PRIMITIVE].filter((kind) => kind !== 'bool'));
const STRING: ReadonlySet<TokenKind> = new Set(['string']);
const ORDER_OPERATORS: ReadonlySet<TokenKind> = new Set(['lt', 'le', 'gt', 'ge']);
const STRING_OPERATORS: ReadonlySet<string> = new Set(['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);
const SECONDS: ReadonlySet<TokenKind> = new Set(['int', 'float']);
const OBJECT_TYPE: ReadonlySet<TokenKind> = new Set(['identifier', 'hyphen-identifier']);
const NAME: ReadonlySet<TokenKind> = new Set(['identifier', 'string']);
const INDEX: ReadonlySet<TokenKind> = new Set(['int', 'negative-int', '*']);

function describe(token: Token): string {
  if (token.kind === 'end') return 'the end of the pattern';
  if (token.kind === 'invalid' && token.text === "'") {
    return "a string that is not closed or has an escape other than \\' and \\\\";
  }
  if (token.kind === 'invalid' && token.text.length > 1) {
    const what = token.text.startsWith('h') ? 'hex' : token.text.startsWith('b') ? 'base64' : 'timestamp';
    return `a malformed ${what} literal ${clip(token.text)}`;
  }
  return `'${clip(token.text)}'`;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The text a quoted string stands for: quotes removed, `\'` and `\\` unescaped. */
function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/\\(['\\])/gu, '$1');
}

class Parser {
  private pos = 0;
  private depth = 0;
  readonly tests: PropertyTest[] = [];
  readonly observations: Observation[] = [];

  constructor(private readonly tokens: readonly Token[]) {}

  private get current(): Token {
    return this.tokens[this.pos] as Token;
  }

  private atEnd(): boolean {
    return this.current.kind === 'end';
  }

  private isKeyword(word: string, offset = 0): boolean {
    const token = this.tokens[this.pos + offset];
    return token !== undefined && token.kind === 'keyword' && token.text === word;
  }

  private fail(expected: string, token: Token = this.current): never {
    throw new PatternSyntaxError(token.at, `expected ${expected} but found ${describe(token)} at offset ${token.at}`);
  }

  private take(kinds: ReadonlySet<TokenKind>, expected: string): Token {
    const token = this.current;
    if (!kinds.has(token.kind)) this.fail(expected);
    this.pos++;
    return token;
  }

  private expect(kind: TokenKind, expected: string): Token {
    const token = this.current;
    if (token.kind !== kind) this.fail(expected);
    this.pos++;
    return token;
  }

  private expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) this.fail(word);
    return this.tokens[this.pos++] as Token;
  }

  private enter(at: Token): void {
    if (++this.depth > MAX_NESTING) {
      throw new PatternSyntaxError(at.at, `parentheses and brackets nest deeper than ${MAX_NESTING} at offset ${at.at}`);
    }
  }

  pattern(): void {
    if (this.atEnd()) throw new PatternSyntaxError(0, 'the pattern is empty');
    this.followedBy();
    if (!this.atEnd()) this.fail('AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern');
  }

  private followedBy(): void {
    this.observationOr();
    while (this.isKeyword('FOLLOWEDBY')) {
      this.pos++;
      this.observationOr();
    }
  }

  private observationOr(): void {
    this.observationAnd();
    while (this.isKeyword('OR')) {
      this.pos++;
      this.observationAnd();
    }
  }

  private observationAnd(): void {
    this.observation();
    while (this.isKeyword('AND')) {
      this.pos++;
      this.observation();
    }
  }

  private observation(): void {
    const open = this.current;
    this.enter(open);
    if (open.kind === '[') {
      this.pos++;
      this.comparisonOr();
      this.expect(']', "']' or AND / OR between comparisons");
    } else if (open.kind === '(') {
      this.pos++;
      this.followedBy();
      this.expect(')', "')' or AND / OR / FOLLOWEDBY between observations");
    } else {
      this.fail("'[' (an observation expression) or '('");
    }
    this.depth--;
    this.observations.push({ bracketed: open.kind === '[', qualifiers: this.qualifiers() });
  }

  private qualifiers(): Token[] {
    const found: Token[] = [];
    for (;;) {
      const keyword = this.current;
      if (this.isKeyword('WITHIN')) {
        this.pos++;
        this.take(SECONDS, 'a number of seconds (0 or more, no sign but +) after WITHIN');
        this.expectKeyword('SECONDS');
      } else if (this.isKeyword('REPEATS')) {
        this.pos++;
        this.expect('int', 'a whole number (0 or more, no sign but +) after REPEATS');
        this.expectKeyword('TIMES');
      } else if (this.isKeyword('START')) {
        this.pos++;
        this.expect('timestamp', "a timestamp t'YYYY-MM-DDThh:mm:ssZ' after START");
        this.expectKeyword('STOP');
        this.expect('timestamp', "a timestamp t'YYYY-MM-DDThh:mm:ssZ' after STOP");
      } else {
        return found;
      }
      found.push(keyword);
    }
  }

  private comparisonOr(): void {
    this.comparisonAnd();
    while (this.isKeyword('OR')) {
      this.pos++;
      this.comparisonAnd();
    }
  }

  private comparisonAnd(): void {
    this.propertyTest();
    while (this.isKeyword('AND')) {
      this.pos++;
      this.propertyTest();
    }
  }

  private propertyTest(): void {
    const first = this.current;
    if (first.kind === '(') {
      this.enter(first);
      this.pos++;
      this.comparisonOr();
      this.expect(')', "')' or AND / OR between comparisons");
      this.depth--;
      return;
    }
    if (this.isKeyword('EXISTS')) {
      this.pos++;
      this.tests.push({ path: this.objectPath(), exists: true, operator: first, values: [], isSet: false });
      return;
    }
    // The grammar's `NOT? EXISTS` is not in the parser the OASIS validator runs, which rejects NOT EXISTS.
    if (this.isKeyword('NOT')) this.fail("an object path, EXISTS or '(' (negate a comparison as type:property NOT = value)");
    const path = this.objectPath();
    if (this.isKeyword('NOT')) this.pos++;
    const operator = this.current;
    this.pos++;
    const compare = (values: Token[], isSet = false): void => {
      this.tests.push({ path, exists: false, operator, values, isSet });
    };
    if (operator.kind === 'eq' || operator.kind === 'neq') {
      compare([this.take(PRIMITIVE, 'a literal')]);
    } else if (ORDER_OPERATORS.has(operator.kind)) {
      compare([this.take(ORDERABLE, `a literal other than a boolean after '${operator.text}'`)]);
    } else if (operator.kind === 'keyword' && STRING_OPERATORS.has(operator.text)) {
      compare([this.take(STRING, `a quoted string after ${operator.text}`)]);
    } else if (operator.kind === 'keyword' && operator.text === 'IN') {
      compare(this.set(), true);
    } else {
      this.fail('a comparison operator (= != < <= > >= IN LIKE MATCHES ISSUBSET ISSUPERSET)', operator);
    }
  }

  private set(): Token[] {
    this.expect('(', "'(' starting the set after IN");
    const members: Token[] = [];
    if (this.current.kind === ')') {
      this.pos++;
      return members;
    }
    members.push(this.take(PRIMITIVE, 'a literal in the set'));
    while (this.current.kind === ',') {
      this.pos++;
      members.push(this.take(PRIMITIVE, 'a literal in the set'));
    }
    this.expect(')', "',' or ')' in the set");
    return members;
  }

  private objectPath(): ObjectPath {
    const type = this.take(OBJECT_TYPE, 'an object type such as ipv4-addr');
    this.expect(':', "':' between the object type and the property");
    const steps: PathStep[] = [this.nameStep('a property name (or a quoted one)')];
    for (;;) {
      if (this.current.kind === '.') {
        this.pos++;
        steps.push(this.nameStep("a property name or quoted key after '.'"));
      } else if (this.current.kind === '[') {
        this.pos++;
        steps.push({ kind: 'index', token: this.take(INDEX, "a list index or '*'") });
        this.expect(']', "']' closing the list index");
      } else {
        return { type, steps };
      }
    }
  }

  private nameStep(expected: string): PathStep {
    const token = this.current;
    if (token.kind === 'hyphen-identifier') {
      this.fail(`${expected} (a name with '-' must be quoted, as in hashes.'SHA-256')`);
    }
    this.take(NAME, expected);
    return { kind: 'name', name: token.kind === 'string' ? unquote(token.text) : token.text, token };
  }
}

/** Parses `pattern`; throws PatternSyntaxError (with the offset) when it is not in the grammar's language. */
export function parsePattern(pattern: string): ParsedPattern {
  const parser = new Parser(lexPattern(pattern));
  parser.pattern();
  return { tests: parser.tests, observations: parser.observations };
}
