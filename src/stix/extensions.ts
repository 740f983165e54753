import type { StixObject } from './stix-object.js';
import {
  ATTRIBUTION_SCHEMA,
  CORRECTION_SCHEMA,
  EXTENSION_VERSION,
  INCIDENT_SCHEMA,
  LOCATION_TYPE_SCHEMA,
  PERSON_SCHEMA,
  PROVENANCE_SCHEMA,
  QUOTE_SCHEMA,
  extensionSchemaUrl,
} from './extension-schemas.js';

/**
 * entente's property extensions (STIX 2.1 §7.3 extension-definition) and the
 * TypeScript shapes of their payloads. Ids are deterministic
 * (`deterministicId('extension-definition', { name })`, pinned by a test) so that
 * every entente instance publishes the same definitions.
 */

/** Fixed so that every instance publishes byte-identical definition objects. */
const DEFINED_AT = '2026-11-26T00:00:00.000Z';

/** The identity that authors entente's extension definitions (`created_by_ref`). */
export const ENTENTE_IDENTITY = {
  type: 'identity',
  spec_version: '2.1',
  id: 'identity--0de685c0-109a-5df3-a6b5-5173b55ba645',
  created: DEFINED_AT,
  modified: DEFINED_AT,
  name: 'entente',
  description: 'The entente open intelligence-exchange platform project, author of the entente STIX extensions.',
  identity_class: 'organization',
} as const satisfies StixObject;

export const INCIDENT_EXTENSION_ID = 'extension-definition--6423a2c3-a155-553a-a103-1d7c4d8173fd';
export const ATTRIBUTION_EXTENSION_ID = 'extension-definition--68630302-c519-5ffc-a00c-472b56e85b1d';
export const QUOTE_EXTENSION_ID = 'extension-definition--1a80c1d0-df90-50f6-8dc5-c485121edade';
export const PROVENANCE_EXTENSION_ID = 'extension-definition--16f70788-e253-5aed-b1fe-1cc594a2ab14';
export const PERSON_EXTENSION_ID = 'extension-definition--815fd7df-6fb3-5b52-a9bc-861f5265cf82';
export const LOCATION_TYPE_EXTENSION_ID = 'extension-definition--f03e61b8-0e3e-5ccf-9e23-d03c5bce145a';
export const CORRECTION_EXTENSION_ID = 'extension-definition--3e24b138-7788-5cfd-8b73-b2a6ff1f1f0e';

export type EntenteExtensionId =
  | typeof INCIDENT_EXTENSION_ID
  | typeof ATTRIBUTION_EXTENSION_ID
  | typeof QUOTE_EXTENSION_ID
  | typeof PROVENANCE_EXTENSION_ID
  | typeof PERSON_EXTENSION_ID
  | typeof LOCATION_TYPE_EXTENSION_ID
  | typeof CORRECTION_EXTENSION_ID;

export type CountQualifier = 'exact' | 'at-least' | 'more-than' | 'at-most' | 'approximately' | 'range' | 'unknown';

/**
 * A casualty figure as reported: bounds when known (null when not), and the
 * words it came from ('' when there were none). An exact count has low === high.
 */
export interface Count {
  low: number | null;
  high: number | null;
  qualifier: CountQualifier;
  text: string;
}

export const DATE_PRECISIONS = ['exact', 'day', 'month', 'year', 'approximate', 'unknown'] as const;
export type DatePrecision = (typeof DATE_PRECISIONS)[number];

/**
 * `entente-incident` on `incident`: coded fields in the spirit of the GTD
 * codebook. The three type lists are never empty: use "Unknown" (a GTD
 * category) when the text does not say.
 */
export interface IncidentExtension {
  extension_type: 'property-extension';
  /** YYYY, YYYY-MM, YYYY-MM-DD or a full STIX timestamp. */
  event_date: string;
  event_date_end?: string;
  date_precision: DatePrecision;
  news_status: 'news' | 'background';
  /** GTD codebook category names (see gtd-codebook.ts). */
  attack_types: string[];
  target_types: string[];
  weapon_types: string[];
  victims_killed?: Count;
  perpetrators_killed?: Count;
  wounded?: Count;
  hostages?: Count;
  success?: boolean;
  suicide?: boolean;
  claimed?: boolean;
}

/** `entente-attribution` on an `attributed-to` relationship (on no other relationship type). */
export interface AttributionExtension {
  extension_type: 'property-extension';
  attribution_type: 'claim' | 'official' | 'suspected';
  /** Where the claim was made, e.g. "Amaq". */
  claim_channel?: string;
  /** Who reported the claim, e.g. SITE Intelligence Group (an identity id). */
  claim_reported_by_ref?: string;
}

