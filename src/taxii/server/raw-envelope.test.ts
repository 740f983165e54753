import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEntenteError } from '../../errors.js';
import { parseEnvelope } from './raw-envelope.js';

const limits = { maxDepth: 64, maxObjects: 10_000 };

/** JSON text for `value` with random whitespace between tokens, as other tools write it. */
function spaced(value: unknown, gaps: () => string): string {
  if (Array.isArray(value)) {
    return `[${gaps()}${value.map((v) => spaced(v, gaps) + gaps()).join(`,${gaps()}`)}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).map(
      ([k, v]) => `${JSON.stringify(k)}${gaps()}:${gaps()}${spaced(v, gaps)}`,
    );
    return `{${gaps()}${members.join(`${gaps()},${gaps()}`)}${gaps()}}`;
  }
  return JSON.stringify(value);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isEntenteError(error) ? error.code : 'other';
  }
  return undefined;
}

describe('parseEnvelope', () => {
  it('returns the exact source text of each element, agreeing with JSON.parse', () => {
    const whitespace = fc.array(fc.constantFrom(' ', '\n', '\t', '\r\n'), { maxLength: 3 }).map((a) => a.join(''));
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue({ maxDepth: 5 }), { maxLength: 8 }),
        fc.dictionary(fc.string().filter((k) => k !== 'objects'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }),
        fc.infiniteStream(whitespace),
        (objects, extra, ws) => {
          const iterator = ws[Symbol.iterator]();
          const gaps = () => iterator.next().value as string;
          const text = spaced({ ...extra, objects }, gaps);
          const elements = parseEnvelope(text, limits);
          expect(elements.map((e) => JSON.parse(e.json))).toEqual(JSON.parse(text).objects);
          expect(elements.map((e) => e.value)).toEqual(JSON.parse(text).objects);
          for (const element of elements) {
            expect(text.includes(element.json)).toBe(true);
            expect(element.json).toBe(element.json.trim());
          }
        },
      ),
    );
  });

  it('keeps escapes, key order and spacing inside an object untouched', () => {
    const object = '{ "type" :"indicator","id":"indicator--1", "name":"caf\\u00e9 \\"q\\"", "n" : 1.50e2 }';
    const text = `{"more":false,\n "objects" : [ ${object} ,\n{"a":[1,{"b":"]"}]} ] }`;
    const elements = parseEnvelope(text, limits);
    expect(elements.map((e) => e.json)).toEqual([object, '{"a":[1,{"b":"]"}]}']);
  });

  it('follows JSON.parse when "objects" appears twice or is spelled with escapes', () => {
    expect(parseEnvelope('{"objects":[1],"obj\\u0065cts":[2,3]}', limits).map((e) => e.json)).toEqual(['2', '3']);
    expect(codeOf(() => parseEnvelope('{"objects":[1],"objects":{}}', limits))).toBe('invalid_stix');
  });

  it('ignores an "objects" member that is not at the top level', () => {
    expect(parseEnvelope('{"x":{"objects":[9]},"objects":[1]}', limits).map((e) => e.json)).toEqual(['1']);
    expect(codeOf(() => parseEnvelope('{"x":{"objects":[9]}}', limits))).toBe('invalid_stix');
  });

  it('rejects nesting deeper than the limit without recursing', () => {
    const deep = `{"objects":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`;
    expect(codeOf(() => parseEnvelope(deep, limits))).toBe('invalid_input');
    const atLimit = `{"objects":[${'['.repeat(62)}${']'.repeat(62)}]}`;
    expect(parseEnvelope(atLimit, limits)).toHaveLength(1);
    const overLimit = `{"objects":[${'['.repeat(63)}${']'.repeat(63)}]}`;
    expect(codeOf(() => parseEnvelope(overLimit, limits))).toBe('invalid_input');
  });

  it('rejects more objects than allowed before parsing them', () => {
    expect(codeOf(() => parseEnvelope('{"objects":[1,2,3]}', { maxDepth: 8, maxObjects: 2 }))).toBe('too_large');
    expect(parseEnvelope('{"objects":[1,2]}', { maxDepth: 8, maxObjects: 2 })).toHaveLength(2);
  });

  it('rejects text that is not a JSON object, and envelopes without an objects array', () => {
    expect(codeOf(() => parseEnvelope('{"objects":[1,]}', limits))).toBe('invalid_input');
    expect(codeOf(() => parseEnvelope('{"objects":["unterminated]}', limits))).toBe('invalid_input');
    expect(codeOf(() => parseEnvelope('[{"objects":[]}]', limits))).toBe('invalid_input');
    expect(codeOf(() => parseEnvelope('"objects"', limits))).toBe('invalid_input');
    expect(codeOf(() => parseEnvelope('', limits))).toBe('invalid_input');
    expect(codeOf(() => parseEnvelope('{}', limits))).toBe('invalid_stix');
    expect(codeOf(() => parseEnvelope('{"objects":"none"}', limits))).toBe('invalid_stix');
    expect(parseEnvelope('{"objects":[]}', limits)).toEqual([]);
  });
});
