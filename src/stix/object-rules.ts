import { isRandomId } from './identifier.js';
import { isKnownLanguageTag } from './language-tags.js';
import { validateStixPattern } from './pattern/validate-stix-pattern.js';
import type { Reporter } from './check-context.js';
import { compareValidTimestamps, timestampProblem } from './timestamp.js';
import { TLP1_MARKINGS, TLP2_MARKINGS } from './tlp.js';

/**
 * Rules that relate several properties of one object (STIX 2.1 "MUST"s that a
 * per-property kind cannot say). Each is a small factory so the type table in
 * `object-types.ts` stays declarative. Rules run after property checks and
 * ignore properties that are absent or of the wrong kind (already reported).
 */

export type ObjectRecord = Readonly<Record<string, unknown>>;
export type ObjectRule = (object: ObjectRecord, report: Reporter) => void;

const present = (object: ObjectRecord, property: string): boolean => object[property] !== undefined;

function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && timestampProblem(value) === undefined;
}

/** `later` must be at or after (`>=`) or strictly after (`>`) `earlier`. */
export function timeOrder(later: string, op: '>=' | '>', earlier: string): ObjectRule {
  const words = op === '>' ? 'later than' : 'later than or equal to';
  return (object, report) => {
    const a = object[later];
    const b = object[earlier];
    if (!isTimestamp(a) || !isTimestamp(b)) return;
    const order = compareValidTimestamps(a, b);
    // Beyond microseconds the OASIS validator compares the text instead, so both orders must hold.
    const textual = a.length > 27 || b.length > 27 ? (a < b ? -1 : a > b ? 1 : 0) : order;
    if (op === '>' ? order > 0 && textual > 0 : order >= 0 && textual >= 0) return;
    report.add(later, `must be ${words} ${earlier} (${a} is ${order === 0 ? 'equal to' : 'before'} ${b})`);
  };
}

/** At least one of `groups` must be present in full, e.g. region, country, or latitude + longitude. */
export function requireAnyGroup(groups: readonly (readonly string[])[]): ObjectRule {
  const text = groups.map((g) => g.join(' + ')).join(', or ');
  return (object, report) => {
    if (groups.some((group) => group.every((p) => present(object, p)))) return;
    report.add(groups[0]?.[0] ?? '(object)', `is missing: the object needs ${text}`);
  };
}

/** At least one of the properties must be present (e.g. SCOs with no single required property). */
export function requireOneOf(...properties: string[]): ObjectRule {
  return requireAnyGroup(properties.map((p) => [p]));
}

/** Exactly one of `a` and `b` must be present. */
export function exactlyOneOf(a: string, b: string): ObjectRule {
  return (object, report) => {
    const hasA = present(object, a);
    const hasB = present(object, b);
    if (hasA && hasB) report.add(b, `must not be present together with ${a}`);
    if (!hasA && !hasB) report.add(a, `is missing: the object needs ${a} or ${b}`);
  };
}

/** When `property` is present, each of `needed` must be present too. */
export function requiresWith(property: string, ...needed: string[]): ObjectRule {
  return (object, report) => {
    if (!present(object, property)) return;
    for (const n of needed) {
      if (!present(object, n)) report.add(n, `is required when ${property} is present`);
    }
  };
}

/** `property` is required when `flag` has the value `when`. */
export function requiredWhen(property: string, flag: string, when: unknown): ObjectRule {
  return (object, report) => {
    if (object[flag] === when && !present(object, property)) {
      report.add(property, `is required when ${flag} is ${JSON.stringify(when)}`);
    }
  };
}

/** `property` must be absent when `flag` has the value `when`. */
export function forbiddenWhen(property: string, flag: string, when: unknown): ObjectRule {
  return (object, report) => {
    if (object[flag] === when && present(object, property)) {
      report.add(property, `must not be present when ${flag} is ${JSON.stringify(when)}`);
    }
  };
}

/**
 * STIX 2.1 §6: an SCO whose id cannot be derived (none of its ID-contributing
 * properties present, or a process, which has none) must use a UUIDv4.
 */
export function randomIdUnless(...contributing: string[]): ObjectRule {
  return (object, report) => {
    if (contributing.some((p) => present(object, p))) return;
    const id = object.id;
    if (typeof id === 'string' && !isRandomId(id)) {
      const why = contributing.length === 0 ? 'this object type' : `an object without ${contributing.join(', ')}`;
      report.add('id', `must use a UUIDv4 for ${why}`);
    }
  };
}

/** windows-registry-key `key` must spell the hive out (STIX 2.1 §6.17), as the OASIS schema checks. */
export const registryKeyNotAbbreviated: ObjectRule = (object, report) => {
  const key = object.key;
  if (typeof key === 'string' && /^HKLM|HKCC|HKCR|HKCU|HKU|hklm|hkcc|hkcr|hkcu|hku/u.test(key)) {
    report.add('key', `must not use a hive abbreviation such as HKLM (write HKEY_LOCAL_MACHINE): "${key}"`);
  }
};

