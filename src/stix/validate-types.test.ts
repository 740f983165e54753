import { describe, expect, it } from 'vitest';
import { OBJECT_TYPES } from './object-types.js';
import { validateObject } from './validate.js';

// One minimal valid object per STIX 2.1 type in the table; the test below then
// removes each required property in turn and expects an issue naming it.
const T = '2018-08-20T12:00:00.000Z';
const sdo = (type: string, uuid: string, rest: Record<string, unknown>): Record<string, unknown> => ({
  type, spec_version: '2.1', id: `${type}--${uuid}`, created: T, modified: T, ...rest,
});
const sco = (type: string, uuid: string, rest: Record<string, unknown>): Record<string, unknown> => ({
  type, spec_version: '2.1', id: `${type}--${uuid}`, ...rest,
});
const U = '8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f';
const IDENTITY = `identity--${U}`;
const FILE = `file--${U}`;

const MINIMAL: Record<string, Record<string, unknown>> = {
  'attack-pattern': sdo('attack-pattern', U, { name: 'Spearphishing' }),
  campaign: sdo('campaign', U, { name: 'Summer offensive' }),
  'course-of-action': sdo('course-of-action', U, { name: 'Harden checkpoints' }),
  grouping: sdo('grouping', U, { context: 'suspicious-activity', object_refs: [IDENTITY] }),
  identity: sdo('identity', U, { name: 'Deutsche Welle' }),
  incident: sdo('incident', U, { name: 'Attack in Grozny' }),
  indicator: sdo('indicator', U, { pattern: "[url:value = 'http://x.example/']", pattern_type: 'stix', valid_from: T }),
  infrastructure: sdo('infrastructure', U, { name: 'Relay' }),
  'intrusion-set': sdo('intrusion-set', U, { name: 'Islamic State' }),
  location: sdo('location', U, { country: 'RU' }),
  malware: sdo('malware', U, { is_family: false }),
  'malware-analysis': sdo('malware-analysis', U, { product: 'sandbox', result: 'malicious' }),
  note: sdo('note', U, { content: 'text', object_refs: [IDENTITY] }),
  'observed-data': sdo('observed-data', U, { first_observed: T, last_observed: T, number_observed: 1, object_refs: [FILE] }),
  opinion: sdo('opinion', U, { opinion: 'agree', object_refs: [IDENTITY] }),
  report: sdo('report', U, { name: 'Report', published: T, object_refs: [IDENTITY] }),
  'threat-actor': sdo('threat-actor', U, { name: 'Someone' }),
  tool: sdo('tool', U, { name: 'Telegram' }),
  vulnerability: sdo('vulnerability', U, { name: 'CVE-2017-0144' }),
  relationship: sdo('relationship', U, { relationship_type: 'attributed-to', source_ref: `incident--${U}`, target_ref: `intrusion-set--${U}` }),
  sighting: sdo('sighting', U, { sighting_of_ref: `indicator--${U}` }),
  'language-content': sdo('language-content', U, { object_ref: `report--${U}`, contents: { fr: { name: 'Rapport' } } }),
  'marking-definition': {
    type: 'marking-definition', spec_version: '2.1', id: `marking-definition--${U}`, created: T,
    definition_type: 'statement', definition: { statement: 'Copyright entente' },
  },
  'extension-definition': sdo('extension-definition', U, {
    created_by_ref: IDENTITY, name: 'x', schema: 'https://example.org/s', version: '1.0.0', extension_types: ['property-extension'],
  }),
  artifact: sco('artifact', U, { payload_bin: 'aGVsbG8=' }),
  'autonomous-system': sco('autonomous-system', U, { number: 15169 }),
  directory: sco('directory', U, { path: '/tmp' }),
  'domain-name': sco('domain-name', U, { value: 'example.org' }),
  'email-addr': sco('email-addr', U, { value: 'press@example.org' }),
  'email-message': sco('email-message', U, { is_multipart: false }),
  file: sco('file', U, { name: 'claim.pdf' }),
  'ipv4-addr': sco('ipv4-addr', U, { value: '198.51.100.3' }),
  'ipv6-addr': sco('ipv6-addr', U, { value: '2001:db8::1' }),
  'mac-addr': sco('mac-addr', U, { value: 'd2:fb:49:24:37:18' }),
  mutex: sco('mutex', U, { name: '__mutex__' }),
  'network-traffic': sco('network-traffic', U, { protocols: ['tcp'], dst_ref: `ipv4-addr--${U}` }),
  process: sco('process', U, { pid: 1234 }),
  software: sco('software', U, { name: 'Telegram' }),
  url: sco('url', U, { value: 'https://example.org/claim' }),
  'user-account': sco('user-account', U, { user_id: 'amaq' }),
  'windows-registry-key': sco('windows-registry-key', U, { key: 'HKEY_LOCAL_MACHINE\\System' }),
  'x509-certificate': sco('x509-certificate', U, { serial_number: '36:f7:d4:32' }),
};

describe('the type table', () => {
  it('describes all 19 SDOs, both SROs, the meta objects and the 18 common SCOs', () => {
    const names = OBJECT_TYPES.map((t) => t.type).sort();
    expect(names).toEqual(Object.keys(MINIMAL).sort());
    expect(OBJECT_TYPES.filter((t) => t.category === 'sdo')).toHaveLength(19);
    expect(OBJECT_TYPES.filter((t) => t.category === 'sco')).toHaveLength(18);
  });

  for (const spec of OBJECT_TYPES) {
    const minimal = MINIMAL[spec.type] as Record<string, unknown>;

    it(`accepts a minimal ${spec.type}`, () => {
      expect(validateObject(minimal)).toEqual([]);
    });

    it(`names each missing required property of ${spec.type}`, () => {
      for (const property of Object.keys(spec.required)) {
        const { [property]: _removed, ...rest } = minimal;
        const issues = validateObject(rest);
        expect(issues.some((i) => i.property === property && /required/.test(i.message)), `${spec.type} without ${property}`).toBe(true);
      }
    });

    it(`requires the common properties of ${spec.type}`, () => {
      const common = spec.category === 'sco' ? ['type', 'id'] : spec.type === 'marking-definition'
        ? ['type', 'spec_version', 'id', 'created'] : ['type', 'spec_version', 'id', 'created', 'modified'];
      for (const property of common) {
        const { [property]: _removed, ...rest } = minimal;
        const issues = validateObject(rest);
        expect(issues.some((i) => i.property === property), `${spec.type} without ${property}`).toBe(true);
      }
    });
  }
});
