import {
  ATTRIBUTION_EXTENSION_ID, ENTENTE_IDENTITY, INCIDENT_EXTENSION_ID, LOCATION_TYPE_DECLARATION, PERSON_EXTENSION_ID,
  PROVENANCE_EXTENSION_ID, QUOTE_EXTENSION_ID,
} from './extensions.js';
import { deterministicId, randomId } from './identifier.js';
import type { StixObject } from './stix-object.js';
import { tlpMarkingId } from './tlp.js';

/**
 * Typical objects of the kinds entente produces (an incident coded with the
 * entente-incident extension, the group that claimed it, a person, a quote, a
 * place, the report they came from). Used by the tests, by the validation
 * benchmark and as worked examples of the conventions in DESIGN.md.
 */

const CREATED = '2018-08-20T18:04:05.123Z';
const REPORT_ID = 'report--4c3e5f2a-9b1d-4e8f-a7c6-1d2e3f4a5b6c';
const DW_ID = deterministicId('identity', { name: 'Deutsche Welle', identity_class: 'organization' });

function provenance(start: number, end: number): Record<string, unknown> {
  return {
    extension_type: 'property-extension',
    report_ref: REPORT_ID,
    evidence: [{ start, end }],
    source_refs: [DW_ID],
    source_names: ['Deutsche Welle'],
  };
}

export function sampleIncident(id = randomId('incident')): StixObject {
  return {
    type: 'incident',
    spec_version: '2.1',
    id,
    created: CREATED,
    modified: CREATED,
    created_by_ref: ENTENTE_IDENTITY.id,
    name: 'Attack on police in Chechnya, 20 August 2018',
    description: 'Attackers struck police posts in Chechnya; six servicemen were killed according to Deutsche Welle.',
    object_marking_refs: [tlpMarkingId('green')],
    lang: 'en',
    confidence: 70,
    extensions: {
      [INCIDENT_EXTENSION_ID]: {
        extension_type: 'property-extension',
        event_date: '2018-08-20',
        date_precision: 'day',
        news_status: 'news',
        attack_types: ['Armed Assault'],
        target_types: ['Police'],
        weapon_types: ['Firearms', 'Melee'],
        victims_killed: { low: 6, high: 6, qualifier: 'exact', text: 'six servicemen' },
        perpetrators_killed: { low: null, high: null, qualifier: 'unknown', text: '' },
        success: true,
        suicide: false,
        claimed: true,
      },
      [PROVENANCE_EXTENSION_ID]: provenance(120, 248),
    },
  };
}

export function sampleIntrusionSet(): StixObject {
  return {
    type: 'intrusion-set',
    spec_version: '2.1',
    id: deterministicId('intrusion-set', { name: 'Islamic State' }),
    created: CREATED,
    modified: CREATED,
    name: 'Islamic State',
    aliases: ['IS', 'ISIS', 'ISIL'],
    object_marking_refs: [tlpMarkingId('clear')],
  };
}

export function samplePerson(): StixObject {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: deterministicId('identity', { name: 'Ramzan Kadyrov', identity_class: 'individual' }),
    created: CREATED,
    modified: CREATED,
    name: 'Ramzan Kadyrov',
    identity_class: 'individual',
    roles: ['head of the Chechen Republic'],
    extensions: {
      [PERSON_EXTENSION_ID]: { extension_type: 'property-extension', aliases: ['Razman Kadyrov'] },
      [PROVENANCE_EXTENSION_ID]: provenance(900, 915),
    },
  };
}

export function sampleAttribution(incidentId: string, id = randomId('relationship')): StixObject {
  return {
    type: 'relationship',
    spec_version: '2.1',
    id,
    created: CREATED,
    modified: CREATED,
    relationship_type: 'attributed-to',
    source_ref: incidentId,
    target_ref: deterministicId('intrusion-set', { name: 'Islamic State' }),
    object_marking_refs: [tlpMarkingId('green')],
    extensions: {
      [ATTRIBUTION_EXTENSION_ID]: {
        extension_type: 'property-extension',
        attribution_type: 'claim',
        claim_channel: 'Amaq',
        claim_reported_by_ref: deterministicId('identity', { name: 'SITE Intelligence Group', identity_class: 'organization' }),
      },
      [PROVENANCE_EXTENSION_ID]: provenance(300, 380),
    },
  };
}

export function sampleQuote(): StixObject {
  return {
    type: 'note',
    spec_version: '2.1',
    id: randomId('note'),
    created: CREATED,
    modified: CREATED,
    content: 'an effective exchange of intelligence information in order to protect our nations',
    object_refs: [REPORT_ID],
    extensions: {
      [QUOTE_EXTENSION_ID]: {
        extension_type: 'property-extension',
        speaker_ref: deterministicId('identity', { name: 'Marine Le Pen', identity_class: 'individual' }),
        speaker_name: 'Marine Le Pen',
        quote: 'an effective exchange of intelligence information in order to protect our nations',
        kind: 'direct',
        span: { start: 40, end: 122 },
      },
    },
  };
}

export function sampleLocation(): StixObject {
  return {
    type: 'location',
    spec_version: '2.1',
    id: deterministicId('location', { name: 'Chechnya', x_opencti_location_type: 'Region' }),
    created: CREATED,
    modified: CREATED,
    name: 'Chechnya',
    country: 'RU',
    administrative_area: 'Chechen Republic',
    latitude: 43.4,
    longitude: 45.7,
    precision: 100000,
    x_opencti_location_type: 'Region',
    extensions: { ...LOCATION_TYPE_DECLARATION },
  };
}

export function sampleIdentity(id = randomId('identity')): StixObject {
  return {
    type: 'identity',
    spec_version: '2.1',
    id,
    created: CREATED,
    modified: '2018-08-21T09:00:00.000Z',
    name: 'Deutsche Welle',
    identity_class: 'organization',
    sectors: ['communications'],
    external_references: [{ source_name: 'website', url: 'https://www.dw.com/' }],
  };
}

export function sampleIndicator(id = randomId('indicator')): StixObject {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: CREATED,
    modified: CREATED,
    name: 'Propaganda channel domain',
    indicator_types: ['malicious-activity', 'attribution'],
    pattern: "[domain-name:value = 'example-propaganda.org']",
    pattern_type: 'stix',
    valid_from: '2018-08-20T00:00:00Z',
    kill_chain_phases: [{ kill_chain_name: 'lockheed-martin-cyber-kill-chain', phase_name: 'delivery' }],
    object_marking_refs: [tlpMarkingId('amber')],
    granular_markings: [{ marking_ref: tlpMarkingId('red'), selectors: ['pattern'] }],
    labels: ['propaganda'],
  };
}

export function sampleReport(objectRefs: readonly string[]): StixObject {
  return {
    type: 'report',
    spec_version: '2.1',
    id: REPORT_ID,
    created: CREATED,
    modified: CREATED,
    name: 'Le Pen and Putin call for intelligence exchange after attack in Chechnya',
    published: '2018-08-21T07:30:00Z',
    report_types: ['threat-report'],
    object_refs: [...objectRefs],
    lang: 'en',
  };
}
