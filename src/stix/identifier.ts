import { v4 as uuidv4, v5 as uuidv5 } from 'uuid';
import { EntenteError } from '../errors.js';

/**
 * STIX 2.1 identifiers (§2.9): `<object-type>--<UUID>`.
 *
 * Deterministic ids follow OpenCTI's "standard id" convention so that an OpenCTI
 * instance and entente that meet the same group, person or place independently
 * produce the same id and merge on exchange (DESIGN.md "STIX conventions"):
 *
 * - the UUID is a UUIDv5 in the OASIS STIX namespace
 *   `00abedb4-aa42-466c-9c01-fed23315a9b7` (the namespace STIX 2.1 §2.9 gives for
 *   SCO ids, which OpenCTI also uses for its domain objects);
 * - the name hashed is the RFC 8785 canonical JSON of the contributing fields
 *   only (OpenCTI `schema/identifier.js`), e.g. `{"name":"islamic state"}` for an
 *   intrusion-set, `{"identity_class":"individual","name":"ramzan kadyrov"}` for
 *   an identity, `{"name":"moscow","x_opencti_location_type":"City"}` for a
 *   location;
 * - names are normalised as OpenCTI does (lower case, trimmed) and, beyond it,
 *   runs of white space are collapsed and the text put in Unicode NFC, so
 *   "  islamic   state " and "Islamic State" collide. For a name already in
 *   canonical form (single spaces) the result equals OpenCTI's.
 */

/** Namespace for UUIDv5 ids (STIX 2.1 §2.9, also used by OpenCTI). */
export const STIX_UUIDV5_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

// UUIDs are RFC 4122 versions 1–5 with the RFC 4122 variant (8, 9, a or b), in lower case: §2.9
// requires an RFC 4122 UUID, and the OASIS schemas accept exactly versions 1–5 (see isUuidAt).
const UUID_V4_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u;
// §3.1 type names: lower-case ASCII, digits and single hyphens; the OASIS schemas also require a leading letter.
const TYPE_RE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/u;

/**
 * STIX 2.1 §3.1: a type name is 3–250 characters of lower-case ASCII letters,
 * digits and single hyphens, starting with a letter and not ending with a hyphen.
 */
export function isValidTypeName(type: string): boolean {
  return type.length >= 3 && type.length <= 250 && TYPE_RE.test(type);
}

/** True when `uuid` is an RFC 4122 UUID in lower-case text form. */
export function isValidUuid(uuid: string): boolean {
  return isUuidAt(uuid, 0) && uuid.length === 36;
}

/**
 * Whether the 36 characters at `start` are such a UUID, checked by character
 * codes: every validated object comes through here several times.
 */
