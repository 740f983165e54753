import { GTD_ATTACK_TYPES, GTD_TARGET_TYPES, GTD_WEAPON_TYPES } from './gtd-codebook.js';

/**
 * JSON Schemas (draft 2020-12) of entente's property extensions, published for
 * documentation at the URL each extension-definition's `schema` names (STIX 2.1
 * §7.3). entente itself validates payloads in `entente-extension-checks.ts`;
 * these objects describe the same shapes for other tools (a span's end must
 * also exceed its start, which JSON Schema cannot say).
 */

const SCHEMA_BASE = 'https://entente.dev/schemas';
export const EXTENSION_VERSION = '1.0.0';

export function extensionSchemaUrl(name: string): string {
  return `${SCHEMA_BASE}/${name}/${EXTENSION_VERSION}`;
}

type JsonSchema = Readonly<Record<string, unknown>>;

const extensionType = { const: 'property-extension' };
const identityRef = { type: 'string', pattern: '^identity--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' };
const incidentRef = { type: 'string', pattern: '^incident--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' };
const reportRef = { type: 'string', pattern: '^report--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' };
const span = {
  type: 'object',
  required: ['start', 'end'],
  additionalProperties: false,
  properties: { start: { type: 'integer', minimum: 0 }, end: { type: 'integer', minimum: 0 } },
};
const count = {
  type: 'object',
  required: ['low', 'high', 'qualifier', 'text'],
  additionalProperties: false,
  properties: {
    low: { type: ['integer', 'null'], minimum: 0 },
    high: { type: ['integer', 'null'], minimum: 0 },
    qualifier: { enum: ['exact', 'at-least', 'more-than', 'at-most', 'approximately', 'range', 'unknown'] },
    text: { type: 'string' },
  },
};
// Lists are never empty: the OASIS validator rejects empty lists in extensions.
const text = { type: 'string', minLength: 1 };
const textList = { type: 'array', minItems: 1, items: text };
const codebook = (names: readonly string[]): Record<string, unknown> => ({ type: 'array', minItems: 1, items: { enum: names } });
const eventDate = {
  type: 'string',
  pattern: '^\\d{4}(-\\d{2}(-\\d{2}(T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z)?)?)?$',
};

function schema(name: string, title: string, required: string[], properties: Record<string, unknown>): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: extensionSchemaUrl(name),
    title,
    type: 'object',
    required: ['extension_type', ...required],
    additionalProperties: false,
    properties: { extension_type: extensionType, ...properties },
  };
}

export const INCIDENT_SCHEMA = schema(
  'entente-incident',
  'entente incident coding (in the spirit of the GTD codebook)',
  ['event_date', 'date_precision', 'news_status', 'attack_types', 'target_types', 'weapon_types'],
  {
    event_date: eventDate,
    event_date_end: eventDate,
    date_precision: { enum: ['exact', 'day', 'month', 'year', 'approximate', 'unknown'] },
    news_status: { enum: ['news', 'background'] },
    attack_types: codebook(GTD_ATTACK_TYPES),
    target_types: codebook(GTD_TARGET_TYPES),
    weapon_types: codebook(GTD_WEAPON_TYPES),
    victims_killed: count,
    perpetrators_killed: count,
    wounded: count,
    hostages: count,
    success: { type: 'boolean' },
    suicide: { type: 'boolean' },
    claimed: { type: 'boolean' },
  },
);

export const ATTRIBUTION_SCHEMA = schema(
  'entente-attribution',
  'entente attribution of an incident to an actor',
  ['attribution_type'],
  {
    attribution_type: { enum: ['claim', 'official', 'suspected'] },
    claim_channel: text,
    claim_reported_by_ref: identityRef,
  },
);

export const QUOTE_SCHEMA = schema(
  'entente-quote',
  'entente quotation of a speaker in a report',
  ['speaker_name', 'quote', 'kind', 'span'],
  {
    speaker_ref: identityRef,
    speaker_name: text,
    quote: text,
    kind: { enum: ['direct', 'reported'] },
    span,
  },
);

export const PROVENANCE_SCHEMA = schema(
  'entente-provenance',
  'entente provenance: the report and text spans an object was extracted from',
  ['report_ref', 'evidence'],
  {
    report_ref: reportRef,
    evidence: { type: 'array', minItems: 1, items: span },
    source_refs: { type: 'array', minItems: 1, items: identityRef },
    source_names: textList,
  },
);

export const PERSON_SCHEMA = schema(
  'entente-person',
  'entente person: names as found in reports',
  ['aliases'],
  { aliases: textList },
);

/**
 * entente-location-type is a toplevel-property-extension: its schema describes
 * the top-level property it adds to a location, not a payload.
 */
export const LOCATION_TYPE_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: extensionSchemaUrl('entente-location-type'),
  title: 'entente location type: the kind of place, in the top-level property x_opencti_location_type',
  type: 'object',
  required: ['x_opencti_location_type'],
  properties: { x_opencti_location_type: { enum: ['City', 'Country', 'Region', 'Administrative-Area', 'Position'] } },
};

const correctedValue = { oneOf: [text, { type: 'integer', minimum: 0 }, { type: 'boolean' }, textList] };

export const CORRECTION_SCHEMA = schema(
  'entente-correction',
  'entente correction: the incident fields an analyst corrected before publishing',
  ['incident_corrections'],
  {
    incident_corrections: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['incident_ref', 'field'],
        additionalProperties: false,
        properties: {
          incident_ref: incidentRef,
          field: { enum: ['name', 'description', 'event_date', 'date_precision', 'attack_types', 'target_types', 'weapon_types', 'victims_killed', 'perpetrators_killed', 'wounded', 'claimed'] },
          extracted_value: correctedValue,
          corrected_value: correctedValue,
        },
      },
    },
  },
);
