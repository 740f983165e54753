import { isPlainObject, kindOf, pathOf, type CheckContext, type Checker } from './check-context.js';
import { checkEntentePayload } from './entente-extension-checks.js';
import { compileChecker } from './compile-checkers.js';
import { EXTENSION_TARGET_TYPES, type EntenteExtensionId } from './extensions.js';
import { SCO_EXTENSIONS } from './sco-extensions.js';
import { TLP2_EXTENSION_ID, TLP2_MARKINGS, TLP_LEVELS, type TlpLevel } from './tlp.js';
import { EXTENSION_TYPE_ENUM } from './vocabularies.js';

/**
 * The `extensions` property (STIX 2.1 §7.3): keys are extension-definition ids
 * (or, for the predefined SCO extensions, names ending in `-ext`); values are
 * non-empty objects. entente's own payloads and the TLP 2.0 marking extension
 * are checked in full; other extensions only for the shape the OASIS schemas
 * require (an `extension_type`, property names, no null, no empty list).
 */

const EXTENSION_DEFINITION_KEY = /^extension-definition--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u;
const PREDEFINED_EXTENSION_KEY = /^[a-z][a-z0-9]*(-[a-z0-9]+)*-ext$/u;
const PAYLOAD_PROPERTY = /^[a-z][a-z0-9_]{2,249}$/u;
const EXTENSION_TYPES: ReadonlySet<string> = new Set(EXTENSION_TYPE_ENUM);

export const checkExtensions: Checker = (value, ctx, parent, key) => {
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    ctx.addAt(parent, key, `must be a non-empty object keyed by extension-definition id, not ${kindOf(value)}`);
    return;
  }
  const path = pathOf(parent, key);
  for (const name in value) {
    const payload = value[name];
    if (!isPlainObject(payload) || Object.keys(payload).length === 0) {
      ctx.addAt(path, name, `must be a non-empty object, not ${kindOf(payload)}`);
      continue;
    }
    if (PREDEFINED_EXTENSION_KEY.test(name)) {
      checkPayloadProperties(payload, ctx, pathOf(path, name));
      scoExtensionChecker(name, ctx.type)?.(payload, ctx, path, name);
      continue;
    }
    if (!EXTENSION_DEFINITION_KEY.test(name)) {
      ctx.addAt(path, name, `"${name}" is not an extension-definition id (extension-definition--UUID) nor a predefined "-ext" name`);
      continue;
    }
    const where = pathOf(path, name);
    if (name in EXTENSION_TARGET_TYPES) {
      const id = name as EntenteExtensionId;
      const targets = EXTENSION_TARGET_TYPES[id];
      if (targets !== undefined && !targets.includes(ctx.type)) {
        ctx.add(where, `this entente extension applies to ${targets.join(', ')} objects, not to ${ctx.type}`);
      }
      // entente payloads are closed shapes, so the generic property checks below are subsumed.
      checkEntentePayload(id, payload, ctx, where);
      continue;
    }
    if (typeof payload.extension_type !== 'string' || !EXTENSION_TYPES.has(payload.extension_type)) {
      ctx.addAt(where, 'extension_type', `must be one of ${EXTENSION_TYPE_ENUM.join(', ')}, not ${kindOf(payload.extension_type)}`);
    }
    checkPayloadProperties(payload, ctx, where);
    if (name === TLP2_EXTENSION_ID) checkTlp2(payload, ctx, where);
  }
};

let scoExtensionCheckers: ReadonlyMap<string, Checker> | undefined;

/**
 * The checker of a predefined SCO extension on its own type. Compiled on first
 * use: compile-checkers.ts imports this module, so it cannot run at load time.
 */
function scoExtensionChecker(name: string, type: string): Checker | undefined {
  scoExtensionCheckers ??= new Map(SCO_EXTENSIONS.map((spec) => [`${spec.on} ${spec.name}`, compileChecker(spec.payload)]));
  return scoExtensionCheckers.get(`${type} ${name}`);
}

function checkPayloadProperties(payload: Record<string, unknown>, ctx: CheckContext, where: string): void {
  for (const name in payload) {
    const v = payload[name];
    if (!PAYLOAD_PROPERTY.test(name)) ctx.addAt(where, name, `"${name}" is not a valid property name (^[a-z][a-z0-9_]{2,249}$)`);
    if (v === null) ctx.addAt(where, name, 'must not be null; leave an optional property out instead');
    else if (Array.isArray(v) && v.length === 0) ctx.addAt(where, name, 'must not be an empty list; leave the property out instead');
  }
}

/**
 * A marking-definition using the TLP 2.0 extension must be one of the five
 * published objects: a forged or mislabelled TLP marking would defeat the
 * sharing rules.
 */
function checkTlp2(payload: Record<string, unknown>, ctx: CheckContext, where: string): void {
  if (ctx.type !== 'marking-definition') {
    ctx.add(where, 'the TLP 2.0 extension applies to marking-definition objects only');
    return;
  }
  const level = payload.tlp_2_0;
  if (typeof level !== 'string' || !(TLP_LEVELS as readonly string[]).includes(level)) {
    ctx.addAt(where, 'tlp_2_0', `must be one of ${TLP_LEVELS.join(', ')}, not ${kindOf(level)}`);
    return;
  }
  const published = TLP2_MARKINGS[level as TlpLevel];
  if (ctx.object.id !== published.id) ctx.add('id', `must be ${published.id}, the published id of TLP:${level.toUpperCase()}`);
  if (ctx.object.name !== published.name) ctx.add('name', `must be "${published.name}" for the TLP 2.0 ${level} marking`);
}
