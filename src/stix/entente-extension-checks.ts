import { isPlainObject, kindOf, pathOf, type CheckContext, type Checker } from './check-context.js';
import {
  ATTRIBUTION_EXTENSION_ID,
  CORRECTION_EXTENSION_ID,
  INCIDENT_CORRECTION_FIELDS,
  INCIDENT_EXTENSION_ID,
  LOCATION_TYPE_EXTENSION_ID,
  PERSON_EXTENSION_ID,
  PROVENANCE_EXTENSION_ID,
  QUOTE_EXTENSION_ID,
  type EntenteExtensionId,
} from './extensions.js';
import { GTD_ATTACK_TYPES, GTD_TARGET_TYPES, GTD_WEAPON_TYPES } from './gtd-codebook.js';
import { typeOfId } from './identifier.js';
import { timestampProblem } from './timestamp.js';

/**
 * Checks of entente's own extension payloads (`extensions.ts` describes the
 * shapes; `extension-schemas.ts` publishes them as JSON Schema). Like the JSON
 * Schemas, payloads are closed: an unknown property is an error.
 */

type Payload = Record<string, unknown>;
type PayloadCheck = (payload: Payload, ctx: CheckContext, path: string) => void;

interface Field {
  readonly required: boolean;
  readonly check: Checker;
}

function closedShape(fields: Readonly<Record<string, Field>>): PayloadCheck {
  const entries = Object.entries(fields);
  return (payload, ctx, path) => {
    for (const key in payload) {
      if (key !== 'extension_type' && fields[key] === undefined) {
        ctx.addAt(path, key, 'is not a property of this entente extension');
      }
    }
    for (const [key, field] of entries) {
      const value = payload[key];
      if (value === undefined) {
        if (field.required) ctx.addAt(path, key, 'is required');
      } else {
        field.check(value, ctx, path, key);
      }
    }
  };
}

const required = (check: Checker): Field => ({ required: true, check });
const optional = (check: Checker): Field => ({ required: false, check });

const text: Checker = (v, ctx, parent, key) => {
  if (typeof v !== 'string' || v.trim() === '') ctx.addAt(parent, key, `must be a non-empty string, not ${kindOf(v)}`);
};

const flag: Checker = (v, ctx, parent, key) => {
  if (typeof v !== 'boolean') ctx.addAt(parent, key, `must be true or false, not ${kindOf(v)}`);
};

function oneOf(values: readonly string[]): Checker {
  const allowed: ReadonlySet<unknown> = new Set(values);
  return (v, ctx, parent, key) => {
    if (!allowed.has(v)) ctx.addAt(parent, key, `must be one of ${values.join(', ')}, not ${kindOf(v)}`);
  };
}

function idOf(type: string): Checker {
  return (v, ctx, parent, key) => {
    if (typeof v !== 'string' || typeOfId(v) !== type) ctx.addAt(parent, key, `must be a ${type} id, not ${kindOf(v)}`);
  };
}

/** Non-empty lists: the OASIS validator rejects empty lists at the top of an extension. */
function listOf(item: Checker): Checker {
  return (v, ctx, parent, key) => {
    if (!Array.isArray(v) || v.length === 0) {
      ctx.addAt(parent, key, `must be a non-empty list, not ${kindOf(v)}`);
      return;
    }
    const path = pathOf(parent, key);
    for (let i = 0; i < v.length; i++) item(v[i], ctx, path, i);
  };
}

