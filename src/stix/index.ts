/**
 * The public surface of entente's STIX 2.1 layer: types, identifiers,
 * timestamps, validation, TLP markings, the entente extensions and the GTD
 * codebook, for code that uses entente as a library. Inside the project each
 * module imports the stix file it needs directly.
 */
export type { RawStixObject, StixBundle, StixObject } from './stix-object.js';
export {
  compareTimestamps, compareValidTimestamps, isValidTimestamp, microsToTimestamp, normaliseTimestamp, nowTimestamp,
  parseTimestamp, timestampPrecision, timestampProblem, timestampToMicros, type TimestampParts,
} from './timestamp.js';
export {
  DETERMINISTIC_TYPES, STIX_UUIDV5_NAMESPACE, deterministicId, isIdOfType, isRandomId, isValidId, isValidTypeName,
  isValidUuid, normaliseName, parseId, randomId, typeOfId, type DeterministicType, type IdFields,
} from './identifier.js';
export {
  OBJECT_TYPES, RESERVED_PROPERTY_NAMES, RESERVED_TYPE_NAMES, STIX_TYPE_NAMES, objectTypeSpec,
  type ObjectCategory, type ObjectTypeSpec,
} from './object-types.js';
export type { PropertyKind, PropertyTable } from './property-kinds.js';
export { VOCABULARIES, type VocabularyName } from './vocabularies.js';
export {
  assertValidBundle, assertValidObject, formatIssue, validateBundle, validateObject, type ValidationIssue,
} from './validate.js';
export {
  OPENCTI_AMBER_STRICT_ID, TLP1_MARKINGS, TLP1_MARKING_IDS, TLP2_EXTENSION_ID, TLP2_MARKINGS, TLP2_MARKING_IDS, TLP_LEVELS,
  compareTlp, isTlpMarkingId, tlpLevelOf, tlpLevelOfMarkingId, tlpMarkingId, type TlpLevel, type TlpMarkingDefinition,
} from './tlp.js';
export {
  ATTRIBUTION_EXTENSION, ATTRIBUTION_EXTENSION_ID, ENTENTE_EXTENSIONS, ENTENTE_IDENTITY, EXTENSION_SCHEMAS,
  EXTENSION_TARGET_TYPES, INCIDENT_EXTENSION, INCIDENT_EXTENSION_ID, PERSON_EXTENSION, PERSON_EXTENSION_ID,
  PROVENANCE_EXTENSION, PROVENANCE_EXTENSION_ID, QUOTE_EXTENSION, QUOTE_EXTENSION_ID, withExtension,
  type AttributionExtension, type Count, type CountQualifier, type DatePrecision, type EntenteExtensionId,
  type ExtensionDefinition, type ExtensionPayloads, type IncidentExtension, type PersonExtension,
  type ProvenanceExtension, type QuoteExtension, type TextSpan,
} from './extensions.js';
export { EXTENSION_VERSION, extensionSchemaUrl } from './extension-schemas.js';
export {
  GTD_ATTACK_TYPES, GTD_TARGET_TYPES, GTD_WEAPON_TYPES, gtdCode, isGtdAttackType, isGtdTargetType, isGtdWeaponType,
  type GtdAttackType, type GtdTargetType, type GtdWeaponType,
} from './gtd-codebook.js';
export { LANGUAGE_TAGS, isKnownLanguageTag } from './language-tags.js';