function isUuidAt(text: string, start: number): boolean {
  if (text.length - start < 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(start + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (i === 14) {
      if (c < 49 || c > 53) return false;
    } else if (i === 19) {
      if (c !== 56 && c !== 57 && c !== 97 && c !== 98) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) {
      return false;
    }
  }
  return true;
}

/** Splits `type--uuid`; undefined when the text is not a STIX identifier (§2.9). */
export function parseId(id: string): { type: string; uuid: string } | undefined {
  const type = typeOfId(id);
  return type === undefined ? undefined : { type, uuid: id.slice(type.length + 2) };
}

/** STIX 2.1 §2.9: any RFC 4122 UUID is accepted on input. */
export function isValidId(id: string): boolean {
  return parseId(id) !== undefined;
}

/** True when `id` is a valid identifier whose type part is one of `types`. */
export function isIdOfType(id: string, types: readonly string[]): boolean {
  const parsed = parseId(id);
  return parsed !== undefined && types.includes(parsed.type);
}

/** The type part of an identifier, or undefined when it is not one (validates the whole id). */
export function typeOfId(id: string): string | undefined {
  // A type name cannot contain "--", so the separator is the first one; the UUID is the last 36 characters.
  const separator = id.length - 38;
  if (separator < 3 || id.charCodeAt(separator) !== 45 || id.charCodeAt(separator + 1) !== 45) return undefined;
  if (!isUuidAt(id, separator + 2)) return undefined;
  const type = id.slice(0, separator);
  return isValidTypeName(type) ? type : undefined;
}

/** True when the UUID part is a version-4 (random) UUID, as §2.9 asks for random ids. */
export function isRandomId(id: string): boolean {
  const parsed = parseId(id);
  return parsed !== undefined && UUID_V4_RE.test(parsed.uuid);
}

/** A fresh identifier with a random UUIDv4 (STIX 2.1 §2.9), for report-specific objects. */
export function randomId(type: string): string {
  assertTypeName(type);
  return `${type}--${uuidv4()}`;
}

/**
 * OpenCTI's name normalisation (lower case, trimmed), plus white-space collapsing
 * and NFC so that spacing and composition variants of one name collide.
 */
export function normaliseName(name: string): string {
  return name.normalize('NFC').replace(/\s+/gu, ' ').trim().toLowerCase();
}

/** Types that get deterministic ids, with the fields that contribute (as OpenCTI). */
export type DeterministicType =
  | 'identity'
  | 'intrusion-set'
  | 'threat-actor'
  | 'location'
  | 'campaign'
  | 'malware'
  | 'tool'
  | 'attack-pattern'
  | 'extension-definition';

export type IdFields = Readonly<Record<string, string | number | undefined>>;

type Normaliser = (value: string | number) => string | number;
interface Contribution {
  readonly field: string;
  readonly normalise: Normaliser;
}

const asName: Normaliser = (value) => normaliseName(String(value));
const asIs: Normaliser = (value) => value;
const name: Contribution = { field: 'name', normalise: asName };

/**
 * Per type, the alternative ways (tried in order; the first whose fields are all
 * present wins) and the fields each uses. Mirrors OpenCTI's
 * `stixBaseEntityContribution`; `extension-definition` is entente's own (name only).
 */
const WAYS: Readonly<Record<DeterministicType, readonly (readonly Contribution[])[]>> = {
  identity: [[name, { field: 'identity_class', normalise: asName }]],
  'intrusion-set': [[name]],
  // OpenCTI hashes its own sub-type: 'Threat-Actor-Group' (default) or 'Threat-Actor-Individual'.
  'threat-actor': [[name, { field: 'opencti_type', normalise: asIs }]],
  // x_opencti_location_type is one of City, Country, Region, Administrative-Area, Position;
  // a Position is identified by its coordinates, or failing those by its name alone.
  location: [[name, { field: 'x_opencti_location_type', normalise: asIs }]],
  campaign: [[name]],
  malware: [[name]],
  tool: [[name]],
  'attack-pattern': [[{ field: 'x_mitre_id', normalise: asIs }], [name]],
  'extension-definition': [[name]],
};

const POSITION_WAYS: readonly (readonly Contribution[])[] = [
  [{ field: 'latitude', normalise: asIs }, { field: 'longitude', normalise: asIs }],
  [name],
];

const DEFAULT_FIELDS: Partial<Record<DeterministicType, IdFields>> = {
  'threat-actor': { opencti_type: 'Threat-Actor-Group' },
};

export const DETERMINISTIC_TYPES: readonly DeterministicType[] = Object.keys(WAYS) as DeterministicType[];

/**
 * A deterministic identifier: UUIDv5 in {@link STIX_UUIDV5_NAMESPACE} over the
 * canonical JSON of the type's contributing fields, normalised (see the module
 * comment). A location of type Position uses latitude+longitude when both are
 * given, as OpenCTI does; attack-pattern uses `x_mitre_id` when given.
 *
 * @throws EntenteError('invalid_input') when no way's fields are all present.
 */
export function deterministicId(type: DeterministicType, fields: IdFields): string {
  const ways = WAYS[type];
  if (ways === undefined) {
    throw new EntenteError('invalid_input', `No deterministic id scheme for STIX type "${type}"`, { type });
  }
  const merged: IdFields = { ...DEFAULT_FIELDS[type], ...fields };
  const chosenWays = type === 'location' && merged.x_opencti_location_type === 'Position' ? POSITION_WAYS : ways;
  for (const way of chosenWays) {
    const data = contributingData(way, merged);
    if (data !== undefined) return `${type}--${uuidv5(canonicalJson(data), STIX_UUIDV5_NAMESPACE)}`;
  }
  const needed = chosenWays.map((way) => way.map((c) => c.field).join(' + ')).join(' or ');
  throw new EntenteError('invalid_input', `A deterministic ${type} id needs ${needed}`, { type, fields: Object.keys(fields) });
}

function contributingData(way: readonly Contribution[], fields: IdFields): Record<string, string | number> | undefined {
  const data: Record<string, string | number> = {};
  for (const { field, normalise } of way) {
    const value = fields[field];
    if (value === undefined || value === '') return undefined;
    const normalised = normalise(value);
    if (normalised === '') return undefined;
    data[field] = normalised;
  }
  return data;
}

/** RFC 8785 canonical JSON for a flat object of strings and finite numbers. */
function canonicalJson(data: Record<string, string | number>): string {
  const keys = Object.keys(data).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(data[k])}`).join(',')}}`;
}

function assertTypeName(type: string): void {
  if (!isValidTypeName(type)) {
    throw new EntenteError('invalid_input', `"${type}" is not a valid STIX type name (STIX 2.1 §3.1)`, { type });
  }
}
