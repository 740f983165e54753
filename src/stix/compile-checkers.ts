import { isPlainObject, kindOf, pathOf, type Checker } from './check-context.js';
import { checkExtensions } from './validate-extensions.js';
import { typeOfId } from './identifier.js';
import { isKnownLanguageTag } from './language-tags.js';
import type { DictionaryValues, PropertyKind } from './property-kinds.js';
import { timestampProblem } from './timestamp.js';

/**
 * Turns a declarative property kind into a checker function, once per table
 * entry. Checkers return nothing and report through the context only on error,
 * so a valid object costs a few type tests and regular-expression matches.
 */

// Non-empty, as the OASIS schemas require.
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/u;
export const HEX = /^(?:[0-9a-fA-F]{2})+$/u;
const URL_RE = /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$/u;
const DICT_KEY = /^[a-zA-Z0-9_-]{1,250}$/u;
const HASH_KEY = /^[a-zA-Z0-9_-]{3,250}$/u;
const SELECTOR = /^([a-z0-9_-]{3,249}(\.(\[\d+\]|[a-z0-9_-]{1,250}))*|id)$/u;
const CVE_ID = /^CVE-\d{4}-(0\d{3}|[1-9]\d{3,})$/u;
const CAPEC_ID = /^CAPEC-\d+$/u;
const MILLIS = /\.\d{3,}Z$/u;

/** Hash values the OASIS schema pins down (STIX 2.1 §10.6 hash-algorithm-ov). */
const HASH_FORMATS: Readonly<Record<string, RegExp>> = {
  MD5: /^[a-fA-F0-9]{32}$/u,
  'SHA-1': /^[a-fA-F0-9]{40}$/u,
  'SHA-256': /^[a-fA-F0-9]{64}$/u,
  'SHA-512': /^[a-fA-F0-9]{128}$/u,
  'SHA3-256': /^[a-fA-F0-9]{64}$/u,
  'SHA3-512': /^[a-fA-F0-9]{128}$/u,
  SSDEEP: /^[a-zA-Z0-9/+:.]{1,128}$/u,
  TLSH: /^[a-zA-Z0-9]{70}$/u,
};

export function compileChecker(kind: PropertyKind): Checker {
  switch (kind.kind) {
    case 'string': {
      const re = kind.pattern;
      if (re === undefined) return checkString;
      const hint = kind.patternHint ?? re.source;
      return (v, ctx, parent, key) => {
        if (typeof v !== 'string') ctx.addAt(parent, key, `must be a string, not ${kindOf(v)}`);
        else if (!re.test(v)) ctx.addAt(parent, key, `must be ${hint}, not ${kindOf(v)}`);
      };
    }
    case 'strings': return listChecker(checkString);
    case 'timestamp': return kind.millis === true ? checkMillisTimestamp : checkTimestamp;
    case 'ref': return refChecker(kind.types, kind.excluded);
    case 'refs': return listChecker(refChecker(kind.types, kind.excluded));
    case 'integer': return numberChecker(true, kind.min, kind.max);
    case 'number': return numberChecker(false, kind.min, kind.max);
    case 'boolean': return checkBoolean;
    case 'enum': return enumChecker(kind.values);
    case 'enums': return listChecker(enumChecker(kind.values));
    case 'const':
      return (v, ctx, parent, key) => {
        if (v !== kind.value) ctx.addAt(parent, key, `must be "${kind.value}", not ${kindOf(v)}`);
      };
    // Open vocabularies accept any value (STIX 2.1 §10); only the JSON type is checked.
    case 'vocab': return checkString;
    case 'vocabs': return listChecker(checkString);
    case 'kill-chain-phases': return listChecker(checkKillChainPhase);
    case 'external-references': return listChecker(checkExternalReference);
    case 'granular-markings': return listChecker(checkGranularMarking);
    case 'hashes': return checkHashes;
    case 'dictionary': return kind.values === undefined ? checkDictionary : valuesDictionaryChecker(kind.values);
    case 'record': return recordChecker(kind.fields, kind.required);
    case 'list': return listChecker(compileChecker(kind.of));
    case 'extensions': return checkExtensions;
    case 'lang': return checkLang;
    case 'langs': return listChecker(checkLang);
    case 'object': return checkObject;
    case 'binary': return checkBinary;
    case 'hex': return checkHex;
    case 'url': return checkUrl;
  }
}

