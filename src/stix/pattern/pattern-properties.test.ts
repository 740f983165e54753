import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateStixPattern } from './validate-stix-pattern.js';

// A small generator of the STIX patterning grammar (STIX 2.1 §9) that only builds valid patterns.

const HEX = '0123456789abcdefABCDEF';
const hexString = (length: number) => fc.string({ unit: fc.constantFrom(...HEX), minLength: length, maxLength: length });

const objectType = fc.constantFrom('file', 'ipv4-addr', 'network-traffic', 'process', 'x-acme-widget', 'foo', 'abc-', 'x1y');
const propertyName = fc.constantFrom('name', 'value', 'size', 'x_score', 'dst_ref', 'values', "'quoted_name'");
const stepName = fc.constantFrom('name', 'pid', 'AbC', "'windows-pebinary-ext'", "'with space'", "'it\\'s'");
const step = fc.oneof(
  stepName.map((name) => `.${name}`),
  fc.constantFrom('[*]', '[0]', '[12]', '[+3]'),
);
const objectPath = fc.tuple(objectType, propertyName, fc.array(step, { maxLength: 3 }))
  .map(([type, property, steps]) => `${type}:${property}${steps.join('')}`);

const stringLiteral = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '%', '.', '*', '\'', '\\', '\n', 'é', '\u{1f600}') })
  .map((s) => `'${s.replace(/[\\']/gu, (c) => `\\${c}`)}'`);
const timestamp = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .chain((date) => fc.constantFrom(date.toISOString(), date.toISOString().replace('.000Z', 'Z'), date.toISOString().replace('Z', '123Z')))
  .map((text) => `t'${text}'`);
const number = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.tuple(fc.integer({ min: -99, max: 99 }), fc.nat(999)).map(([i, f]) => `${i}.${f}`),
  fc.nat(999).map((f) => `.${f}`),
  fc.nat(99).map((n) => `+${n}`),
);
const binary = fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) => `b'${Buffer.from(bytes).toString('base64')}'`);
const hex = fc.nat(6).chain((n) => hexString(2 * n)).map((h) => `h'${h}'`);
const orderable = fc.oneof(stringLiteral, number, timestamp, binary, hex);
const primitive = fc.oneof(orderable, fc.constantFrom('true', 'false'));

const hashTest = fc.oneof(
  hexString(32).map((h) => `file:hashes.MD5 = '${h}'`),
  hexString(40).map((h) => `file:hashes.'SHA-1' != '${h}'`),
  hexString(64).map((h) => `artifact:hashes.'SHA-256' = '${h}'`),
  hexString(128).map((h) => `file:hashes.sha512 = '${h}'`),
);
const not = fc.constantFrom('', ' NOT');
const comparison = fc.oneof(
  fc.tuple(objectPath, not, fc.constantFrom('=', '==', '!=', '<>'), primitive).map(([p, n, op, v]) => `${p}${n} ${op} ${v}`),
  fc.tuple(objectPath, not, fc.constantFrom('<', '<=', '>', '>='), orderable).map(([p, n, op, v]) => `${p}${n} ${op} ${v}`),
  fc.tuple(objectPath, not, fc.constantFrom('LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET'), stringLiteral).map(([p, n, op, v]) => `${p}${n} ${op} ${v}`),
  fc.tuple(objectPath, not, fc.array(primitive, { maxLength: 4 })).map(([p, n, vs]) => `${p}${n} IN (${vs.join(', ')})`),
  objectPath.map((p) => `EXISTS ${p}`),
  hashTest,
);

const { comparisonExpression } = fc.letrec<{ comparisonExpression: string; propTest: string }>((tie) => ({
  comparisonExpression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('propTest'),
    fc.tuple(tie('comparisonExpression'), fc.constantFrom(' AND ', ' OR '), tie('comparisonExpression')).map((parts) => parts.join('')),
  ),
  propTest: fc.oneof({ depthSize: 'small', withCrossShrink: true }, comparison, tie('comparisonExpression').map((c) => `(${c})`)),
}));

const within = fc.oneof(fc.nat(3600).map(String), fc.nat(99).map((n) => `${n}.5`)).map((n) => `WITHIN ${n} SECONDS`);
const repeats = fc.nat(100).map((n) => `REPEATS ${n} TIMES`);
const startStop = fc.tuple(timestamp, timestamp).map(([start, stop]) => `START ${start} STOP ${stop}`);
const qualifier = fc.oneof(within, repeats, startStop);
// At most one qualifier of each kind directly on an observation in brackets.
const qualifiers = fc.shuffledSubarray([within, repeats, startStop])
  .chain((kinds) => fc.tuple(...kinds))
  .map((qs) => qs.map((q) => ` ${q}`).join(''));

const { observationExpressions } = fc.letrec<{ observationExpressions: string; observation: string }>((tie) => ({
  observationExpressions: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('observation'),
    fc.tuple(tie('observationExpressions'), fc.constantFrom(' AND ', ' OR ', ' FOLLOWEDBY '), tie('observationExpressions'))
      .map((parts) => parts.join('')),
  ),
  observation: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(comparisonExpression, qualifiers).map(([c, q]) => `[${c}]${q}`),
    fc.tuple(tie('observationExpressions'), fc.array(qualifier, { maxLength: 2 })).map(([o, q]) => `(${o})${q.map((x) => ` ${x}`).join('')}`),
  ),
}));

const spacing = fc.constantFrom(' ', '  ', '\t', '\n', ' /* c */ ', ' // c\n', '\u00a0');
const pattern = fc.tuple(observationExpressions, spacing).map(([p, space]) => p.replaceAll(' AND ', `${space}AND${space}`));

/** A pattern with a few characters deleted, inserted or replaced. */
const mutated = fc.tuple(pattern, fc.array(fc.tuple(fc.nat(), fc.nat(2), fc.constantFrom(...'[]()\':.,=<>!*/\\-+ hbtAND0x\u00a0\ufeff\u{1f600}'.split(''))), { minLength: 1, maxLength: 4 }))
  .map(([text, edits]) => edits.reduce((t, [at, kind, c]) => {
    const i = at % (t.length + 1);
    if (kind === 0) return t.slice(0, i) + t.slice(i + 1);
    if (kind === 1) return t.slice(0, i) + c + t.slice(i);
    return t.slice(0, i) + c + t.slice(i + 1);
  }, text));

function answersWithoutThrowing(text: string): void {
  const problem = validateStixPattern(text);
  if (problem === undefined) return;
  expect(problem.message).toMatch(/\S/u);
  expect(problem.position).toBeGreaterThanOrEqual(0);
  expect(problem.position).toBeLessThanOrEqual(text.length);
}

describe('validateStixPattern (properties)', () => {
  it('accepts every pattern of the grammar generator', () => {
    fc.assert(fc.property(pattern, (p) => {
      expect(validateStixPattern(p), p).toBeUndefined();
    }), { numRuns: 500 });
  });

  it('answers undefined or a problem inside the text for mutated patterns, never throws', () => {
    fc.assert(fc.property(mutated, answersWithoutThrowing), { numRuns: 2000 });
  });

  it('answers for arbitrary text and deep nesting, never throws', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), answersWithoutThrowing), { numRuns: 1000 });
    answersWithoutThrowing('('.repeat(100_000));
    answersWithoutThrowing(`[${'('.repeat(100_000)}`);
    answersWithoutThrowing(`${'[file:name = 1] AND '.repeat(10_000)}[file:name = 1]`);
  });
});
