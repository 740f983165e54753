import { describe, expect, it } from 'vitest';
import { recordedCorrectionsOf } from '../../stix/correction-record.js';
import { CORRECTION_EXTENSION_ID, type CorrectionExtension } from '../../stix/extensions.js';
import { deterministicId } from '../../stix/identifier.js';
import { sampleAttribution, sampleIncident, sampleReport } from '../../stix/sample-objects.js';
import type { StixObject } from '../../stix/stix-object.js';
import { validateObject } from '../../stix/validate.js';
import { applyCorrections } from './ingest-corrections.js';

/**
 * applyCorrections on a small bundle: references are followed through `*_ref`
 * and `*_refs` properties at any depth, never through text that happens to
 * hold an id; the note records each incident field as structured data.
 */

const CREATED = '2018-08-20T18:04:05.123Z';
const SITE = deterministicId('identity', { name: 'SITE Intelligence Group', identity_class: 'organization' });
const OUTLET = deterministicId('identity', { name: 'Old Outlet', identity_class: 'organization' });

function bundle(): { incident: StixObject; report: StixObject; objects: StixObject[] } {
  const incident = sampleIncident();
  const attribution = sampleAttribution(incident.id);
  const site: StixObject = { type: 'identity', spec_version: '2.1', id: SITE, created: CREATED, modified: CREATED, name: 'SITE Intelligence Group', identity_class: 'organization' };
  const outlet: StixObject = { type: 'identity', spec_version: '2.1', id: OUTLET, created: CREATED, modified: CREATED, name: 'Old Outlet', identity_class: 'organization', description: 'News outlet' };
  const report: StixObject = { ...sampleReport([incident.id, attribution.id, SITE]), created_by_ref: OUTLET, external_references: [{ source_name: 'Old Outlet' }] };
  // An analyst's comment whose text is nothing but ids: text, not references.
  const comment: StixObject = { type: 'note', spec_version: '2.1', id: 'note--5d1b2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', created: CREATED, modified: CREATED, content: OUTLET, abstract: SITE, object_refs: [report.id] };
  return { incident, report, objects: [report, incident, attribution, site, outlet, comment] };
}

describe('applyCorrections', () => {
  it('rewrites the references to a renamed entity nested in extensions, and leaves a text holding its id alone', () => {
    const { objects } = bundle();
    const { objects: out } = applyCorrections(objects, [{ objectId: SITE, field: 'name', value: 'SITE Intel' }], 'analyst');
    const renamed = deterministicId('identity', { name: 'SITE Intel', identity_class: 'organization' });
    expect(out.some((o) => o.id === SITE)).toBe(false);
    const attribution = out.find((o) => o.type === 'relationship') as StixObject;
    expect(JSON.stringify(attribution.extensions)).toContain(`"claim_reported_by_ref":"${renamed}"`);
    expect(String(attribution.modified) > CREATED).toBe(true);
    expect((out.find((o) => o.type === 'report') as StixObject).object_refs).toContain(renamed);
    const comment = out.find((o) => o.type === 'note') as StixObject;
    expect(comment.abstract).toBe(SITE);
    expect(comment.modified).toBe(CREATED);
  });

  it('drops the replaced outlet when only a text, not a reference, names it', () => {
    const { objects, report } = bundle();
    const { objects: out } = applyCorrections(objects, [{ objectId: report.id, field: 'outlet', value: 'DW' }], 'analyst');
    expect(out.some((o) => o.id === OUTLET)).toBe(false);
    expect((out.find((o) => o.id === report.id) as StixObject).created_by_ref).toBe(deterministicId('identity', { name: 'DW', identity_class: 'organization' }));
    expect((out.find((o) => o.type === 'note') as StixObject).content).toBe(OUTLET);
  });

  it('records each incident field corrected, with what the extraction said, as structured data on a valid note', () => {
    const { objects, incident } = bundle();
    const { objects: out, record } = applyCorrections(objects, [
      { objectId: incident.id, field: 'victims_killed', value: 7 },
      { objectId: incident.id, field: 'wounded', value: 3 },
      { objectId: incident.id, field: 'perpetrators_killed', value: null },
      { objectId: incident.id, field: 'claimed', value: false },
      { objectId: incident.id, field: 'attack_types', value: ['Bombing/Explosion'] },
      { objectId: incident.id, field: 'name', value: 'Bombing in Chechnya' },
      { objectId: SITE, field: 'name', value: 'SITE Intel' },
    ], 'analyst');
    expect(record).toBeDefined();
    const note = record as StixObject;
    expect(validateObject(note)).toEqual([]);
    expect((note.extensions as Record<string, CorrectionExtension>)[CORRECTION_EXTENSION_ID]?.incident_corrections).toEqual([
      { incident_ref: incident.id, field: 'victims_killed', extracted_value: 6, corrected_value: 7 },
      { incident_ref: incident.id, field: 'wounded', corrected_value: 3 },
      { incident_ref: incident.id, field: 'perpetrators_killed' },
      { incident_ref: incident.id, field: 'claimed', extracted_value: true, corrected_value: false },
      { incident_ref: incident.id, field: 'attack_types', extracted_value: ['Armed Assault'], corrected_value: ['Bombing/Explosion'] },
      { incident_ref: incident.id, field: 'name', extracted_value: 'Attack on police in Chechnya, 20 August 2018', corrected_value: 'Bombing in Chechnya' },
    ]);
    expect(recordedCorrectionsOf(note, incident.id).map((c) => c.field)).toEqual(['victims_killed', 'wounded', 'perpetrators_killed', 'claimed', 'attack_types', 'name']);
    expect(recordedCorrectionsOf(note, sampleIncident().id)).toEqual([]);
    // The definition of the note's extension is published with it.
    expect(out.filter((o) => o.id === CORRECTION_EXTENSION_ID)).toHaveLength(1);
  });

  it('records nothing about an incident dropped afterwards', () => {
    const { objects, incident } = bundle();
    const { record } = applyCorrections(objects, [
      { objectId: incident.id, field: 'claimed', value: false },
      { objectId: incident.id, field: 'drop', value: true },
    ], 'analyst');
    expect(record?.content).toContain('dropped by the analyst');
    expect(record?.extensions).toBeUndefined();
  });
});
