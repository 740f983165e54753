import { EntenteError } from '../errors.js';
import { CheckContext, isPlainObject, kindOf, type Checker, type ValidationIssue } from './check-context.js';
import { BASE64, HEX, compileChecker } from './compile-checkers.js';
import { isValidTypeName, parseId } from './identifier.js';
import { timeOrder, type ObjectRule } from './object-rules.js';
import {
  OBJECT_TYPES, RESERVED_PROPERTY_NAMES, RESERVED_TYPE_NAMES, SCO_COMMON_OPTIONAL, SCO_COMMON_REQUIRED,
  SDO_COMMON_OPTIONAL, SDO_COMMON_REQUIRED, commonProperties, objectTypeSpec, type ObjectTypeSpec,
} from './object-types.js';
import type { PropertyTable } from './property-kinds.js';
import type { StixBundle, StixObject } from './stix-object.js';

export type { ValidationIssue } from './check-context.js';

/**
 * STIX 2.1 validation of objects and bundles. The type table is compiled into
 * checker functions once, when this module loads; validating an object is then
 * one pass over its properties plus the type's cross-property rules.
 *
 * Beyond the specification's MUSTs, the checks include what the OASIS
 * stix2-validator rejects (timestamp precision of created/modified, empty lists,
 * language tags, reserved names), so that every object entente stores passes it.
 */

interface CompiledType {
  readonly type: string;
  readonly section: string;
  readonly checkers: ReadonlyMap<string, Checker>;
  readonly required: readonly string[];
  readonly rules: readonly ObjectRule[];
}

const NO_ID = '(no id)';
const EMBEDDED_REFERENCE = /^[a-z0-9_]+_refs?(\[\d+\])?$/u;
const CUSTOM_PROPERTY = /^[a-z][a-z0-9_]{2,249}$/u;
// Custom object types (STIX 2.1 §11.2) get the common properties only.
const CUSTOM_SECTION = '11.2';

function compile(type: string, section: string, required: PropertyTable, optional: PropertyTable,
  rules: readonly ObjectRule[]): CompiledType {
  const checkers = new Map<string, Checker>();
  for (const [name, kind] of [...Object.entries(optional), ...Object.entries(required)]) {
    if (name !== 'type' && name !== 'id') checkers.set(name, compileChecker(kind));
  }
  return { type, section, checkers, required: Object.keys(required), rules };
}

function compileSpec(spec: ObjectTypeSpec): CompiledType {
  const common = commonProperties(spec);
  return compile(
    spec.type,
    spec.section,
    { ...common.required, ...spec.required },
    { ...common.optional, ...spec.optional },
    spec.rules ?? [],
  );
}

const COMPILED: ReadonlyMap<string, CompiledType> = new Map(OBJECT_TYPES.map((spec) => [spec.type, compileSpec(spec)]));
const CUSTOM_SDO = compile('a custom object', CUSTOM_SECTION, SDO_COMMON_REQUIRED, SDO_COMMON_OPTIONAL, []);
const CUSTOM_SCO = compile('a custom observable', CUSTOM_SECTION, SCO_COMMON_REQUIRED, SCO_COMMON_OPTIONAL, []);
/** STIX 2.1 §3.2: modified is later than or equal to created. */
const MODIFIED_AFTER_CREATED = timeOrder('modified', '>=', 'created');

/**
 * Validates one STIX 2.1 object (STIX 2.1 §3–§7, §11): common properties,
 * type-specific properties, identifier format, references, markings and
 * extensions. Returns every problem found; an empty list means valid.
 */
