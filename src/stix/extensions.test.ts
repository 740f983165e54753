import { describe, expect, it } from 'vitest';
import { deterministicId } from './identifier.js';
import {
  ENTENTE_EXTENSIONS,
  ENTENTE_IDENTITY,
  INCIDENT_EXTENSION_ID,
  PROVENANCE_EXTENSION_ID,
  EXTENSION_SCHEMAS,
  withExtension,
} from './extensions.js';

describe('entente extension definitions', () => {
  it('derive every id deterministically from the extension name', () => {
    for (const def of ENTENTE_EXTENSIONS) {
      expect(def.id).toBe(deterministicId('extension-definition', { name: def.name }));
    }
    expect(ENTENTE_IDENTITY.id).toBe(deterministicId('identity', { name: 'entente', identity_class: 'organization' }));
  });

  it('are authored by the entente identity, versioned and point at their schema', () => {
    for (const def of ENTENTE_EXTENSIONS) {
      expect(def.created_by_ref).toBe(ENTENTE_IDENTITY.id);
      expect(def.version).toBe('1.0.0');
      expect(def.extension_types).toEqual(def.name === 'entente-location-type' ? ['toplevel-property-extension'] : ['property-extension']);
      expect(def.schema).toBe(`https://entente.dev/schemas/${def.name}/1.0.0`);
      expect(EXTENSION_SCHEMAS[def.id].$id).toBe(def.schema);
    }
  });

  it('withExtension adds a payload without touching the input or other extensions', () => {
    const incident = {
      type: 'incident',
      id: 'incident--8b1a4c9e-3f6d-4e2a-9c1b-2d3e4f5a6b7c',
      extensions: { [PROVENANCE_EXTENSION_ID]: { extension_type: 'property-extension', report_ref: 'report--8b1a4c9e-3f6d-4e2a-9c1b-2d3e4f5a6b7c', evidence: [] } },
    };
    const out = withExtension(incident, INCIDENT_EXTENSION_ID, {
      extension_type: 'property-extension',
      event_date: '2018-08-20',
      date_precision: 'day',
      news_status: 'news',
      attack_types: ['Armed Assault'],
      target_types: ['Police'],
      weapon_types: ['Firearms'],
    });
    expect(Object.keys(out.extensions)).toEqual([PROVENANCE_EXTENSION_ID, INCIDENT_EXTENSION_ID]);
    expect(Object.keys(incident.extensions)).toEqual([PROVENANCE_EXTENSION_ID]);
  });
});
