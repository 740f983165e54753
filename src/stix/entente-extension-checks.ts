import { isPlainObject, kindOf, type CheckContext } from './check-context.js';
import {
  ATTRIBUTION_EXTENSION_ID,
  INCIDENT_EXTENSION_ID,
  PERSON_EXTENSION_ID,
  PROVENANCE_EXTENSION_ID,
  QUOTE_EXTENSION_ID,
  type EntenteExtensionId,
} from './extensions.js';
import { GTD_ATTACK_TYPES, GTD_TARGET_TYPES, GTD_WEAPON_TYPES } from './gtd-codebook.js';
import { isIdOfType } from './identifier.js';
import { parseTimestamp } from './timestamp.js';

/**
 * Checks of entente's own extension payloads (`extensions.ts` describes the
 * shapes; `extension-schemas.ts` publishes them as JSON Schema). Like the JSON
 * Schemas, payloads are closed: an unknown property is an error.
 */

type Payload = Record<string, unknown>;
type PayloadCheck = (payload: Payload, path: string, ctx: CheckContext) => void;

interface Field {
  readonly required: boolean;
  readonly check: (value: unknown, path: string, ctx: CheckContext) => void;
}

function closedShape(fields: Readonly<Record<string, Field>>): PayloadCheck {
  return (payload, path, ctx) => {
    for (const key of Object.keys(payload)) {
      if (key !== 'extension_type' && fields[key] === undefined) {
        ctx.add(`${path}.${key}`, 'is not a property of this entente extension');
      }
    }
    for (const [key, field] of Object.entries(fields)) {
      const value = payload[key];
      if (value === undefined) {
        if (field.required) ctx.add(`${path}.${key}`, 'is required');
      } else {
        field.check(value, `${path}.${key}`, ctx);
      }
    }
  };
}

const required = (check: Field['check']): Field => ({ required: true, check });
const optional = (check: Field['check']): Field => ({ required: false, check });

function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

const text: Field['check'] = (v, path, ctx) => {
  if (!isNonEmptyString(v)) ctx.add(path, `must be a non-empty string, not ${kindOf(v)}`);
};

const flag: Field['check'] = (v, path, ctx) => {
  if (typeof v !== 'boolean') ctx.add(path, `must be true or false, not ${kindOf(v)}`);
};

function oneOf(values: readonly string[]): Field['check'] {
  return (v, path, ctx) => {
    if (typeof v !== 'string' || !values.includes(v)) ctx.add(path, `must be one of ${values.join(', ')}, not ${kindOf(v)}`);
  };
}

function idOf(type: string): Field['check'] {
  return (v, path, ctx) => {
    if (typeof v !== 'string' || !isIdOfType(v, [type])) ctx.add(path, `must be a ${type} id, not ${kindOf(v)}`);
  };
}

/** Non-empty lists: the OASIS validator rejects empty lists at the top of an extension. */
function listOf(item: Field['check']): Field['check'] {
  return (v, path, ctx) => {
    if (!Array.isArray(v) || v.length === 0) {
      ctx.add(path, `must be a non-empty list, not ${kindOf(v)}`);
      return;
    }
    v.forEach((element: unknown, i) => item(element, `${path}[${i}]`, ctx));
  };
}

function codebook(name: string, values: readonly string[]): Field['check'] {
  return listOf((v, path, ctx) => {
    if (typeof v !== 'string' || !values.includes(v)) {
      ctx.add(path, `must be a GTD ${name} name (see gtd-codebook.ts; "Unknown" when not known), not ${kindOf(v)}`);
    }
  });
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

const span: Field['check'] = (v, path, ctx) => {
  if (!isPlainObject(v)) {
    ctx.add(path, `must be an object {start, end}, not ${kindOf(v)}`);
    return;
  }
  if (!isCount(v.start)) ctx.add(`${path}.start`, `must be a character offset (integer ≥ 0), not ${kindOf(v.start)}`);
  if (!isCount(v.end)) ctx.add(`${path}.end`, `must be a character offset (integer ≥ 0), not ${kindOf(v.end)}`);
  if (isCount(v.start) && isCount(v.end) && v.end <= v.start) ctx.add(`${path}.end`, `must be greater than start (${v.start})`);
  for (const key of Object.keys(v)) {
    if (key !== 'start' && key !== 'end') ctx.add(`${path}.${key}`, 'is not a property of a text span');
  }
};

const QUALIFIERS = ['exact', 'at-least', 'more-than', 'at-most', 'approximately', 'range', 'unknown'];

const count: Field['check'] = (v, path, ctx) => {
  if (!isPlainObject(v)) {
    ctx.add(path, `must be a count object {low, high, qualifier, text}, not ${kindOf(v)}`);
    return;
  }
  for (const bound of ['low', 'high'] as const) {
    const value = v[bound];
    if (value !== null && !isCount(value)) ctx.add(`${path}.${bound}`, `must be an integer ≥ 0 or null, not ${kindOf(value)}`);
  }
  oneOf(QUALIFIERS)(v.qualifier, `${path}.qualifier`, ctx);
  if (typeof v.text !== 'string') ctx.add(`${path}.text`, `must be the words the figure came from, not ${kindOf(v.text)}`);
  if (isCount(v.low) && isCount(v.high) && v.low > v.high) ctx.add(`${path}.low`, `must not exceed high (${v.high})`);
  if (v.qualifier === 'exact' && !(isCount(v.low) && v.low === v.high)) {
    ctx.add(`${path}.high`, 'must equal low for an exact count');
  }
  for (const key of Object.keys(v)) {
    if (!['low', 'high', 'qualifier', 'text'].includes(key)) ctx.add(`${path}.${key}`, 'is not a property of a count');
  }
};

const PARTIAL_DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/u;

const eventDate: Field['check'] = (v, path, ctx) => {
  if (typeof v !== 'string') {
    ctx.add(path, `must be YYYY, YYYY-MM, YYYY-MM-DD or a STIX timestamp, not ${kindOf(v)}`);
  } else if (v.length > 10) {
    const parsed = parseTimestamp(v);
    if (typeof parsed === 'string') ctx.add(path, parsed);
  } else if (!PARTIAL_DATE.test(v) || (v.length === 10 && typeof parseTimestamp(`${v}T00:00:00Z`) === 'string')) {
    ctx.add(path, `must be YYYY, YYYY-MM, YYYY-MM-DD or a STIX timestamp, not "${v}"`);
  }
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
};

/** Extra conditions on the object carrying an extension (beyond its type). */
const OBJECT_CONDITIONS: Partial<Record<EntenteExtensionId, (object: Payload) => string | undefined>> = {
  [ATTRIBUTION_EXTENSION_ID]: (o) => (o.relationship_type === 'attributed-to' ? undefined
    : 'belongs on an attributed-to relationship only'),
  [PERSON_EXTENSION_ID]: (o) => (o.identity_class === 'individual' ? undefined
    : 'belongs on an identity whose identity_class is "individual" only'),
};

/** Validates an entente extension payload found at `path` (already known to be an object). */
export function checkEntentePayload(id: EntenteExtensionId, payload: Payload, path: string, ctx: CheckContext): void {
  if (payload.extension_type !== 'property-extension') {
    ctx.add(`${path}.extension_type`, 'must be "property-extension" for entente extensions');
  }
  PAYLOAD_CHECKS[id](payload, path, ctx);
  const condition = OBJECT_CONDITIONS[id]?.(ctx.object as Payload);
  if (condition !== undefined) ctx.add(path, `this extension ${condition}`);
}