/** marking-definition §7.2.1: `definition_type` and `definition` unless an extension defines the marking. */
export const markingDefinitionContent: ObjectRule = (object, report) => {
  const viaExtension = present(object, 'extensions');
  if (!viaExtension) {
    if (!present(object, 'definition_type')) report.add('definition_type', 'is required unless the marking is defined by an extension');
    if (!present(object, 'definition')) report.add('definition', 'is required unless the marking is defined by an extension');
  }
  if (object.definition_type === 'statement') {
    const definition = object.definition as Record<string, unknown> | undefined;
    if (definition !== undefined && typeof definition === 'object' && typeof definition.statement !== 'string') {
      report.add('definition.statement', 'must be a string for a statement marking');
    }
  }
};

/** A marking-definition must not mark itself (STIX 2.1 §7.2.1). */
export const noSelfMarking: ObjectRule = (object, report) => {
  const refs = object.object_marking_refs;
  if (Array.isArray(refs)) {
    refs.forEach((r, i) => {
      if (r === object.id) report.add(`object_marking_refs[${i}]`, 'must not refer to this marking-definition itself');
    });
  }
  const granular = object.granular_markings;
  if (Array.isArray(granular)) {
    granular.forEach((g: unknown, i) => {
      if (typeof g === 'object' && g !== null && (g as Record<string, unknown>).marking_ref === object.id) {
        report.add(`granular_markings[${i}].marking_ref`, 'must not refer to this marking-definition itself');
      }
    });
  }
};

/** extension-definition §7.3: `extension_properties` only for toplevel-property-extension. */
export const extensionPropertiesUse: ObjectRule = (object, report) => {
  const types = object.extension_types;
  const toplevel = Array.isArray(types) && types.includes('toplevel-property-extension');
  if (present(object, 'extension_properties') && !toplevel) {
    report.add('extension_properties', 'is only allowed when extension_types includes toplevel-property-extension');
  }
};

const PROPERTY_NAME = /^[a-z][a-z0-9_]{2,249}$/u;

/** language-content §7.1: `contents` keys are language tags, inner keys property names. */
export const languageContents: ObjectRule = (object, report) => {
  const contents = object.contents;
  if (typeof contents !== 'object' || contents === null || Array.isArray(contents)) return;
  for (const [tag, translation] of Object.entries(contents)) {
    if (!isKnownLanguageTag(tag)) report.add(`contents.${tag}`, `"${tag}" is not a known RFC 5646 language tag`);
    if (typeof translation !== 'object' || translation === null || Array.isArray(translation)) {
      report.add(`contents.${tag}`, 'must be an object mapping property names to translated values');
      continue;
    }
    for (const key of Object.keys(translation)) {
      if (!PROPERTY_NAME.test(key)) report.add(`contents.${tag}.${key}`, `"${key}" is not a valid property name`);
    }
  }
};

/**
 * A marking-definition that uses a TLP id (1.0 or 2.0), or `definition_type`
 * "tlp", must be exactly the published object: the sharing rules trust these
 * ids, so a look-alike with other content is refused.
 */
export const publishedTlpOnly: ObjectRule = (object, report) => {
  const id = object.id;
  const published = typeof id === 'string' ? PUBLISHED_TLP.get(id) : undefined;
  if (published === undefined) {
    if (object.definition_type === 'tlp') report.add('definition_type', '"tlp" is reserved for the four TLP 1.0 marking-definitions of STIX 2.1 §7.2.1.4');
    return;
  }
  if (canonical(object) !== canonical(published)) {
    report.add('id', `${String(id)} is the published ${String(published.name)} marking; the object must equal the published definition`);
  }
};

const PUBLISHED_TLP: ReadonlyMap<string, ObjectRecord> = new Map(
  [...TLP1_MARKINGS, ...Object.values(TLP2_MARKINGS)].map((m) => [m.id, m]),
);

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** indicator §4.7: a pattern of type "stix" must follow the STIX patterning grammar (§9). */
export const stixPatternSyntax: ObjectRule = (object, report) => {
  const { pattern, pattern_type: patternType, pattern_version: version } = object;
  if (patternType !== 'stix' || typeof pattern !== 'string') return;
  const problem = validateStixPattern(pattern, typeof version === 'string' ? version : undefined);
  if (problem !== undefined) report.add('pattern', `is not a valid STIX pattern: ${problem.message}`);
};

/** email-message §6.6.2: each MIME part has exactly one of body and body_raw_ref. */
export const mimePartBodies: ObjectRule = (object, report) => {
  const parts = object.body_multipart;
  if (!Array.isArray(parts)) return;
  parts.forEach((part: unknown, i) => {
    if (typeof part !== 'object' || part === null) return;
    const { body, body_raw_ref: raw } = part as Record<string, unknown>;
    if ((body === undefined) === (raw === undefined)) {
      report.add(`body_multipart[${i}]`, 'needs exactly one of body and body_raw_ref');
    }
  });
};
