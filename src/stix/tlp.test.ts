import { describe, expect, it } from 'vitest';
import {
  OPENCTI_AMBER_STRICT_ID,
  TLP1_MARKINGS,
  TLP2_MARKINGS,
  TLP_LEVELS,
  compareTlp,
  granularMarkingRefs,
  isTlpMarkingId,
  tlpLevelOf,
  tlpLevelOfMarkingId,
  tlpMarkingId,
} from './tlp.js';

// Facts copied from oasis-open/cti-stix-common-objects (objects/marking-definition/ and
// extension-definition-specifications/tlp-2.0/examples/).
const PUBLISHED: Array<[string, string, string]> = [
  ['clear', '94868c89-83c2-464b-929b-a1a8aa3c8487', 'TLP:CLEAR'],
  ['green', 'bab4a63c-aed9-4cf5-a766-dfca5abac2bb', 'TLP:GREEN'],
  ['amber', '55d920b0-5e8b-4f79-9ee9-91f868d9b421', 'TLP:AMBER'],
  ['amber+strict', '939a9414-2ddd-4d32-a0cd-375ea402b003', 'TLP:AMBER+STRICT'],
  ['red', 'e828b379-4e03-4974-9ac4-e53a884c97c1', 'TLP:RED'],
];

describe('TLP 2.0 marking definitions', () => {
  it('pin every id and equal the published objects', () => {
    for (const [level, uuid, name] of PUBLISHED) {
      const id = `marking-definition--${uuid}`;
      expect(tlpMarkingId(level as never)).toBe(id);
      expect(TLP2_MARKINGS[level as keyof typeof TLP2_MARKINGS]).toEqual({
        type: 'marking-definition',
        spec_version: '2.1',
        id,
        created: '2022-10-01T00:00:00.000Z',
        name,
        extensions: {
          'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: level },
        },
      });
    }
  });

  it('pin the TLP 1.0 objects of STIX 2.1 §7.2.1.4', () => {
    const expected = [
      ['613f2e26-407d-48c7-9eca-b8e91df99dc9', 'white'],
      ['34098fce-860f-48ae-8e50-ebd3cc5e41da', 'green'],
      ['f88d31f6-486f-44da-b317-01333bde0b82', 'amber'],
      ['5e57c739-391a-4eb3-b6be-7d15ca92d5ed', 'red'],
    ];
    expect(TLP1_MARKINGS).toEqual(expected.map(([uuid, colour]) => ({
      type: 'marking-definition',
      spec_version: '2.1',
      id: `marking-definition--${uuid}`,
      created: '2017-01-20T00:00:00.000Z',
      definition_type: 'tlp',
      name: `TLP:${(colour as string).toUpperCase()}`,
      definition: { tlp: colour },
    })));
  });
});

describe('TLP levels', () => {
  it('maps TLP 1.0, 2.0 and OpenCTI ids to levels', () => {
    expect(tlpLevelOfMarkingId('marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9')).toBe('clear');
    expect(tlpLevelOfMarkingId('marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da')).toBe('green');
    expect(tlpLevelOfMarkingId('marking-definition--f88d31f6-486f-44da-b317-01333bde0b82')).toBe('amber');
    expect(tlpLevelOfMarkingId('marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed')).toBe('red');
    expect(tlpLevelOfMarkingId(OPENCTI_AMBER_STRICT_ID)).toBe('amber+strict');
    for (const level of TLP_LEVELS) expect(tlpLevelOfMarkingId(tlpMarkingId(level))).toBe(level);
    expect(isTlpMarkingId('marking-definition--00000000-0000-4000-8000-000000000000')).toBe(false);
  });

  it('takes the most restrictive level, unknown for any non-TLP ref, undefined for none', () => {
    expect(tlpLevelOf([tlpMarkingId('green'), tlpMarkingId('amber')])).toBe('amber');
    expect(tlpLevelOf([tlpMarkingId('red'), 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da'])).toBe('red');
    expect(tlpLevelOf([tlpMarkingId('clear')])).toBe('clear');
    expect(tlpLevelOf([tlpMarkingId('clear'), 'marking-definition--0c1b4f6e-8e3a-4a4b-9f0e-2b1e5d3c4a5f'])).toBe('unknown');
    expect(tlpLevelOf([])).toBeUndefined();
    expect(tlpLevelOf(undefined)).toBeUndefined();
  });

  it('passes over the refs given as statements, and never reads a TLP id as one', () => {
    const statement = 'marking-definition--0c1b4f6e-8e3a-4a4b-9f0e-2b1e5d3c4a5f';
    const other = 'marking-definition--7a1d1a3e-2f58-4b43-9d3e-3a4a0e1c2b3d';
    const statements = new Set([statement, tlpMarkingId('red')]);
    expect(tlpLevelOf([tlpMarkingId('green'), statement], statements)).toBe('green');
    expect(tlpLevelOf([statement, 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82'], statements)).toBe('amber');
    expect(tlpLevelOf([statement], statements)).toBeUndefined();
    expect(tlpLevelOf([tlpMarkingId('green'), statement, other], statements)).toBe('unknown');
    expect(tlpLevelOf([tlpMarkingId('green'), tlpMarkingId('red')], statements)).toBe('red');
    expect(tlpLevelOf([tlpMarkingId('green'), statement])).toBe('unknown');
  });

  it('reads the marking_ref of each granular marking, passing over language markings and anything else', () => {
    const red = tlpMarkingId('red');
    const other = 'marking-definition--7a1d1a3e-2f58-4b43-9d3e-3a4a0e1c2b3d';
    expect(granularMarkingRefs([{ marking_ref: red, selectors: ['description'] }, { lang: 'fr', selectors: ['name'] }, { marking_ref: other, selectors: ['name'] }])).toEqual([red, other]);
    expect(granularMarkingRefs([null, 'x', { marking_ref: 3 }])).toEqual([]);
    expect(granularMarkingRefs(undefined)).toEqual([]);
    expect(granularMarkingRefs({ marking_ref: red })).toEqual([]);
  });

  it('orders levels', () => {
    expect(compareTlp('clear', 'red')).toBeLessThan(0);
    expect(compareTlp('amber+strict', 'amber')).toBeGreaterThan(0);
    expect(compareTlp('green', 'green')).toBe(0);
  });
});
