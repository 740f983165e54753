import { describe, expect, it } from 'vitest';
import { correctionRecord, incidentCorrection, recordedCorrectionsOf } from './correction-record.js';
import { CORRECTION_EXTENSION_ID, EXTENSION_SCHEMAS, INCIDENT_CORRECTION_FIELDS } from './extensions.js';
import { randomId } from './identifier.js';
import type { StixObject } from './stix-object.js';
import { validateObject } from './validate.js';

const INCIDENT = randomId('incident');

function note(entries: unknown[]): StixObject {
  return {
    type: 'note', spec_version: '2.1', id: randomId('note'), created: '2026-11-26T00:00:00.000Z', modified: '2026-11-26T00:00:00.000Z',
    abstract: 'Corrected by the analyst', content: 'Any words at all.', object_refs: [INCIDENT],
    extensions: { [CORRECTION_EXTENSION_ID]: { extension_type: 'property-extension', incident_corrections: entries } },
  };
}

describe('the correction record (entente-correction)', () => {
  it('reads back what it writes, leaving out values that were not there', () => {
    const written = [
      incidentCorrection(INCIDENT, 'wounded', undefined, 4),
      incidentCorrection(INCIDENT, 'victims_killed', 6, null),
      incidentCorrection(INCIDENT, 'attack_types', ['Armed Assault'], ['Bombing/Explosion']),
    ];
    expect(written[0]).toEqual({ incident_ref: INCIDENT, field: 'wounded', corrected_value: 4 });
    expect(written[1]).toEqual({ incident_ref: INCIDENT, field: 'victims_killed', extracted_value: 6 });
    const object = { ...note([]), extensions: correctionRecord(written) };
    expect(validateObject(object)).toEqual([]);
    expect(recordedCorrectionsOf(object, INCIDENT)).toEqual(written);
    expect(correctionRecord([])).toBeUndefined();
  });

  it('skips entries of another incident or with an unknown field', () => {
    const object = note([{ incident_ref: randomId('incident'), field: 'claimed', corrected_value: true }, { incident_ref: INCIDENT, field: 'colour', corrected_value: 'red' }]);
    expect(recordedCorrectionsOf(object, INCIDENT)).toEqual([]);
  });

  it('is validated as a closed shape', () => {
    const problems = validateObject(note([{ incident_ref: 'report--4c3e5f2a-9b1d-4e8f-a7c6-1d2e3f4a5b6c', field: 'colour', corrected_value: {} }])).map((i) => `${i.property} ${i.message}`);
    expect(problems.join('\n')).toMatch(/incident_corrections\[0\]\.incident_ref must be a incident id/);
    expect(problems.join('\n')).toMatch(/incident_corrections\[0\]\.field must be one of name, description/);
    expect(problems.join('\n')).toMatch(/incident_corrections\[0\]\.corrected_value must be a text/);
    expect(validateObject(note([])).length).toBeGreaterThan(0);
  });

  it('publishes a JSON Schema naming the same fields', () => {
    const items = (EXTENSION_SCHEMAS[CORRECTION_EXTENSION_ID].properties as { incident_corrections: { items: { properties: { field: { enum: string[] } } } } }).incident_corrections.items;
    expect(items.properties.field.enum).toEqual(INCIDENT_CORRECTION_FIELDS);
  });
});
