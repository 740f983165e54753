import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEntenteError } from '../errors.js';
import { sampleIdentity, sampleIndicator } from './sample-objects.js';
import { tlpMarkingId } from './tlp.js';
import { assertValidObject, formatIssue, validateBundle, validateObject } from './validate.js';

const ID = 'identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f';
const base = (): Record<string, unknown> => ({ ...sampleIdentity(ID) });
const withProps = (props: Record<string, unknown>): Record<string, unknown> => ({ ...base(), ...props });

/** The issues of `object` as "property: message" lines. */
function problems(object: unknown): string[] {
  return validateObject(object).map((i) => `${i.property}: ${i.message}`);
}

function expectProblem(object: unknown, property: string, message: RegExp): void {
  const issues = validateObject(object);
  const match = issues.find((i) => i.property === property && message.test(i.message));
  expect(match, `expected an issue at ${property} matching ${message}; got ${JSON.stringify(issues)}`).toBeDefined();
}

describe('validateObject: the object itself', () => {
  it('accepts typical objects', () => {
    expect(problems(base())).toEqual([]);
    expect(problems(sampleIndicator())).toEqual([]);
  });

  it('refuses non-objects', () => {
    for (const value of [null, 'identity', 42, [base()]]) {
      const [issue] = validateObject(value);
      expect(issue).toMatchObject({ objectId: '(no id)', property: '(object)' });
    }
  });

  it('names the object id, the property and the problem', () => {
    const [issue] = validateObject(withProps({ confidence: 120 }));
    expect(issue).toEqual({ objectId: ID, property: 'confidence', message: 'must be an integer between 0 and 100, not number 120' });
    expect(formatIssue(issue as never)).toBe(`${ID}: confidence must be an integer between 0 and 100, not number 120`);
  });

  it('uses (no id) when the id is missing', () => {
    const { id: _id, ...rest } = base();
    expect(validateObject(rest)[0]).toMatchObject({ objectId: '(no id)', property: 'id', message: 'is required' });
  });
});