function codebook(name: string, values: readonly string[]): Checker {
  const allowed: ReadonlySet<unknown> = new Set(values);
  return listOf((v, ctx, parent, key) => {
    if (!allowed.has(v)) {
      ctx.addAt(parent, key, `must be a GTD ${name} name (see gtd-codebook.ts; "Unknown" when not known), not ${kindOf(v)}`);
    }
  });
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

const span: Checker = (v, ctx, parent, key) => {
  if (!isPlainObject(v)) {
    ctx.addAt(parent, key, `must be an object {start, end}, not ${kindOf(v)}`);
    return;
  }
  const { start, end } = v;
  if (!isCount(start)) ctx.add(`${pathOf(parent, key)}.start`, `must be a character offset (integer ≥ 0), not ${kindOf(start)}`);
  if (!isCount(end)) ctx.add(`${pathOf(parent, key)}.end`, `must be a character offset (integer ≥ 0), not ${kindOf(end)}`);
  if (isCount(start) && isCount(end) && end <= start) ctx.add(`${pathOf(parent, key)}.end`, `must be greater than start (${start})`);
  for (const name in v) {
    if (name !== 'start' && name !== 'end') ctx.add(`${pathOf(parent, key)}.${name}`, 'is not a property of a text span');
  }
};

const QUALIFIERS = ['exact', 'at-least', 'more-than', 'at-most', 'approximately', 'range', 'unknown'];
const checkQualifier = oneOf(QUALIFIERS);
const COUNT_FIELDS: ReadonlySet<string> = new Set(['low', 'high', 'qualifier', 'text']);

const count: Checker = (v, ctx, parent, key) => {
  if (!isPlainObject(v)) {
    ctx.addAt(parent, key, `must be a count object {low, high, qualifier, text}, not ${kindOf(v)}`);
    return;
  }
  const { low, high, qualifier } = v;
  const at = (field: string, message: string): void => ctx.add(`${pathOf(parent, key)}.${field}`, message);
  if (low !== null && !isCount(low)) at('low', `must be an integer ≥ 0 or null, not ${kindOf(low)}`);
  if (high !== null && !isCount(high)) at('high', `must be an integer ≥ 0 or null, not ${kindOf(high)}`);
  checkQualifier(qualifier, ctx, pathOf(parent, key), 'qualifier');
  if (typeof v.text !== 'string') at('text', `must be the words the figure came from, not ${kindOf(v.text)}`);
  if (isCount(low) && isCount(high) && low > high) at('low', `must not exceed high (${high})`);
  if (qualifier === 'exact' && !(isCount(low) && low === high)) at('high', 'must equal low for an exact count');
  for (const name in v) {
    if (!COUNT_FIELDS.has(name)) at(name, 'is not a property of a count');
  }
};

const PARTIAL_DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/u;
const DATE_FORMS = 'YYYY, YYYY-MM, YYYY-MM-DD or a STIX timestamp';

const eventDate: Checker = (v, ctx, parent, key) => {
  if (typeof v !== 'string') {
    ctx.addAt(parent, key, `must be ${DATE_FORMS}, not ${kindOf(v)}`);
  } else if (v.length > 10 && v.charAt(10) === 'T') {
    const problem = timestampProblem(v);
    if (problem !== undefined) ctx.addAt(parent, key, problem);
  } else if (!PARTIAL_DATE.test(v) || (v.length === 10 && timestampProblem(`${v}T00:00:00Z`) !== undefined)) {
    ctx.addAt(parent, key, `must be ${DATE_FORMS}, not "${v}"`);
  }
};

/** A corrected or extracted value: a non-empty text, a count, true or false, or a non-empty list of texts. */
const correctedValue: Checker = (v, ctx, parent, key) => {
  if (Array.isArray(v)) listOf(text)(v, ctx, parent, key);
  else if (typeof v === 'string') text(v, ctx, parent, key);
  else if (!isCount(v) && typeof v !== 'boolean') ctx.addAt(parent, key, `must be a text, a whole number ≥ 0, true or false, or a list of texts, not ${kindOf(v)}`);
};

const checkIncidentCorrection = closedShape({
  incident_ref: required(idOf('incident')),
  field: required(oneOf(INCIDENT_CORRECTION_FIELDS)),
  extracted_value: optional(correctedValue),
  corrected_value: optional(correctedValue),
});

const incidentCorrection: Checker = (v, ctx, parent, key) => {
  if (isPlainObject(v)) checkIncidentCorrection(v, ctx, pathOf(parent, key));
  else ctx.addAt(parent, key, `must be an object {incident_ref, field, extracted_value, corrected_value}, not ${kindOf(v)}`);
};

const PAYLOAD_CHECKS: Readonly<Record<EntenteExtensionId, PayloadCheck>> = {
  [INCIDENT_EXTENSION_ID]: closedShape({
    event_date: required(eventDate),
    event_date_end: optional(eventDate),
    date_precision: required(oneOf(['exact', 'day', 'month', 'year', 'approximate', 'unknown'])),
    news_status: required(oneOf(['news', 'background'])),
    attack_types: required(codebook('attack type', GTD_ATTACK_TYPES)),
    target_types: required(codebook('target type', GTD_TARGET_TYPES)),
    weapon_types: required(codebook('weapon type', GTD_WEAPON_TYPES)),
    victims_killed: optional(count),
    perpetrators_killed: optional(count),
    wounded: optional(count),
    hostages: optional(count),
    success: optional(flag),
    suicide: optional(flag),
    claimed: optional(flag),
  }),
  [ATTRIBUTION_EXTENSION_ID]: closedShape({
    attribution_type: required(oneOf(['claim', 'official', 'suspected'])),
    claim_channel: optional(text),
    claim_reported_by_ref: optional(idOf('identity')),
  }),
  [QUOTE_EXTENSION_ID]: closedShape({
    speaker_ref: optional(idOf('identity')),
    speaker_name: required(text),
    quote: required(text),
    kind: required(oneOf(['direct', 'reported'])),
    span: required(span),
  }),
  [PROVENANCE_EXTENSION_ID]: closedShape({
    report_ref: required(idOf('report')),
    evidence: required(listOf(span)),
    source_refs: optional(listOf(idOf('identity'))),
    source_names: optional(listOf(text)),
  }),
  [PERSON_EXTENSION_ID]: closedShape({
    aliases: required(listOf(text)),
  }),
  // A toplevel-property-extension's entry carries nothing but its type: the property is on the object.
  [LOCATION_TYPE_EXTENSION_ID]: closedShape({}),
  [CORRECTION_EXTENSION_ID]: closedShape({
    incident_corrections: required(listOf(incidentCorrection)),
  }),
};

/** The extension_type each entente extension's entry must have. */
const EXTENSION_TYPE_OF: Readonly<Record<EntenteExtensionId, string>> = {
  [INCIDENT_EXTENSION_ID]: 'property-extension',
  [ATTRIBUTION_EXTENSION_ID]: 'property-extension',
  [QUOTE_EXTENSION_ID]: 'property-extension',
  [PROVENANCE_EXTENSION_ID]: 'property-extension',
  [PERSON_EXTENSION_ID]: 'property-extension',
  [LOCATION_TYPE_EXTENSION_ID]: 'toplevel-property-extension',
  [CORRECTION_EXTENSION_ID]: 'property-extension',
};

const LOCATION_TYPES: ReadonlySet<unknown> = new Set(['City', 'Country', 'Region', 'Administrative-Area', 'Position']);

/** Extra conditions on the object carrying an extension (beyond its type). */
const OBJECT_CONDITIONS: Partial<Record<EntenteExtensionId, (object: Payload) => string | undefined>> = {
  [ATTRIBUTION_EXTENSION_ID]: (o) => (o.relationship_type === 'attributed-to' ? undefined
    : 'belongs on an attributed-to relationship only'),
  [PERSON_EXTENSION_ID]: (o) => (o.identity_class === 'individual' ? undefined
    : 'belongs on an identity whose identity_class is "individual" only'),
  [LOCATION_TYPE_EXTENSION_ID]: (o) => (LOCATION_TYPES.has(o.x_opencti_location_type) ? undefined
    : `declares x_opencti_location_type, which must then be one of ${[...LOCATION_TYPES].join(', ')}`),
};

/** Validates an entente extension payload found at `path` (already known to be an object). */
export function checkEntentePayload(id: EntenteExtensionId, payload: Payload, ctx: CheckContext, path: string): void {
  const extensionType = EXTENSION_TYPE_OF[id];
  if (payload.extension_type !== extensionType) {
    ctx.addAt(path, 'extension_type', `must be "${extensionType}" for this entente extension`);
  }
  PAYLOAD_CHECKS[id](payload, ctx, path);
  const condition = OBJECT_CONDITIONS[id]?.(ctx.object as Payload);
  if (condition !== undefined) ctx.add(path, `this extension ${condition}`);
}