/** A character range [start, end) in the report's text; end > start. */
export interface TextSpan {
  start: number;
  end: number;
}

/** `entente-quote` on `note`. */
export interface QuoteExtension {
  extension_type: 'property-extension';
  speaker_ref?: string;
  speaker_name: string;
  quote: string;
  kind: 'direct' | 'reported';
  span: TextSpan;
}

/** `entente-provenance` on every extracted object; `evidence` and the optional lists are never empty. */
export interface ProvenanceExtension {
  extension_type: 'property-extension';
  report_ref: string;
  evidence: TextSpan[];
  source_refs?: string[];
  source_names?: string[];
}

/**
 * `entente-person` on an `identity` whose identity_class is "individual": names
 * as found (misspellings included); never an empty list.
 */
export interface PersonExtension {
  extension_type: 'property-extension';
  aliases: string[];
}

/** The kind of place a location is, as OpenCTI names it (and hashes into its id). */
export type LocationType = 'City' | 'Country' | 'Region' | 'Administrative-Area' | 'Position';

/**
 * `entente-location-type` on `location`: declares the top-level property
 * `x_opencti_location_type` (STIX 2.1 §7.3 toplevel-property-extension). The
 * property stays at the top level, where OpenCTI reads it and where the
 * deterministic location id takes it from; the declaration is what makes it a
 * defined extension rather than an undeclared custom property, which the OASIS
 * validator warns about.
 */
export interface LocationTypeExtension {
  extension_type: 'toplevel-property-extension';
}

/** The incident fields an analyst may correct before publishing, as `entente-correction` names them. */
export const INCIDENT_CORRECTION_FIELDS = [
  'name', 'description', 'event_date', 'date_precision', 'attack_types', 'target_types', 'weapon_types',
  'victims_killed', 'perpetrators_killed', 'wounded', 'claimed',
] as const;
export type IncidentCorrectionField = (typeof INCIDENT_CORRECTION_FIELDS)[number];

/** A field's value as the analyst gives it (a casualty figure as its number); lists are never empty. */
export type CorrectedValue = string | number | boolean | string[];

/** One incident field the analyst corrected. */
export interface IncidentCorrection {
  incident_ref: string;
  field: IncidentCorrectionField;
  /** What the extraction said; absent when it said nothing. */
  extracted_value?: CorrectedValue;
  /** What the analyst set; absent when the analyst removed the value. */
  corrected_value?: CorrectedValue;
}

/**
 * `entente-correction` on the analyst's correction note: the incident fields
 * corrected before publishing, in the order corrected (correction-record.ts
 * writes and reads it); never an empty list.
 */
export interface CorrectionExtension {
  extension_type: 'property-extension';
  incident_corrections: IncidentCorrection[];
}

/** Payload type for each extension id, so `withExtension` checks its argument. */
export interface ExtensionPayloads {
  [INCIDENT_EXTENSION_ID]: IncidentExtension;
  [ATTRIBUTION_EXTENSION_ID]: AttributionExtension;
  [QUOTE_EXTENSION_ID]: QuoteExtension;
  [PROVENANCE_EXTENSION_ID]: ProvenanceExtension;
  [PERSON_EXTENSION_ID]: PersonExtension;
  [LOCATION_TYPE_EXTENSION_ID]: LocationTypeExtension;
  [CORRECTION_EXTENSION_ID]: CorrectionExtension;
}

/** An extension-definition object (STIX 2.1 §7.3). */
export interface ExtensionDefinition extends StixObject {
  readonly type: 'extension-definition';
  readonly id: EntenteExtensionId;
  readonly spec_version: '2.1';
  readonly created: string;
  readonly modified: string;
  readonly created_by_ref: string;
  readonly name: string;
  readonly description: string;
  readonly schema: string;
  readonly version: string;
  readonly extension_types: readonly ['property-extension'] | readonly ['toplevel-property-extension'];
  /** The top-level properties a toplevel-property-extension adds (§7.3). */
  readonly extension_properties?: readonly string[];
}

function definition(id: EntenteExtensionId, name: string, description: string): ExtensionDefinition {
  return {
    type: 'extension-definition',
    spec_version: '2.1',
    id,
    created: DEFINED_AT,
    modified: DEFINED_AT,
    created_by_ref: ENTENTE_IDENTITY.id,
    name,
    description,
    schema: extensionSchemaUrl(name),
    version: EXTENSION_VERSION,
    extension_types: ['property-extension'],
  };
}

