import { hashFormat } from './hash-formats.js';
import { isPatternWhitespace, type Token } from './lex-pattern.js';
import type { ObjectPath, ParsedPattern, PropertyTest } from './parse-pattern.js';

/**
 * Checks on a pattern that parses (STIX 2.1 §9): the rules beyond the grammar
 * that the OASIS stix2-validator reports as errors, so that an indicator
 * accepted here also passes there. Where that validator is laxer than the
 * specification this is not: paths after EXISTS are checked like the others,
 * and an MD6 value must have one of MD6's lengths (it only looks at the first
 * 32 characters).
 */

export interface PatternProblem {
  readonly position: number;
  readonly message: string;
}

// The SCO types of STIX 2.1 §6, whose `id` property (shorter than other names) may be tested.
const SCO_TYPES: ReadonlySet<string> = new Set([
  'artifact', 'autonomous-system', 'directory', 'domain-name', 'email-addr', 'email-message', 'file', 'ipv4-addr',
  'ipv6-addr', 'mac-addr', 'mutex', 'network-traffic', 'process', 'software', 'url', 'user-account',
  'windows-registry-key', 'x509-certificate',
]);

function problem(token: Token, message: string): PatternProblem {
  return { position: token.at, message: `${message} at offset ${token.at}` };
}

function isLowerAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

/** STIX 2.1 §3.1 type names as the OASIS validator reads them: a-z, 0-9, single inner hyphens (one may end it), 3–250 long. */
function isTypeName(name: string): boolean {
  if (name.length < 3 || name.length > 250) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2d) {
      if (i === 0 || name.charCodeAt(i - 1) === 0x2d) return false;
    } else if (!isLowerAlnum(c)) {
      return false;
    }
  }
  return true;
}

/** STIX 2.1 §3.1 property names: a-z, 0-9 and underscore, 3–250 long. */
function isPropertyName(name: string): boolean {
  if (name.length < 3 || name.length > 250) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!isLowerAlnum(c) && c !== 0x5f) return false;
  }
  return true;
}

/**
 * The OASIS validator first checks, without parsing, that the pattern starts
 * with '[' after any '(' and spaces, so a leading comment is an error there.
 */
function leadingBracket(pattern: string): PatternProblem | undefined {
  let i = 0;
  while (i < pattern.length && (pattern[i] === '(' || isPatternWhitespace(pattern.charCodeAt(i)))) i++;
  if (pattern[i] === '[') return undefined;
  return { position: i, message: `expected '[' at offset ${i}: nothing but '(' may come before the first observation, not even a comment` };
}

function pathProblem(path: ObjectPath): PatternProblem | undefined {
  const type = path.type.text;
  if (!isTypeName(type)) {
    return problem(path.type, `'${type}' is not a valid object type name (a-z, 0-9 and single hyphens, 3 to 250 characters)`);
  }
  const [first] = path.steps;
  if (first?.kind === 'name' && !isPropertyName(first.name) && !(first.name === 'id' && SCO_TYPES.has(type))) {
    return problem(first.token, `'${first.name}' is not a valid property name (a-z, 0-9 and _, 3 to 250 characters)`);
  }
  // The OASIS validator fails outright on a negative index, though the grammar allows one.
  const negative = path.steps.find((step) => step.kind === 'index' && step.token.kind === 'negative-int');
  if (negative !== undefined) return problem(negative.token, `list index ${negative.token.text} is negative`);
  return undefined;
}

/** The literal as the OASIS validator compares it with a hash format: its text, sets without spaces, quotes dropped. */
function literalText(test: PropertyTest): string {
  const text = test.values.map((value) => value.text).join(',');
  return (test.isSet ? `(${text})` : text).replaceAll("'", '');
}

/** STIX 2.1 §10.11: a value compared with `…hashes.<algorithm>` must have that algorithm's form. */
function hashProblem(test: PropertyTest): PatternProblem | undefined {
  if (test.exists || !test.path.steps.some((step) => step.kind === 'name' && step.name === 'hashes')) {
    return undefined;
  }
  const last = test.path.steps[test.path.steps.length - 1];
  if (last === undefined || last.kind !== 'name') {
    if (last?.token.kind === '*') return undefined;
    return problem(test.path.type, 'a path through hashes must end with an algorithm name or [*], not a list index');
  }
  const format = hashFormat(last.name);
  if (format === undefined) return undefined;
  const value = literalText(test);
  if (format.valid(value)) return undefined;
  const at = test.values[0] ?? test.operator;
  return problem(at, `'${value}' is not a valid ${format.name} hash (${format.describe})`);
}

function qualifierProblem(parsed: ParsedPattern): PatternProblem | undefined {
  for (const observation of parsed.observations) {
    // Only qualifiers stacked directly on '[…]' are compared, as the OASIS validator does.
    if (!observation.bracketed) continue;
    const seen = new Set<string>();
    for (const qualifier of observation.qualifiers) {
      if (seen.has(qualifier.text)) return problem(qualifier, `a second ${qualifier.text} qualifier on the same observation`);
      seen.add(qualifier.text);
    }
  }
  return undefined;
}

/**
 * For any `pattern_version` but "2.1" the OASIS validator parses with the STIX
 * 2.0 grammar, and then once more with the 2.1 one, so the pattern must be in
 * both languages: no EXISTS (2.0 has none) and no START/STOP (2.0 takes
 * strings, 2.1 timestamps); qualifiers are not compared.
 */
function olderVersionProblem(parsed: ParsedPattern, version: string): PatternProblem | undefined {
  const exists = parsed.tests.find((test) => test.exists);
  if (exists !== undefined) {
    return problem(exists.operator, `EXISTS is not in the STIX 2.0 patterning language (pattern_version "${version}")`);
  }
  for (const observation of parsed.observations) {
    const start = observation.qualifiers.find((qualifier) => qualifier.text === 'START');
    if (start !== undefined) {
      return problem(start, `START … STOP cannot be written so that both STIX 2.0 and 2.1 accept it (pattern_version "${version}")`);
    }
  }
  return undefined;
}

/**
 * The first problem of a parsed pattern beyond its syntax, or undefined.
 * `version` is the indicator's pattern_version (STIX 2.1 §4.7).
 */
export function checkPattern(pattern: string, parsed: ParsedPattern, version: string): PatternProblem | undefined {
  const leading = leadingBracket(pattern);
  if (leading !== undefined) return leading;
  for (const test of parsed.tests) {
    const found = pathProblem(test.path) ?? hashProblem(test);
    if (found !== undefined) return found;
  }
  return version === '2.1' ? qualifierProblem(parsed) : olderVersionProblem(parsed, version);
}
