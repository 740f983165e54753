import {
  extensionPropertiesUse, languageContents, markingDefinitionContent, noSelfMarking, publishedTlpOnly, timeOrder,
  type ObjectRule,
} from './object-rules.js';
import {
  bool, constant, dict, int, listOf, obj, pattern, ref, refExcept, refs, str, strs, ts, tsMillis,
  type PropertyKind, type PropertyTable,
} from './property-kinds.js';
import { SCO_TYPES } from './sco-types.js';
import { SDO_TYPES } from './sdo-types.js';
import { EXTENSION_TYPE_ENUM } from './vocabularies.js';

/**
 * Every STIX 2.1 object type entente handles, described once (DESIGN.md; STYLE.md
 * "each STIX type described once, declaratively"). `validate.ts` compiles this
 * table into checker functions at load time.
 */

export type ObjectCategory = 'sdo' | 'sro' | 'sco' | 'meta';

export interface ObjectTypeSpec {
  readonly type: string;
  readonly category: ObjectCategory;
  /** STIX 2.1 section that defines the type. */
  readonly section: string;
  /** Type-specific required properties (common ones are added per category). */
  readonly required: PropertyTable;
  readonly optional: PropertyTable;
  readonly rules?: readonly ObjectRule[];
}

const markingRefs: PropertyKind = refs('marking-definition');
const granularMarkings: PropertyKind = { kind: 'granular-markings' };
const extensions: PropertyKind = { kind: 'extensions' };
const specVersion = constant('2.1');

/** STIX 2.1 §3.2 common properties of SDOs, SROs, language-content and extension-definition. */
export const SDO_COMMON_REQUIRED: PropertyTable = {
  type: str, spec_version: specVersion, id: str, created: tsMillis, modified: tsMillis,
};
export const SDO_COMMON_OPTIONAL: PropertyTable = {
  created_by_ref: ref('identity'), revoked: bool, labels: strs, confidence: int(0, 100), lang: { kind: 'lang' },
  external_references: { kind: 'external-references' }, object_marking_refs: markingRefs,
  granular_markings: granularMarkings, extensions,
};

/** STIX 2.1 §6 common properties of SCOs (no created/modified; spec_version optional). */
export const SCO_COMMON_REQUIRED: PropertyTable = { type: str, id: str };
export const SCO_COMMON_OPTIONAL: PropertyTable = {
  spec_version: specVersion, object_marking_refs: markingRefs, granular_markings: granularMarkings, defanged: bool,
  extensions,
};

/** STIX 2.1 §7.2.1: marking-definition has its own, smaller, common set (no modified, no revoked). */
const MARKING_REQUIRED: PropertyTable = { type: str, spec_version: specVersion, id: str, created: tsMillis };
const MARKING_OPTIONAL: PropertyTable = {
  created_by_ref: ref('identity'), external_references: { kind: 'external-references' },
  object_marking_refs: markingRefs, granular_markings: granularMarkings, extensions,
  name: str, definition_type: str, definition: obj,
};

const NOT_RELATABLE = ['relationship', 'sighting', 'bundle', 'marking-definition', 'language-content'];

const SRO_TYPES: readonly ObjectTypeSpec[] = [
  {
    type: 'relationship', category: 'sro', section: '5.1',
    required: {
      relationship_type: pattern(/^[a-z0-9-]+$/u, 'lower-case letters, digits and hyphens'),
      source_ref: refExcept(...NOT_RELATABLE), target_ref: refExcept(...NOT_RELATABLE),
    },
    optional: { description: str, start_time: ts, stop_time: ts },
    rules: [timeOrder('stop_time', '>', 'start_time')],
  },
  {
    type: 'sighting', category: 'sro', section: '5.2',
    required: { sighting_of_ref: refExcept(...NOT_RELATABLE) },
    optional: {
      description: str, first_seen: ts, last_seen: ts, count: int(0, 999_999_999),
      observed_data_refs: refs('observed-data'), where_sighted_refs: refs('identity', 'location'), summary: bool,
    },
    rules: [timeOrder('last_seen', '>=', 'first_seen')],
  },
];

const META_TYPES: readonly ObjectTypeSpec[] = [
  {
    type: 'language-content', category: 'meta', section: '7.1',
    required: { object_ref: refExcept('bundle', 'language-content'), contents: dict },
    optional: { object_modified: ts },
    rules: [languageContents],
  },
  {
    type: 'marking-definition', category: 'meta', section: '7.2',
    required: {},
    optional: {},
    rules: [markingDefinitionContent, noSelfMarking, publishedTlpOnly],
  },
  {
    type: 'extension-definition', category: 'meta', section: '7.3',
    required: {
      created_by_ref: ref('identity'), name: str, schema: str, version: str,
      extension_types: listOf(EXTENSION_TYPE_ENUM),
    },
    optional: { description: str, extension_properties: strs },
    rules: [extensionPropertiesUse],
  },
];

export const OBJECT_TYPES: readonly ObjectTypeSpec[] = [...SDO_TYPES, ...SRO_TYPES, ...META_TYPES, ...SCO_TYPES];

/** The common properties that apply to a type, by category. */
export function commonProperties(spec: ObjectTypeSpec): { required: PropertyTable; optional: PropertyTable } {
  if (spec.type === 'marking-definition') return { required: MARKING_REQUIRED, optional: MARKING_OPTIONAL };
  if (spec.category === 'sco') return { required: SCO_COMMON_REQUIRED, optional: SCO_COMMON_OPTIONAL };
  return { required: SDO_COMMON_REQUIRED, optional: SDO_COMMON_OPTIONAL };
}

/** Names of the STIX 2.1 types defined by the specification, SCOs included. */
export const STIX_TYPE_NAMES: ReadonlySet<string> = new Set(OBJECT_TYPES.map((t) => t.type));

/** Reserved names (STIX 2.1 §3.1, §11.1): not usable as property or object type names. */
export const RESERVED_PROPERTY_NAMES: ReadonlySet<string> = new Set(['severity', 'action', 'username', 'phone_numbers']);
export const RESERVED_TYPE_NAMES: ReadonlySet<string> = new Set(['action']);

const BY_TYPE: ReadonlyMap<string, ObjectTypeSpec> = new Map(OBJECT_TYPES.map((t) => [t.type, t]));

export function objectTypeSpec(type: string): ObjectTypeSpec | undefined {
  return BY_TYPE.get(type);
}