export const INCIDENT_EXTENSION = definition(
  INCIDENT_EXTENSION_ID,
  'entente-incident',
  'Coded fields of a terrorist incident in the spirit of the GTD codebook: date and its precision, attack, target and weapon types, casualties, success, suicide, claimed.',
);
export const ATTRIBUTION_EXTENSION = definition(
  ATTRIBUTION_EXTENSION_ID,
  'entente-attribution',
  'Nature of an attributed-to relationship: a claim (with its channel and who reported it), an official attribution or a suspicion.',
);
export const QUOTE_EXTENSION = definition(
  QUOTE_EXTENSION_ID,
  'entente-quote',
  'A quotation on a note: the speaker, the exact quoted text, whether direct or reported, and its character span in the report.',
);
export const PROVENANCE_EXTENSION = definition(
  PROVENANCE_EXTENSION_ID,
  'entente-provenance',
  'Where an extracted object came from: the report, the character spans of the evidence and the sources the text attributes it to.',
);
export const PERSON_EXTENSION = definition(
  PERSON_EXTENSION_ID,
  'entente-person',
  'Names of a person as found in reports, misspellings included.',
);
export const LOCATION_TYPE_EXTENSION: ExtensionDefinition = {
  ...definition(
    LOCATION_TYPE_EXTENSION_ID,
    'entente-location-type',
    'The kind of place a location is (City, Country, Region, Administrative-Area or Position), in the top-level property x_opencti_location_type that OpenCTI uses.',
  ),
  extension_types: ['toplevel-property-extension'],
  extension_properties: ['x_opencti_location_type'],
};

export const CORRECTION_EXTENSION = definition(
  CORRECTION_EXTENSION_ID,
  'entente-correction',
  'What an analyst corrected in an incident before publishing: for each field, the incident, the value the extraction gave and the value the analyst set.',
);

/** The `extensions` entry that declares a location's `x_opencti_location_type`. */
export const LOCATION_TYPE_DECLARATION: Readonly<Record<typeof LOCATION_TYPE_EXTENSION_ID, LocationTypeExtension>> = {
  [LOCATION_TYPE_EXTENSION_ID]: { extension_type: 'toplevel-property-extension' },
};

/** Every entente extension-definition, for publishing alongside extracted objects. */
export const ENTENTE_EXTENSIONS: readonly ExtensionDefinition[] = [
  INCIDENT_EXTENSION,
  ATTRIBUTION_EXTENSION,
  QUOTE_EXTENSION,
  PROVENANCE_EXTENSION,
  PERSON_EXTENSION,
  LOCATION_TYPE_EXTENSION,
  CORRECTION_EXTENSION,
];

/** The JSON Schema of each extension, keyed by extension id (documentation). */
export const EXTENSION_SCHEMAS: Readonly<Record<EntenteExtensionId, Readonly<Record<string, unknown>>>> = {
  [INCIDENT_EXTENSION_ID]: INCIDENT_SCHEMA,
  [ATTRIBUTION_EXTENSION_ID]: ATTRIBUTION_SCHEMA,
  [QUOTE_EXTENSION_ID]: QUOTE_SCHEMA,
  [PROVENANCE_EXTENSION_ID]: PROVENANCE_SCHEMA,
  [PERSON_EXTENSION_ID]: PERSON_SCHEMA,
  [LOCATION_TYPE_EXTENSION_ID]: LOCATION_TYPE_SCHEMA,
  [CORRECTION_EXTENSION_ID]: CORRECTION_SCHEMA,
};

/** The STIX types each extension may be attached to (undefined: any object). */
export const EXTENSION_TARGET_TYPES: Readonly<Record<EntenteExtensionId, readonly string[] | undefined>> = {
  [INCIDENT_EXTENSION_ID]: ['incident'],
  [ATTRIBUTION_EXTENSION_ID]: ['relationship'],
  [QUOTE_EXTENSION_ID]: ['note'],
  [PROVENANCE_EXTENSION_ID]: undefined,
  [PERSON_EXTENSION_ID]: ['identity'],
  [LOCATION_TYPE_EXTENSION_ID]: ['location'],
  [CORRECTION_EXTENSION_ID]: ['note'],
};

/**
 * A copy of `object` with `props` under `extensions[extId]` (STIX 2.1 §7.3),
 * keeping any other extensions. Objects are immutable versions, so the input is
 * never modified.
 */
export function withExtension<T extends StixObject, K extends EntenteExtensionId>(
  object: T,
  extId: K,
  props: ExtensionPayloads[K],
): T & { extensions: Record<string, unknown> } {
  const existing = object.extensions;
  const extensions = typeof existing === 'object' && existing !== null ? { ...(existing as Record<string, unknown>) } : {};
  extensions[extId] = props;
  return { ...object, extensions };
}