const checkString: Checker = (v, ctx, parent, key) => {
  if (typeof v !== 'string') ctx.addAt(parent, key, `must be a string, not ${kindOf(v)}`);
};

const checkBoolean: Checker = (v, ctx, parent, key) => {
  if (typeof v !== 'boolean') ctx.addAt(parent, key, `must be true or false, not ${kindOf(v)}`);
};

const checkObject: Checker = (v, ctx, parent, key) => {
  if (!isPlainObject(v)) ctx.addAt(parent, key, `must be an object, not ${kindOf(v)}`);
};

/** STIX lists must not be empty (the OASIS schemas require minItems 1). */
function listChecker(item: Checker): Checker {
  return (v, ctx, parent, key) => {
    if (!Array.isArray(v)) {
      ctx.addAt(parent, key, `must be a list, not ${kindOf(v)}`);
      return;
    }
    if (v.length === 0) {
      ctx.addAt(parent, key, 'must not be an empty list; leave the property out instead');
      return;
    }
    // For a top-level property pathOf returns the name itself: no string is built.
    const path = pathOf(parent, key);
    for (let i = 0; i < v.length; i++) item(v[i], ctx, path, i);
  };
}

const checkTimestamp: Checker = (v, ctx, parent, key) => {
  if (typeof v !== 'string') {
    ctx.addAt(parent, key, `must be a timestamp string, not ${kindOf(v)}`);
    return;
  }
  const problem = timestampProblem(v);
  if (problem !== undefined) ctx.addAt(parent, key, problem);
};

const checkMillisTimestamp: Checker = (v, ctx, parent, key) => {
  checkTimestamp(v, ctx, parent, key);
  if (typeof v === 'string' && !MILLIS.test(v)) {
    ctx.addAt(parent, key, `must be precise to at least the millisecond (STIX 2.1 §3.2), e.g. "2018-08-20T12:00:00.000Z", not "${v}"`);
  }
};

/** An identifier, optionally restricted to (or excluding) some object types. */
function refChecker(types?: readonly string[], excluded?: readonly string[]): Checker {
  return (v, ctx, parent, key) => {
    const type = typeof v === 'string' ? typeOfId(v) : undefined;
    if (type === undefined) {
      ctx.addAt(parent, key, `must be a STIX identifier (type--UUID), not ${kindOf(v)}`);
    } else if (types !== undefined && !types.includes(type)) {
      ctx.addAt(parent, key, `must refer to ${types.join(' or ')}, not to ${type} ("${String(v)}")`);
    } else if (excluded !== undefined && excluded.includes(type)) {
      ctx.addAt(parent, key, `must not refer to ${type} objects ("${String(v)}")`);
    }
  };
}

function numberChecker(integer: boolean, min?: number, max?: number): Checker {
  const what = integer ? 'an integer' : 'a number';
  const range = min !== undefined && max !== undefined ? ` between ${min} and ${max}`
    : min !== undefined ? ` of at least ${min}` : max !== undefined ? ` of at most ${max}` : '';
  return (v, ctx, parent, key) => {
    const ok = typeof v === 'number' && (integer ? Number.isSafeInteger(v) : Number.isFinite(v))
      && (min === undefined || v >= min) && (max === undefined || v <= max);
    if (!ok) ctx.addAt(parent, key, `must be ${what}${range}, not ${kindOf(v)}`);
  };
}

function enumChecker(values: readonly string[]): Checker {
  const allowed: ReadonlySet<unknown> = new Set(values);
  return (v, ctx, parent, key) => {
    if (!allowed.has(v)) ctx.addAt(parent, key, `must be one of ${values.join(', ')}, not ${kindOf(v)}`);
  };
}

const checkLang: Checker = (v, ctx, parent, key) => {
  if (typeof v !== 'string' || !isKnownLanguageTag(v)) {
    ctx.addAt(parent, key, `must be a known RFC 5646 language tag such as "en" or "fr-FR", not ${kindOf(v)}`);
  }
};

const checkBinary: Checker = (v, ctx, parent, key) => {
  if (typeof v !== 'string' || !BASE64.test(v)) ctx.addAt(parent, key, `must be non-empty base64 text, not ${kindOf(v)}`);
};