describe('type and id (STIX 2.1 §2.9, §3.1)', () => {
  it('requires a valid, non-reserved type name', () => {
    expectProblem(withProps({ type: undefined }), 'type', /is required/);
    expectProblem(withProps({ type: 'Identity' }), 'type', /STIX type name/);
    expectProblem(withProps({ type: 'x' }), 'type', /STIX type name/);
    expectProblem(withProps({ type: 'action', id: 'action--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }), 'type', /not "action"/);
  });

  it('requires the id prefix to equal the type', () => {
    expectProblem(withProps({ id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }), 'id', /must start with "identity--"/);
  });

  it('requires an RFC 4122 UUID in lower case', () => {
    expectProblem(withProps({ id: 'identity--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F' }), 'id', /lower-case RFC 4122 UUID/);
    expectProblem(withProps({ id: 'identity--8e2e2d2b-17d4-7cbf-938f-98ee46b3cd3f' }), 'id', /RFC 4122/);
    expectProblem(withProps({ id: 'identity-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }), 'id', /RFC 4122/);
    expectProblem(withProps({ id: 42 }), 'id', /number 42/);
  });
});

describe('common properties (STIX 2.1 §3.2)', () => {
  it('spec_version must be "2.1"', () => {
    expectProblem(withProps({ spec_version: '2.0' }), 'spec_version', /must be "2.1"/);
  });

  it('created and modified need millisecond precision and modified >= created', () => {
    expectProblem(withProps({ created: '2018-08-20T12:00:00Z' }), 'created', /millisecond/);
    expectProblem(withProps({ modified: '2018-08-20T12:00:00.1Z' }), 'modified', /millisecond/);
    expectProblem(withProps({ modified: '2018-08-32T12:00:00.000Z' }), 'modified', /day 32/);
    expectProblem(withProps({ created: '2018-08-21T00:00:00.000Z', modified: '2018-08-20T00:00:00.000Z' }), 'modified', /later than or equal to created/);
    expect(problems(withProps({ created: '2018-08-20T00:00:00.000Z', modified: '2018-08-20T00:00:00.000001Z' }))).toEqual([]);
    expect(problems(withProps({ created: '2018-08-20T00:00:00.000Z', modified: '2018-08-20T00:00:00.000Z' }))).toEqual([]);
    // Past microseconds the OASIS validator compares text: "…00.1000000Z" sorts before "…00.1Z".
    expectProblem(withProps({ created: '2018-08-20T00:00:00.1Z', modified: '2018-08-20T00:00:00.1000000Z' }), 'modified', /later than or equal/);
  });

  it('created_by_ref must be an identity id', () => {
    expect(problems(withProps({ created_by_ref: ID }))).toEqual([]);
    expectProblem(withProps({ created_by_ref: 'report--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }), 'created_by_ref', /must refer to identity, not to report/);
  });

  it('revoked is a boolean, labels a non-empty list of strings, lang a known tag', () => {
    expect(problems(withProps({ revoked: true, labels: ['media'], lang: 'fr-FR' }))).toEqual([]);
    expectProblem(withProps({ revoked: 'yes' }), 'revoked', /true or false/);
    expectProblem(withProps({ labels: [] }), 'labels', /empty list/);
    expectProblem(withProps({ labels: ['ok', 3] }), 'labels[1]', /must be a string/);
    expectProblem(withProps({ lang: 'english' }), 'lang', /language tag/);
  });

  it('confidence is an integer from 0 to 100', () => {
    expect(problems(withProps({ confidence: 0 }))).toEqual([]);
    expect(problems(withProps({ confidence: 100 }))).toEqual([]);
    expectProblem(withProps({ confidence: -1 }), 'confidence', /between 0 and 100/);
    expectProblem(withProps({ confidence: 50.5 }), 'confidence', /integer/);
  });

  it('object_marking_refs must be marking-definition ids', () => {
    expect(problems(withProps({ object_marking_refs: [tlpMarkingId('amber')] }))).toEqual([]);
    expectProblem(withProps({ object_marking_refs: [tlpMarkingId('amber'), ID] }), 'object_marking_refs[1]', /must refer to marking-definition, not to identity/);
    expectProblem(withProps({ object_marking_refs: ['TLP:RED'] }), 'object_marking_refs[0]', /STIX identifier/);
  });

  it('no property may be null', () => {
    expectProblem(withProps({ description: null }), 'description', /must not be null/);
    expectProblem(withProps({ x_acme_note: null }), 'x_acme_note', /must not be null/);
  });
});

describe('external_references (STIX 2.1 §2.5)', () => {
  const ref = (r: Record<string, unknown>): Record<string, unknown> => withProps({ external_references: [r] });

  it('accepts references with a source and one of url, description or external_id', () => {
    expect(problems(ref({ source_name: 'cve', external_id: 'CVE-2017-0144' }))).toEqual([]);
    expect(problems(ref({ source_name: 'capec', external_id: 'CAPEC-163' }))).toEqual([]);
    expect(problems(ref({ source_name: 'dw', description: 'article', hashes: { 'SHA-256': 'a'.repeat(64) } }))).toEqual([]);
  });

  it('refuses incomplete or inconsistent references', () => {
    expectProblem(ref({ url: 'https://dw.com/' }), 'external_references[0].source_name', /required/);
    expectProblem(ref({ source_name: 'dw' }), 'external_references[0]', /at least one of description, url or external_id/);
    expectProblem(ref({ source_name: 'dw', url: 'not a url' }), 'external_references[0].url', /absolute URL/);
    expectProblem(ref({ source_name: 'cve', external_id: 'CVE-17' }), 'external_references[0].external_id', /CVE id/);
    expectProblem(ref({ source_name: 'capec', external_id: '163' }), 'external_references[0].external_id', /CAPEC id/);
    expectProblem(ref({ source_name: 'nvd', external_id: 'CVE-2017-0144' }), 'external_references[0].source_name', /"cve" or "capec"/);
    expectProblem(ref({ source_name: 'dw', url: 'https://dw.com/', hashes: { MD5: 'xyz' } }), 'external_references[0].hashes.MD5', /valid MD5/);
  });
});

describe('granular_markings (STIX 2.1 §7.2.3)', () => {
  const gm = (g: Record<string, unknown>): Record<string, unknown> => withProps({ granular_markings: [g] });

  it('accepts selectors that resolve into the object', () => {
    expect(problems(gm({ marking_ref: tlpMarkingId('red'), selectors: ['name', 'external_references.[0].url'] }))).toEqual([]);
  });

  it('refuses bad markings and selectors', () => {
    expectProblem(gm({ selectors: ['name'] }), 'granular_markings[0].marking_ref', /required/);
    expectProblem(gm({ marking_ref: ID, selectors: ['name'] }), 'granular_markings[0].marking_ref', /marking-definition/);
    expectProblem(gm({ marking_ref: tlpMarkingId('red'), lang: 'en', selectors: ['name'] }), 'granular_markings[0].lang', /not be present together/);
    expectProblem(gm({ marking_ref: tlpMarkingId('red'), selectors: [] }), 'granular_markings[0].selectors', /non-empty/);
    expectProblem(gm({ marking_ref: tlpMarkingId('red'), selectors: ['Name!'] }), 'granular_markings[0].selectors[0]', /must be a selector/);
    expectProblem(gm({ marking_ref: tlpMarkingId('red'), selectors: ['description'] }), 'granular_markings[0].selectors[0]', /does not select anything/);
    expectProblem(gm({ marking_ref: tlpMarkingId('red'), selectors: ['external_references.[3]'] }), 'granular_markings[0].selectors[0]', /does not select/);
  });
});

describe('custom properties (STIX 2.1 §11.1)', () => {
  it('accept well-formed names and values', () => {
    expect(problems(withProps({ x_opencti_score: 50, x_acme_tags: ['a'], x_acme_blob_bin: 'aGk=', x_acme_hash_hex: '0aff' }))).toEqual([]);
  });

  it('refuse bad names, reserved names, empty lists and bad _bin/_hex values', () => {
    expectProblem(withProps({ 'X-Custom': 1 }), 'X-Custom', /\^\[a-z0-9_\]\{3,250\}\$/);
    expectProblem(withProps({ xy: 1 }), 'xy', /not a valid custom property name/);
    expectProblem(withProps({ _private: 1 }), '_private', /start with a letter/);
    expectProblem(withProps({ severity: 'high' }), 'severity', /reserved/);
    expectProblem(withProps({ phone_numbers: ['1'] }), 'phone_numbers', /reserved/);
    expectProblem(withProps({ x_acme_list: [] }), 'x_acme_list', /empty list/);
    expectProblem(withProps({ x_acme_data_bin: 'not base64!' }), 'x_acme_data_bin', /base64/);
    expectProblem(withProps({ x_acme_data_hex: 'abc' }), 'x_acme_data_hex', /hex/);
    expectProblem(withProps({ x_acme_data_bin: '' }), 'x_acme_data_bin', /base64/);
    expectProblem(withProps({ x_acme_data_hex: '' }), 'x_acme_data_hex', /hex/);
  });
});

describe('custom object types', () => {
  it('validate their common properties as SDO-like or SCO-like', () => {
    const custom = { type: 'x-acme-widget', spec_version: '2.1', id: 'x-acme-widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created: '2018-08-20T12:00:00.000Z', modified: '2018-08-20T12:00:00.000Z', x_size: 3 };
    expect(problems(custom)).toEqual([]);
    expectProblem({ ...custom, modified: undefined }, 'modified', /required/);
    expect(problems({ type: 'x-acme-obs', id: 'x-acme-obs--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', value: 'v' })).toEqual([]);
  });
});

describe('extensions keys (STIX 2.1 §7.3)', () => {
  const ext = (extensions: unknown): Record<string, unknown> => withProps({ extensions });

  it('accept extension-definition ids with an extension_type, and -ext names', () => {
    expect(problems(ext({ 'extension-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f': { extension_type: 'property-extension', rank: 1 } }))).toEqual([]);
    expect(problems(ext({ 'x-acme-ext': { rank: 1 } }))).toEqual([]);
  });

  it('refuse other keys, empty payloads and bad extension types', () => {
    expectProblem(ext({}), 'extensions', /non-empty object/);
    expectProblem(ext({ acme: { rank: 1 } }), 'extensions.acme', /not an extension-definition id/);
    expectProblem(ext({ 'extension-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f': {} }), 'extensions.extension-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', /non-empty object/);
    expectProblem(ext({ 'extension-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f': { extension_type: 'new-thing' } }),
      'extensions.extension-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f.extension_type', /must be one of new-sdo/);
    expectProblem(ext({ 'extension-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f': { extension_type: 'property-extension', tags: [] } }),
      'extensions.extension-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f.tags', /empty list/);
    expectProblem(ext({ 'extension-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f': { extension_type: 'property-extension', Bad: 1 } }),
      'extensions.extension-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f.Bad', /valid property name/);
  });
});

describe('assertValidObject', () => {
  it('returns a valid object and throws invalid_stix naming the problem otherwise', () => {
    expect(assertValidObject(base()).id).toBe(ID);
    try {
      assertValidObject(withProps({ confidence: 101 }));
      expect.unreachable();
    } catch (error) {
      expect(isEntenteError(error) && error.code).toBe('invalid_stix');
      expect((error as Error).message).toContain(`${ID}: confidence must be an integer between 0 and 100`);
    }
  });
});

describe('validation of arbitrary JSON (property)', () => {
  it('never throws and names a property in every issue', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    const objectish = fc.record({ type: fc.constantFrom('identity', 'indicator', 'file', 'x-acme-thing', 'bundle'), id: fc.string() }, { requiredKeys: [] })
      .chain((head) => fc.dictionary(fc.string({ maxLength: 12 }), json, { maxKeys: 6 }).map((rest) => ({ ...rest, ...head })));
    fc.assert(fc.property(fc.oneof(json, objectish, fc.constant(base()).chain((b) => fc.dictionary(fc.constantFrom(...Object.keys(b), 'extensions', 'granular_markings', 'external_references'), json).map((d) => ({ ...b, ...d })))), (value) => {
      for (const issue of [...validateObject(value), ...validateBundle(value)]) {
        expect(issue.property.length).toBeGreaterThan(0);
        expect(issue.message.length).toBeGreaterThan(0);
      }
    }), { numRuns: 2000 });
  });
});
