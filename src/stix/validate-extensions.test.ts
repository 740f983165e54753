import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTION_EXTENSION_ID, INCIDENT_EXTENSION_ID, LOCATION_TYPE_EXTENSION_ID, PERSON_EXTENSION_ID, PROVENANCE_EXTENSION_ID,
  QUOTE_EXTENSION_ID,
} from './extensions.js';
import {
  sampleAttribution, sampleIncident, sampleIntrusionSet, sampleLocation, samplePerson, sampleQuote, sampleReport,
} from './sample-objects.js';
import type { StixObject } from './stix-object.js';
import { validateObject } from './validate.js';

const INCIDENT = 'incident--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f';

/** `object` with the payload of extension `extId` changed by `change`. */
function patch(object: StixObject, extId: string, change: Record<string, unknown>): Record<string, unknown> {
  const extensions = object.extensions as Record<string, Record<string, unknown>>;
  const payload = { ...extensions[extId], ...change };
  for (const [k, v] of Object.entries(change)) if (v === undefined) delete payload[k];
  return { ...object, extensions: { ...extensions, [extId]: payload } };
}

function expectProblem(object: Record<string, unknown>, property: string, message: RegExp): void {
  const issues = validateObject(object);
  const match = issues.find((i) => i.property === property && message.test(i.message));
  expect(match, `expected ${property} ~ ${message}; got ${JSON.stringify(issues)}`).toBeDefined();
}

const at = (extId: string, field: string): string => `extensions.${extId}.${field}`;

describe('the sample objects entente produces', () => {
  it('are all valid', () => {
    const incident = sampleIncident(INCIDENT);
    for (const object of [incident, sampleIntrusionSet(), samplePerson(), sampleAttribution(INCIDENT), sampleQuote(),
      sampleLocation(), sampleReport([INCIDENT])]) {
      expect(validateObject(object), object.type).toEqual([]);
    }
  });
});

describe('entente-incident', () => {
  const incident = sampleIncident(INCIDENT);
  const p = (change: Record<string, unknown>): Record<string, unknown> => patch(incident, INCIDENT_EXTENSION_ID, change);

  it('accepts every date form', () => {
    for (const date of ['2018', '2018-08', '2018-08-20', '2018-08-20T06:30:00Z']) {
      expect(validateObject(p({ event_date: date, event_date_end: date })), date).toEqual([]);
    }
  });

  it('refuses bad dates, precisions and statuses', () => {
    expectProblem(p({ event_date: '20 August 2018' }), at(INCIDENT_EXTENSION_ID, 'event_date'), /YYYY, YYYY-MM/);
    expectProblem(p({ event_date: '2018-02-30' }), at(INCIDENT_EXTENSION_ID, 'event_date'), /YYYY/);
    expectProblem(p({ event_date_end: '2018-08-20T25:00:00Z' }), at(INCIDENT_EXTENSION_ID, 'event_date_end'), /hour 25/);
    expectProblem(p({ date_precision: 'week' }), at(INCIDENT_EXTENSION_ID, 'date_precision'), /exact, day, month/);
    expectProblem(p({ news_status: 'old' }), at(INCIDENT_EXTENSION_ID, 'news_status'), /news, background/);
    expectProblem(p({ event_date: undefined }), at(INCIDENT_EXTENSION_ID, 'event_date'), /is required/);
  });

  it('takes GTD codebook names, never an empty list', () => {
    expect(validateObject(p({ attack_types: ['Unknown'], target_types: ['Unknown'], weapon_types: ['Unknown'] }))).toEqual([]);
    expectProblem(p({ attack_types: ['Shooting'] }), `${at(INCIDENT_EXTENSION_ID, 'attack_types')}[0]`, /GTD attack type/);
    expectProblem(p({ target_types: ['Police', 'police'] }), `${at(INCIDENT_EXTENSION_ID, 'target_types')}[1]`, /GTD target type/);
    expectProblem(p({ weapon_types: ['Vehicle'] }), `${at(INCIDENT_EXTENSION_ID, 'weapon_types')}[0]`, /GTD weapon type/);
    expectProblem(p({ weapon_types: [] }), at(INCIDENT_EXTENSION_ID, 'weapon_types'), /non-empty list/);
  });

  it('checks counts', () => {
    const c = (count: unknown): Record<string, unknown> => p({ wounded: count });
    expect(validateObject(c({ low: 10, high: 20, qualifier: 'range', text: '10 to 20' }))).toEqual([]);
    expect(validateObject(c({ low: 10, high: null, qualifier: 'at-least', text: 'at least 10' }))).toEqual([]);
    expectProblem(c({ low: 20, high: 10, qualifier: 'range', text: '' }), `${at(INCIDENT_EXTENSION_ID, 'wounded')}.low`, /exceed high/);
    expectProblem(c({ low: -1, high: null, qualifier: 'unknown', text: '' }), `${at(INCIDENT_EXTENSION_ID, 'wounded')}.low`, /integer ≥ 0 or null/);
    expectProblem(c({ low: 3, high: 4, qualifier: 'exact', text: '3' }), `${at(INCIDENT_EXTENSION_ID, 'wounded')}.high`, /equal low/);
    expectProblem(c({ low: 3, high: 3, qualifier: 'about', text: '3' }), `${at(INCIDENT_EXTENSION_ID, 'wounded')}.qualifier`, /exact, at-least/);
    expectProblem(c({ low: 3, high: 3, qualifier: 'exact' }), `${at(INCIDENT_EXTENSION_ID, 'wounded')}.text`, /words/);
    expectProblem(c({ low: 3, high: 3, qualifier: 'exact', text: '3', note: 'x' }), `${at(INCIDENT_EXTENSION_ID, 'wounded')}.note`, /not a property of a count/);
    expectProblem(c(3), at(INCIDENT_EXTENSION_ID, 'wounded'), /count object/);
  });

  it('checks flags, unknown properties, extension_type and the carrying type', () => {
    expectProblem(p({ suicide: 'no' }), at(INCIDENT_EXTENSION_ID, 'suicide'), /true or false/);
    expectProblem(p({ casualties: 3 }), at(INCIDENT_EXTENSION_ID, 'casualties'), /not a property of this entente extension/);
    expectProblem(p({ extension_type: 'new-sdo' }), at(INCIDENT_EXTENSION_ID, 'extension_type'), /property-extension/);
    const onReport = { ...sampleReport([INCIDENT]), extensions: { [INCIDENT_EXTENSION_ID]: (incident.extensions as Record<string, unknown>)[INCIDENT_EXTENSION_ID] } };
    expectProblem(onReport, `extensions.${INCIDENT_EXTENSION_ID}`, /applies to incident objects, not to report/);
  });
});