export function validateObject(value: unknown): ValidationIssue[] {
  if (!isPlainObject(value)) {
    return [{ objectId: NO_ID, property: '(object)', message: `a STIX object must be a JSON object, not ${kindOf(value)}` }];
  }
  const rawId = value.id;
  const objectId = typeof rawId === 'string' && rawId !== '' ? rawId : NO_ID;
  const type = value.type;
  if (typeof type !== 'string' || !isValidTypeName(type) || RESERVED_TYPE_NAMES.has(type)) {
    const ctx = new CheckContext(value, objectId, typeof type === 'string' ? type : '(invalid type)');
    ctx.add('type', type === undefined ? 'is required'
      : `must be a STIX type name (3–250 lower-case letters, digits and single hyphens, not "action"), not ${kindOf(type)}`);
    return ctx.issues ?? [];
  }
  const ctx = new CheckContext(value, objectId, type);
  const compiled = COMPILED.get(type) ?? (value.created !== undefined || value.modified !== undefined ? CUSTOM_SDO : CUSTOM_SCO);
  checkId(rawId, type, ctx);
  const checkers = compiled.checkers;
  for (const key in value) {
    if (key === 'type' || key === 'id') continue;
    const v = value[key];
    if (v === null) {
      ctx.addAt('', key, 'must not be null; leave an optional property out instead');
      continue;
    }
    const checker = checkers.get(key);
    if (checker !== undefined) checker(v, ctx, '', key);
    else checkCustomProperty(key, v, ctx);
  }
  for (const name of compiled.required) {
    if (value[name] === undefined && name !== 'id') {
      ctx.add(name, `is required for ${compiled.type} (STIX 2.1 §${compiled.section})`);
    }
  }
  MODIFIED_AFTER_CREATED(value, ctx);
  for (const rule of compiled.rules) rule(value, ctx);
  if (type === 'observed-data' && value.objects !== undefined) checkEmbeddedObservables(value.objects, ctx);
  return ctx.issues ?? [];
}

/**
 * STIX 2.1 §4.14 `objects` (deprecated, still accepted): every value is a whole
 * cyber-observable object, validated as such (the OASIS schemas require it).
 */
function checkEmbeddedObservables(objects: unknown, ctx: CheckContext): void {
  if (!isPlainObject(objects)) return;
  for (const [key, embedded] of Object.entries(objects)) {
    const type = isPlainObject(embedded) ? embedded.type : undefined;
    const spec = typeof type === 'string' ? objectTypeSpec(type) : undefined;
    if (spec !== undefined && spec.category !== 'sco') {
      ctx.add(`objects.${key}.type`, `must be a cyber-observable type, not ${spec.type}`);
      continue;
    }
    for (const issue of validateObject(embedded)) {
      // Inside `objects`, references name other entries, so they are checked below instead.
      if (!EMBEDDED_REFERENCE.test(issue.property)) ctx.add(`objects.${key}.${issue.property}`, issue.message);
    }
    if (isPlainObject(embedded)) checkEmbeddedReferences(embedded, objects, key, ctx);
  }
}

/** References between embedded observables name keys of `objects` (as the OASIS validator requires). */
function checkEmbeddedReferences(embedded: Record<string, unknown>, objects: Record<string, unknown>, key: string,
  ctx: CheckContext): void {
  for (const [name, value] of Object.entries(embedded)) {
    if (!name.endsWith('_ref') && !name.endsWith('_refs')) continue;
    const refs: unknown[] = Array.isArray(value) ? value : [value];
    refs.forEach((ref, i) => {
      if (typeof ref !== 'string' || !(ref in objects)) {
        const where = Array.isArray(value) ? `objects.${key}.${name}[${i}]` : `objects.${key}.${name}`;
        ctx.add(where, `must name another entry of objects, not ${kindOf(ref)}`);
      }
    });
  }
}

function checkId(id: unknown, type: string, ctx: CheckContext): void {
  if (id === undefined) {
    ctx.add('id', 'is required');
    return;
  }
  const parsed = typeof id === 'string' ? parseId(id) : undefined;
  if (parsed === undefined) {
    ctx.add('id', `must be "${type}--" followed by a lower-case RFC 4122 UUID, not ${kindOf(id)}`);
  } else if (parsed.type !== type) {
    ctx.add('id', `must start with "${type}--" (the object's type), not "${parsed.type}--"`);
  }
}