const checkHex: Checker = (v, ctx, parent, key) => {
  if (typeof v !== 'string' || !HEX.test(v)) ctx.addAt(parent, key, `must be a non-empty even number of hex digits, not ${kindOf(v)}`);
};

const checkUrl: Checker = (v, ctx, parent, key) => {
  if (typeof v !== 'string' || !URL_RE.test(v)) ctx.addAt(parent, key, `must be an absolute URL (RFC 3986), not ${kindOf(v)}`);
};

const checkKillChainPhase: Checker = (v, ctx, parent, key) => {
  if (!isPlainObject(v)) {
    ctx.addAt(parent, key, `must be a kill-chain phase object, not ${kindOf(v)}`);
    return;
  }
  if (typeof v.kill_chain_name !== 'string') ctx.add(`${pathOf(parent, key)}.kill_chain_name`, 'is required and must be a string');
  if (typeof v.phase_name !== 'string') ctx.add(`${pathOf(parent, key)}.phase_name`, 'is required and must be a string');
};

/** STIX 2.1 §2.5 external reference, with the OASIS rules for CVE and CAPEC ids. */
const checkExternalReference: Checker = (v, ctx, parent, key) => {
  if (!isPlainObject(v)) {
    ctx.addAt(parent, key, `must be an external-reference object, not ${kindOf(v)}`);
    return;
  }
  const { source_name: source, external_id: externalId, url, description } = v;
  const at = (field: string, message: string): void => ctx.add(`${pathOf(parent, key)}.${field}`, message);
  if (typeof source !== 'string') at('source_name', 'is required and must be a string');
  if (description !== undefined && typeof description !== 'string') at('description', 'must be a string');
  if (url !== undefined) checkUrl(url, ctx, pathOf(parent, key), 'url');
  if (externalId !== undefined && typeof externalId !== 'string') at('external_id', 'must be a string');
  if (description === undefined && url === undefined && externalId === undefined) {
    ctx.addAt(parent, key, 'needs at least one of description, url or external_id');
  }
  if (v.hashes !== undefined) checkHashes(v.hashes, ctx, pathOf(parent, key), 'hashes');
  if (source === 'cve' && !(typeof externalId === 'string' && CVE_ID.test(externalId))) {
    at('external_id', 'must be a CVE id such as CVE-2017-0144 when source_name is "cve"');
  } else if (source === 'capec' && !(typeof externalId === 'string' && CAPEC_ID.test(externalId))) {
    at('external_id', 'must be a CAPEC id such as CAPEC-163 when source_name is "capec"');
  } else if (source !== 'cve' && source !== 'capec' && typeof externalId === 'string'
    && (CVE_ID.test(externalId) || CAPEC_ID.test(externalId))) {
    at('source_name', `must be "cve" or "capec" for external_id ${externalId}`);
  }
};

const checkMarkingRef = refChecker(['marking-definition']);

/** STIX 2.1 §7.2.3 granular marking; selectors must point into this object. */
const checkGranularMarking: Checker = (v, ctx, parent, key) => {
  if (!isPlainObject(v)) {
    ctx.addAt(parent, key, `must be a granular-marking object, not ${kindOf(v)}`);
    return;
  }
  const here = pathOf(parent, key);
  // The OASIS schema requires marking_ref, so lang-only granular markings are refused.
  if (v.marking_ref === undefined) ctx.add(`${here}.marking_ref`, 'is required (a marking-definition id)');
  else checkMarkingRef(v.marking_ref, ctx, here, 'marking_ref');
  if (v.lang !== undefined && v.marking_ref !== undefined) ctx.add(`${here}.lang`, 'must not be present together with marking_ref');
  const selectors = v.selectors;
  if (!Array.isArray(selectors) || selectors.length === 0) {
    ctx.add(`${here}.selectors`, 'is required and must be a non-empty list of selectors');
    return;
  }
  selectors.forEach((selector: unknown, i) => {
    if (typeof selector !== 'string' || !SELECTOR.test(selector)) {
      ctx.add(`${here}.selectors[${i}]`, `must be a selector such as "description" or "external_references.[0].url", not ${kindOf(selector)}`);
    } else if (!selectorResolves(ctx.object, selector)) {
      ctx.add(`${here}.selectors[${i}]`, `"${selector}" does not select anything in this object`);
    }
  });
};

