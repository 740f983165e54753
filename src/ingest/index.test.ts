import { describe, expect, it } from 'vitest';
import { EntenteError } from '../errors.js';
import { INCIDENT_EXTENSION_ID, PROVENANCE_EXTENSION_ID, type IncidentExtension, type ProvenanceExtension } from '../stix/extensions.js';
import type { StixObject } from '../stix/stix-object.js';
import { validateBundle } from '../stix/validate.js';
import { ingestText } from './index.js';

const incidentsOf = (objects: readonly StixObject[]) => objects.filter((o) => o.type === 'incident')
  .map((o) => (o.extensions as Record<string, IncidentExtension>)[INCIDENT_EXTENSION_ID] as IncidentExtension);

describe('ingestText', () => {
  it('reads an HTML page: the report holds the article text and every span points into it', () => {
    const html = '<html><head><title>Blast at bus station</title></head><body><header>Daily Wire</header><article>'
      + '<p>KABUL, 3 March - A car bomb exploded outside a bus station in Kabul on Saturday, killing 11 passengers and wounding 26, '
      + 'the health ministry said.</p><p>The Taliban denied any role. No group has claimed the bombing.</p></article>'
      + '<footer>All rights reserved</footer></body></html>';
    const { bundle, summary, text } = ingestText(html, { outlet: 'Daily Wire', url: 'https://example.org/kabul', published: '2018-03-04' });
    expect(validateBundle(bundle)).toEqual([]);
    expect(summary.title).toBe('Blast at bus station');
    expect(text.startsWith('KABUL, 3 March')).toBe(true);
    expect(text).not.toContain('All rights reserved');
    const [incident] = incidentsOf(bundle.objects);
    expect(incident).toMatchObject({ event_date: '2018-03-03', date_precision: 'day', news_status: 'news', claimed: false });
    expect(incident?.victims_killed).toMatchObject({ low: 11, qualifier: 'exact' });
    expect(incident?.wounded).toMatchObject({ low: 26 });
    expect(incident?.target_types).toContain('Transportation');
    expect(summary.incidents[0]).toMatchObject({ place: 'Kabul', country: 'AF', sources: ['health ministry'] });
    for (const object of bundle.objects) {
      const provenance = (object.extensions as Record<string, ProvenanceExtension> | undefined)?.[PROVENANCE_EXTENSION_ID];
      for (const span of provenance?.evidence ?? []) expect(span.end).toBeLessThanOrEqual(text.length);
    }
  });

  it('reads a transcript of a speech about policy as quotes and people, with no incident', () => {
    const transcript = 'Official transcript: joint press conference, Madrid.\n'
      + 'Prime Minister Pedro Sánchez: Our services will exchange intelligence on returning fighters every week.\n'
      + 'King Mohammed VI: Morocco will do its part to prevent attacks against our peoples.';
    const { bundle, summary } = ingestText(transcript, { published: '2018-02-15' });
    expect(validateBundle(bundle)).toEqual([]);
    expect(summary.incidents).toEqual([]);
    expect(summary.quotes.map((q) => q.speaker)).toEqual(['Pedro Sánchez', 'Mohammed VI']);
    expect(summary.people.find((p) => p.name === 'Pedro Sánchez')?.roles).toEqual(['Prime Minister']);
  });

  it('gives deterministic ids to people, groups and places and random ids to report objects', () => {
    const text = 'Gunmen from al-Shabaab stormed a hotel in Mogadishu on Friday, killing 15 people, police said.';
    const first = ingestText(text, { published: '2019-02-02' }).bundle.objects;
    const second = ingestText(text, { published: '2019-02-02' }).bundle.objects;
    const idsOf = (objects: readonly StixObject[], type: string) => objects.filter((o) => o.type === type).map((o) => o.id);
    expect(idsOf(first, 'intrusion-set')).toEqual(idsOf(second, 'intrusion-set'));
    expect(idsOf(first, 'location')).toEqual(idsOf(second, 'location'));
    expect(idsOf(first, 'incident')).not.toEqual(idsOf(second, 'incident'));
  });

  it('declares every top-level custom property with a toplevel-property-extension published in the same bundle', () => {
    // The OASIS stix2-validator warns about an undeclared custom property (code 401, extensions-use).
    const text = 'Gunmen from al-Shabaab stormed a hotel in Mogadishu on Friday, killing 15 people, police said.';
    const objects = ingestText(text, { published: '2019-02-02' }).bundle.objects;
    const declared = new Map(objects.filter((o) => o.type === 'extension-definition')
      .map((o) => [o.id, { types: o.extension_types as string[], properties: (o.extension_properties ?? []) as string[] }]));
    const locations = objects.filter((o) => o.type === 'location');
    expect(locations.map((o) => o.x_opencti_location_type)).toContain('City');
    for (const object of objects) {
      const custom = Object.keys(object).filter((key) => key.startsWith('x_'));
      const extensions = (object.extensions ?? {}) as Record<string, { extension_type: string }>;
      const covered = Object.entries(extensions)
        .filter(([, entry]) => entry.extension_type === 'toplevel-property-extension')
        .flatMap(([id]) => (declared.get(id)?.types.includes('toplevel-property-extension') ? declared.get(id)?.properties ?? [] : []));
      expect(custom.filter((key) => !covered.includes(key)), `${object.type} ${object.id}`).toEqual([]);
    }
  });

  it('refuses a bad publication date with a message naming it', () => {
    expect(() => ingestText('A bomb exploded.', { published: 'next Tuesday' })).toThrow(EntenteError);
    expect(() => ingestText('A bomb exploded.', { published: 'next Tuesday' })).toThrow(/next Tuesday/u);
  });
});
