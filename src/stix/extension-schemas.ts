/**
 * JSON Schemas (draft 2020-12) of entente's property extensions, published for
 * documentation at the URL each extension-definition's `schema` names (STIX 2.1
 * §7.3). Validation of these payloads is in `validate-extensions.ts`; these
 * objects describe the same shapes for other tools.
 */

const SCHEMA_BASE = 'https://entente.dev/schemas';
export const EXTENSION_VERSION = '1.0.0';

export function extensionSchemaUrl(name: string): string {
  return `${SCHEMA_BASE}/${name}/${EXTENSION_VERSION}`;
}

type JsonSchema = Readonly<Record<string, unknown>>;

const extensionType = { const: 'property-extension' };
const identityRef = { type: 'string', pattern: '^identity--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' };
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
const stringList = { type: 'array', items: { type: 'string' } };
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
    attack_types: stringList,
    target_types: stringList,
    weapon_types: stringList,
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
    claim_channel: { type: 'string' },
    claim_reported_by_ref: identityRef,
  },
);

export const QUOTE_SCHEMA = schema(
  'entente-quote',
  'entente quotation of a speaker in a report',
  ['speaker_name', 'quote', 'kind', 'span'],
  {
    speaker_ref: identityRef,
    speaker_name: { type: 'string', minLength: 1 },
    quote: { type: 'string', minLength: 1 },
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
    evidence: { type: 'array', items: span },
    source_refs: { type: 'array', items: identityRef },
    source_names: stringList,
  },
);

export const PERSON_SCHEMA = schema(
  'entente-person',
  'entente person: names as found in reports',
  ['aliases'],
  { aliases: stringList },
);