function selectorResolves(object: unknown, selector: string): boolean {
  let node: unknown = object;
  for (const segment of selector.split('.')) {
    if (segment.startsWith('[')) {
      const index = Number(segment.slice(1, -1));
      if (!Array.isArray(node) || index >= node.length) return false;
      node = node[index];
    } else {
      if (!isPlainObject(node) || !(segment in node)) return false;
      node = node[segment];
    }
  }
  return true;
}

const checkHashes: Checker = (v, ctx, parent, key) => {
  if (!isPlainObject(v) || Object.keys(v).length === 0) {
    ctx.addAt(parent, key, `must be a non-empty object of hash algorithm → value, not ${kindOf(v)}`);
    return;
  }
  for (const [algorithm, hash] of Object.entries(v)) {
    const where = `${pathOf(parent, key)}.${algorithm}`;
    if (!HASH_KEY.test(algorithm)) ctx.add(where, `"${algorithm}" is not a valid hash algorithm name`);
    const format = HASH_FORMATS[algorithm];
    if (typeof hash !== 'string') ctx.add(where, `must be a string, not ${kindOf(hash)}`);
    else if (format !== undefined && !format.test(hash)) ctx.add(where, `is not a valid ${algorithm} value`);
  }
};

/** STIX 2.1 §2.7 dictionary: non-empty, keys of at most 250 ASCII letters, digits, '_' or '-'. */
const checkDictionary: Checker = (v, ctx, parent, key) => {
  if (!isPlainObject(v) || Object.keys(v).length === 0) {
    ctx.addAt(parent, key, `must be a non-empty object, not ${kindOf(v)}`);
    return;
  }
  for (const [name, value] of Object.entries(v)) {
    const where = `${pathOf(parent, key)}.${name}`;
    if (!DICT_KEY.test(name)) ctx.add(where, `"${name}" is not a valid dictionary key (letters, digits, _ or -)`);
    if (value === null) ctx.add(where, 'must not be null');
    else if (Array.isArray(value) && value.length === 0) ctx.add(where, 'must not be an empty list');
  }
};

function recordChecker(fields: Readonly<Record<string, PropertyKind>>, required?: readonly string[]): Checker {
  const checkers = Object.entries(fields).map(([name, kind]): [string, Checker] => [name, compileChecker(kind)]);
  const names = checkers.map(([name]) => name).join(', ');
  return (v, ctx, parent, key) => {
    if (!isPlainObject(v)) {
      ctx.addAt(parent, key, `must be an object, not ${kindOf(v)}`);
      return;
    }
    const path = pathOf(parent, key);
    let present = 0;
    for (const [name, check] of checkers) {
      if (v[name] === undefined) continue;
      present++;
      check(v[name], ctx, path, name);
    }
    if (required !== undefined) {
      for (const name of required) if (v[name] === undefined) ctx.addAt(path, name, 'is required');
    } else if (present === 0) {
      ctx.addAt(parent, key, `needs at least one of ${names}`);
    }
  };
}

const VALUE_RULES: Readonly<Record<DictionaryValues, readonly [(value: unknown) => boolean, string]>> = {
  string: [(x) => typeof x === 'string', 'a string'],
  integer: [(x) => Number.isSafeInteger(x), 'an integer'],
  'string-or-integer': [(x) => typeof x === 'string' || Number.isSafeInteger(x), 'a string or an integer'],
  // e-mail headers (STIX 2.1 §6.6): a list for a repeated header, of at least two as the OASIS schema wants.
  'header-values': [
    (x) => typeof x === 'string' || (Array.isArray(x) && x.length >= 2 && x.every((y) => typeof y === 'string')),
    'a string, or a list of two or more strings for a repeated header',
  ],
};

/** A dictionary whose values are restricted, e.g. network-traffic `ipfix` (STIX 2.1 §6.12). */
function valuesDictionaryChecker(values: DictionaryValues): Checker {
  const [accepts, what] = VALUE_RULES[values];
  return (v, ctx, parent, key) => {
    checkDictionary(v, ctx, parent, key);
    if (!isPlainObject(v)) return;
    for (const [name, value] of Object.entries(v)) {
      if (value !== null && !accepts(value)) ctx.add(`${pathOf(parent, key)}.${name}`, `must be ${what}, not ${kindOf(value)}`);
    }
  };
}
