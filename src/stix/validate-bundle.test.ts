import { describe, expect, it } from 'vitest';
import { isEntenteError } from '../errors.js';
import { ENTENTE_EXTENSIONS, ENTENTE_IDENTITY } from './extensions.js';
import { sampleIdentity, sampleIncident, sampleReport } from './sample-objects.js';
import { TLP2_MARKINGS } from './tlp.js';
import { assertValidBundle, validateBundle } from './validate.js';

const BUNDLE_ID = 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d';
const INCIDENT = 'incident--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f';

describe('validateBundle (STIX 2.1 §8)', () => {
  it('accepts a bundle of valid objects, including the published definitions', () => {
    const bundle = {
      type: 'bundle',
      id: BUNDLE_ID,
      objects: [sampleIncident(INCIDENT), sampleReport([INCIDENT]), ENTENTE_IDENTITY, ...ENTENTE_EXTENSIONS, TLP2_MARKINGS.green],
    };
    expect(validateBundle(bundle)).toEqual([]);
    expect(assertValidBundle(bundle).objects).toHaveLength(11);
  });

  it('accepts a bundle without objects', () => {
    expect(validateBundle({ type: 'bundle', id: BUNDLE_ID })).toEqual([]);
  });

  it('checks the envelope', () => {
    expect(validateBundle([])).toEqual([{ objectId: '(no id)', property: '(bundle)', message: 'a bundle must be a JSON object, not a list' }]);
    const issues = validateBundle({ type: 'collection', id: 'report--5d0092c5-5f74-4287-9642-33f4c354e56d', spec_version: '2.0', objects: [] });
    expect(issues.map((i) => i.property)).toEqual(['type', 'id', 'spec_version', 'objects']);
    expect(validateBundle({ type: 'bundle', id: BUNDLE_ID, objects: {} })[0]?.message).toMatch(/list of STIX objects/);
  });

  it('reports every invalid object by id and keeps the others silent', () => {
    const bad = { ...sampleIdentity('identity--0de685c0-109a-5df3-a6b5-5173b55ba645'), confidence: 500 };
    const issues = validateBundle({ type: 'bundle', id: BUNDLE_ID, objects: [sampleIncident(INCIDENT), bad, 'junk'] });
    expect(issues).toEqual([
      { objectId: 'identity--0de685c0-109a-5df3-a6b5-5173b55ba645', property: 'confidence', message: 'must be an integer between 0 and 100, not number 500' },
      { objectId: '(no id)', property: '(object)', message: 'a STIX object must be a JSON object, not the string "junk"' },
    ]);
    try {
      assertValidBundle({ type: 'bundle', id: BUNDLE_ID, objects: [bad] });
      expect.unreachable();
    } catch (error) {
      expect(isEntenteError(error) && error.code).toBe('invalid_stix');
      expect(isEntenteError(error) && error.details?.issues).toHaveLength(1);
    }
  });
});