describe('entente-attribution', () => {
  const rel = sampleAttribution(INCIDENT);
  const p = (change: Record<string, unknown>): Record<string, unknown> => patch(rel, ATTRIBUTION_EXTENSION_ID, change);

  it('has a type, an optional channel and an identity that reported the claim', () => {
    expect(validateObject(p({ attribution_type: 'suspected', claim_channel: undefined, claim_reported_by_ref: undefined }))).toEqual([]);
    expectProblem(p({ attribution_type: 'rumour' }), at(ATTRIBUTION_EXTENSION_ID, 'attribution_type'), /claim, official, suspected/);
    expectProblem(p({ claim_channel: '' }), at(ATTRIBUTION_EXTENSION_ID, 'claim_channel'), /non-empty string/);
    expectProblem(p({ claim_reported_by_ref: `report--${INCIDENT.slice(10)}` }), at(ATTRIBUTION_EXTENSION_ID, 'claim_reported_by_ref'), /identity id/);
  });

  it('belongs on attributed-to relationships only', () => {
    expectProblem({ ...rel, relationship_type: 'related-to' }, `extensions.${ATTRIBUTION_EXTENSION_ID}`, /attributed-to relationship only/);
  });
});

describe('entente-quote', () => {
  const note = sampleQuote();
  const p = (change: Record<string, unknown>): Record<string, unknown> => patch(note, QUOTE_EXTENSION_ID, change);

  it('has a speaker, the quote, its kind and span', () => {
    expect(validateObject(p({ speaker_ref: undefined, kind: 'reported' }))).toEqual([]);
    expectProblem(p({ speaker_name: undefined }), at(QUOTE_EXTENSION_ID, 'speaker_name'), /required/);
    expectProblem(p({ quote: '  ' }), at(QUOTE_EXTENSION_ID, 'quote'), /non-empty string/);
    expectProblem(p({ kind: 'indirect' }), at(QUOTE_EXTENSION_ID, 'kind'), /direct, reported/);
    expectProblem(p({ speaker_ref: 'Putin' }), at(QUOTE_EXTENSION_ID, 'speaker_ref'), /identity id/);
  });

  it('checks the span', () => {
    expectProblem(p({ span: { start: 10, end: 10 } }), `${at(QUOTE_EXTENSION_ID, 'span')}.end`, /greater than start/);
    expectProblem(p({ span: { start: -1, end: 10 } }), `${at(QUOTE_EXTENSION_ID, 'span')}.start`, /character offset/);
    expectProblem(p({ span: { start: 1, end: 2.5 } }), `${at(QUOTE_EXTENSION_ID, 'span')}.end`, /character offset/);
    expectProblem(p({ span: { start: 1, end: 2, length: 1 } }), `${at(QUOTE_EXTENSION_ID, 'span')}.length`, /text span/);
    expectProblem(p({ span: [1, 2] }), at(QUOTE_EXTENSION_ID, 'span'), /\{start, end\}/);
  });
});