/** STIX 2.1 §11.1 custom properties: name pattern, reserved names, and no empty lists. */
function checkCustomProperty(name: string, value: unknown, ctx: CheckContext): void {
  if (RESERVED_PROPERTY_NAMES.has(name)) {
    ctx.addAt('', name, `"${name}" is a reserved property name in STIX 2.1 and must not be used`);
    return;
  }
  if (!CUSTOM_PROPERTY.test(name)) {
    ctx.addAt('', name, `"${name}" is not a valid custom property name: it must match ^[a-z0-9_]{3,250}$ and start with a letter (STIX 2.1 §11.1)`);
    return;
  }
  if (Array.isArray(value) && value.length === 0) {
    ctx.addAt('', name, 'must not be an empty list; leave the property out instead');
  } else if (name.endsWith('_bin') && (typeof value !== 'string' || !BASE64.test(value))) {
    ctx.addAt('', name, `properties ending in _bin must be base64 text, not ${kindOf(value)}`);
  } else if (name.endsWith('_hex') && (typeof value !== 'string' || !HEX.test(value))) {
    ctx.addAt('', name, `properties ending in _hex must be hex digits, not ${kindOf(value)}`);
  }
}

/**
 * Validates a STIX 2.1 bundle (§8) and every object in it. Issues about the
 * bundle itself carry the bundle's id.
 */
export function validateBundle(value: unknown): ValidationIssue[] {
  if (!isPlainObject(value)) {
    return [{ objectId: NO_ID, property: '(bundle)', message: `a bundle must be a JSON object, not ${kindOf(value)}` }];
  }
  const bundleId = typeof value.id === 'string' && value.id !== '' ? value.id : NO_ID;
  const ctx = new CheckContext(value, bundleId, 'bundle');
  if (value.type !== 'bundle') ctx.add('type', `must be "bundle", not ${kindOf(value.type)}`);
  checkId(value.id, 'bundle', ctx);
  if (value.spec_version !== undefined) {
    ctx.add('spec_version', 'is not a property of STIX 2.1 bundles (it marks a STIX 2.0 bundle)');
  }
  const issues = ctx.issues ?? [];
  const objects = value.objects;
  if (objects === undefined) return issues;
  if (!Array.isArray(objects)) {
    issues.push({ objectId: bundleId, property: 'objects', message: `must be a list of STIX objects, not ${kindOf(objects)}` });
    return issues;
  }
  if (objects.length === 0) {
    issues.push({ objectId: bundleId, property: 'objects', message: 'must not be an empty list; leave it out for an empty bundle' });
  }
  for (const object of objects) {
    const found = validateObject(object);
    for (const issue of found) issues.push(issue);
  }
  return issues;
}

/** "identity--…: confidence must be an integer between 0 and 100, not number 120" */
export function formatIssue(issue: ValidationIssue): string {
  return `${issue.objectId}: ${issue.property} ${issue.message}`;
}

/**
 * Returns `value` typed as a STIX object when valid.
 *
 * @throws EntenteError('invalid_stix') naming the object, the property and the
 * problem (all issues are in `details.issues`).
 */
export function assertValidObject(value: unknown): StixObject {
  const issues = validateObject(value);
  if (issues.length > 0) {
    throw new EntenteError('invalid_stix', issues.map(formatIssue).join('; '), { issues });
  }
  return value as StixObject;
}

/** Like {@link assertValidObject} for a bundle and all its objects. */
export function assertValidBundle(value: unknown): StixBundle {
  const issues = validateBundle(value);
  if (issues.length > 0) {
    throw new EntenteError('invalid_stix', issues.slice(0, 20).map(formatIssue).join('; '), { issues });
  }
  return value as StixBundle;
}