describe('entente-provenance', () => {
  const incident = sampleIncident(INCIDENT);
  const p = (change: Record<string, unknown>): Record<string, unknown> => patch(incident, PROVENANCE_EXTENSION_ID, change);

  it('points at a report with evidence spans and sources', () => {
    expect(validateObject(p({ source_refs: undefined, source_names: undefined }))).toEqual([]);
    expectProblem(p({ report_ref: INCIDENT }), at(PROVENANCE_EXTENSION_ID, 'report_ref'), /report id/);
    expectProblem(p({ evidence: [] }), at(PROVENANCE_EXTENSION_ID, 'evidence'), /non-empty list/);
    expectProblem(p({ evidence: [{ start: 5, end: 1 }] }), `${at(PROVENANCE_EXTENSION_ID, 'evidence')}[0].end`, /greater than start/);
    expectProblem(p({ source_refs: [INCIDENT] }), `${at(PROVENANCE_EXTENSION_ID, 'source_refs')}[0]`, /identity id/);
    expectProblem(p({ source_names: [] }), at(PROVENANCE_EXTENSION_ID, 'source_names'), /non-empty list/);
  });

  it('may be attached to any object', () => {
    const payload = (incident.extensions as Record<string, unknown>)[PROVENANCE_EXTENSION_ID];
    expect(validateObject({ ...sampleLocation(), extensions: { [PROVENANCE_EXTENSION_ID]: payload } })).toEqual([]);
  });
});

describe('entente-person', () => {
  const person = samplePerson();

  it('lists names as found, on individuals only', () => {
    expectProblem(patch(person, PERSON_EXTENSION_ID, { aliases: [] }), at(PERSON_EXTENSION_ID, 'aliases'), /non-empty list/);
    expectProblem(patch(person, PERSON_EXTENSION_ID, { aliases: [''] }), `${at(PERSON_EXTENSION_ID, 'aliases')}[0]`, /non-empty string/);
    expectProblem({ ...person, identity_class: 'organization' }, `extensions.${PERSON_EXTENSION_ID}`, /identity_class is "individual"/);
  });
});

describe('entente-location-type', () => {
  const location = sampleLocation();

  it('declares x_opencti_location_type as a top-level property, with an entry holding only its type', () => {
    expect(location.extensions).toEqual({ [LOCATION_TYPE_EXTENSION_ID]: { extension_type: 'toplevel-property-extension' } });
    expect(validateObject(location)).toEqual([]);
    expectProblem(patch(location, LOCATION_TYPE_EXTENSION_ID, { extension_type: 'property-extension' }),
      at(LOCATION_TYPE_EXTENSION_ID, 'extension_type'), /"toplevel-property-extension"/);
    expectProblem(patch(location, LOCATION_TYPE_EXTENSION_ID, { x_opencti_location_type: 'City' }),
      at(LOCATION_TYPE_EXTENSION_ID, 'x_opencti_location_type'), /not a property of this entente extension/);
  });

  it('requires the declared property to hold a known kind of place, on locations only', () => {
    expectProblem({ ...location, x_opencti_location_type: 'Planet' }, `extensions.${LOCATION_TYPE_EXTENSION_ID}`, /City, Country/);
    const { x_opencti_location_type: _dropped, ...undeclared } = location;
    expectProblem(undeclared, `extensions.${LOCATION_TYPE_EXTENSION_ID}`, /must then be one of/);
    expectProblem({ ...sampleIntrusionSet(), extensions: location.extensions }, `extensions.${LOCATION_TYPE_EXTENSION_ID}`, /location objects, not to intrusion-set/);
  });
});
