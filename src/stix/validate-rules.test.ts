import { describe, expect, it } from 'vitest';
import { TLP1_MARKINGS, TLP2_MARKINGS, tlpMarkingId } from './tlp.js';
import { validateObject } from './validate.js';

// Type-specific rules of STIX 2.1, each with a valid and an invalid example.
const T = '2018-08-20T12:00:00.000Z';
const U = '8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f';
const V4 = '3f0c2a8e-1b2d-4e5f-8a9b-0c1d2e3f4a5b';
const V5 = '0de685c0-109a-5df3-a6b5-5173b55ba645';

function sdo(type: string, rest: Record<string, unknown>): Record<string, unknown> {
  return { type, spec_version: '2.1', id: `${type}--${U}`, created: T, modified: T, ...rest };
}
function sco(type: string, rest: Record<string, unknown>, uuid = U): Record<string, unknown> {
  return { type, spec_version: '2.1', id: `${type}--${uuid}`, ...rest };
}

function expectValid(object: Record<string, unknown>): void {
  expect(validateObject(object)).toEqual([]);
}

function expectProblem(object: Record<string, unknown>, property: string, message: RegExp): void {
  const issues = validateObject(object);
  const match = issues.find((i) => i.property === property && message.test(i.message));
  expect(match, `expected ${property} ~ ${message}; got ${JSON.stringify(issues)}`).toBeDefined();
}

describe('location (§4.10)', () => {
  it('needs region, country, or latitude and longitude', () => {
    expectValid(sdo('location', { region: 'eastern-europe' }));
    expectValid(sdo('location', { latitude: 43.3, longitude: 45.7 }));
    expectProblem(sdo('location', { name: 'Grozny', city: 'Grozny' }), 'region', /region, or country, or latitude \+ longitude/);
  });

  it('keeps latitude and longitude in range and together, precision only with both', () => {
    expectValid(sdo('location', { latitude: -90, longitude: 180, precision: 1000 }));
    expectProblem(sdo('location', { latitude: 91, longitude: 0 }), 'latitude', /between -90 and 90/);
    expectProblem(sdo('location', { latitude: 0, longitude: -180.5 }), 'longitude', /between -180 and 180/);
    expectProblem(sdo('location', { country: 'RU', latitude: 43.3 }), 'longitude', /required when latitude/);
    expectProblem(sdo('location', { country: 'RU', precision: 10 }), 'latitude', /required when precision/);
    expectProblem(sdo('location', { latitude: 1, longitude: 1, precision: -1 }), 'precision', /at least 0/);
  });
});

describe('identity (§4.5)', () => {
  it('takes identity_class and sectors from open vocabularies', () => {
    expectValid(sdo('identity', { name: 'X', identity_class: 'individual', sectors: ['government-national'] }));
    expectValid(sdo('identity', { name: 'X', identity_class: 'outlet' }));
    expectProblem(sdo('identity', { name: 'X', identity_class: ['individual'] }), 'identity_class', /must be a string/);
    expectProblem(sdo('identity', { name: 'X', sectors: 'media' }), 'sectors', /must be a list/);
  });
});

describe('indicator, campaign and other first/last rules', () => {
  it('valid_until is after valid_from', () => {
    const base = { pattern: "[url:value = 'x']", pattern_type: 'stix', valid_from: T };
    expectValid(sdo('indicator', { ...base, valid_until: '2018-08-21T00:00:00Z' }));
    expectProblem(sdo('indicator', { ...base, valid_until: T }), 'valid_until', /later than valid_from/);
  });

  it('a pattern of type stix must parse; other pattern languages are not checked', () => {
    const base = { pattern_type: 'stix', valid_from: T };
    expectValid(sdo('indicator', { ...base, pattern: "[ipv4-addr:value = '198.51.100.1']" }));
    expectProblem(sdo('indicator', { ...base, pattern: "ipv4-addr:value = '198.51.100.1'" }), 'pattern', /not a valid STIX pattern/);
    expectValid(sdo('indicator', { ...base, pattern_type: 'yara', pattern: 'rule x { condition: true }' }));
  });

  it('last_seen is not before first_seen', () => {
    for (const type of ['campaign', 'intrusion-set', 'threat-actor', 'infrastructure']) {
      expectValid(sdo(type, { name: 'n', first_seen: T, last_seen: T }));
      expectProblem(sdo(type, { name: 'n', first_seen: T, last_seen: '2018-08-19T00:00:00Z' }), 'last_seen', /later than or equal to first_seen/);
    }
    expectProblem(sdo('malware', { is_family: false, first_seen: T, last_seen: '2017-01-01T00:00:00Z' }), 'last_seen', /first_seen/);
  });
});

describe('malware and malware-analysis (§4.11, §4.12)', () => {
  it('a malware family needs a name', () => {
    expectValid(sdo('malware', { is_family: true, name: 'X' }));
    expectProblem(sdo('malware', { is_family: true }), 'name', /required when is_family is true/);
    expectProblem(sdo('malware', { is_family: 'yes' }), 'is_family', /true or false/);
    expectProblem(sdo('malware', { is_family: false, sample_refs: [`identity--${U}`] }), 'sample_refs[0]', /file or artifact/);
  });

  it('an analysis needs result or analysis_sco_refs', () => {
    expectValid(sdo('malware-analysis', { product: 'p', analysis_sco_refs: [`file--${U}`] }));
    expectProblem(sdo('malware-analysis', { product: 'p' }), 'result', /result, or analysis_sco_refs/);
    expectProblem(sdo('malware-analysis', { product: 'p', result: 'bad', host_vm_ref: `file--${U}` }), 'host_vm_ref', /software/);
  });
});

describe('observed-data, opinion, report, note, grouping', () => {
  const observed = { first_observed: T, last_observed: T, number_observed: 1 };

  it('observed-data has object_refs (SCOs/SROs) or objects, a count in range and ordered times', () => {
    expectValid(sdo('observed-data', { ...observed, objects: { 0: { type: 'file', id: `file--${U}`, name: 'a' } } }));
    expectProblem(sdo('observed-data', { ...observed, objects: { 0: { type: 'file', name: 'a' } } }), 'objects.0.id', /required/);
    expectProblem(sdo('observed-data', { ...observed, objects: { 0: { type: 'identity', id: `identity--${U}`, name: 'a' } } }), 'objects.0.type', /cyber-observable/);
    const addr = { type: 'email-addr', id: `email-addr--${U}`, value: 'a@example.org' };
    const message = (from: string): Record<string, unknown> => ({ type: 'email-message', id: `email-message--${V4}`, is_multipart: false, from_ref: from });
    expectValid(sdo('observed-data', { ...observed, objects: { 0: addr, 1: message('0') } }));
    expectProblem(sdo('observed-data', { ...observed, objects: { 0: addr, 1: message(`email-addr--${U}`) } }), 'objects.1.from_ref', /another entry of objects/);
    expectProblem(sdo('observed-data', observed), 'object_refs', /object_refs or objects/);
    expectProblem(sdo('observed-data', { ...observed, object_refs: [`file--${U}`], objects: { 0: { type: 'file' } } }), 'objects', /not be present together/);
    expectProblem(sdo('observed-data', { ...observed, object_refs: [`identity--${U}`] }), 'object_refs[0]', /must not refer to identity objects/);
    expectProblem(sdo('observed-data', { ...observed, number_observed: 0, object_refs: [`file--${U}`] }), 'number_observed', /between 1 and 999999999/);
    expectProblem(sdo('observed-data', { ...observed, last_observed: '2018-01-01T00:00:00Z', object_refs: [`file--${U}`] }), 'last_observed', /first_observed/);
  });

  it('opinion is one of the opinion-enum values', () => {
    expectValid(sdo('opinion', { opinion: 'strongly-agree', object_refs: [`report--${U}`] }));
    expectProblem(sdo('opinion', { opinion: 'maybe', object_refs: [`report--${U}`] }), 'opinion', /strongly-disagree, disagree, neutral, agree, strongly-agree/);
  });

  it('report, note and grouping need non-empty object_refs of identifiers', () => {
    expectProblem(sdo('report', { name: 'r', published: T, object_refs: [] }), 'object_refs', /empty list/);
    expectProblem(sdo('note', { content: 'c', object_refs: ['nope'] }), 'object_refs[0]', /STIX identifier/);
    expectProblem(sdo('grouping', { context: 'unspecified', object_refs: 'x' }), 'object_refs', /must be a list/);
    expectProblem(sdo('report', { name: 'r', published: '21 Aug 2018', object_refs: [`note--${U}`] }), 'published', /not a STIX timestamp/);
  });
});

describe('relationship and sighting (§5)', () => {
  const rel = { relationship_type: 'attributed-to', source_ref: `incident--${U}`, target_ref: `intrusion-set--${U}` };

  it('relationship types are lower-case words, refs point at SDOs/SCOs, stop_time after start_time', () => {
    expectValid(sdo('relationship', { ...rel, start_time: T, stop_time: '2018-08-21T00:00:00Z' }));
    expectProblem(sdo('relationship', { ...rel, relationship_type: 'Attributed To' }), 'relationship_type', /lower-case letters/);
    expectProblem(sdo('relationship', { ...rel, source_ref: `relationship--${U}` }), 'source_ref', /must not refer to relationship objects/);
    expectProblem(sdo('relationship', { ...rel, target_ref: `marking-definition--${U}` }), 'target_ref', /marking-definition/);
    expectProblem(sdo('relationship', { ...rel, start_time: T, stop_time: T }), 'stop_time', /later than start_time/);
  });

  it('sighting count is 0..999999999 and refs have the right types', () => {
    const s = { sighting_of_ref: `indicator--${U}` };
    expectValid(sdo('sighting', { ...s, count: 0, where_sighted_refs: [`location--${U}`], observed_data_refs: [`observed-data--${U}`] }));
    expectProblem(sdo('sighting', { ...s, count: 1_000_000_000 }), 'count', /between 0 and 999999999/);
    expectProblem(sdo('sighting', { ...s, where_sighted_refs: [`indicator--${U}`] }), 'where_sighted_refs[0]', /identity or location/);
    expectProblem(sdo('sighting', { ...s, observed_data_refs: [`report--${U}`] }), 'observed_data_refs[0]', /observed-data/);
    expectProblem(sdo('sighting', { sighting_of_ref: `sighting--${U}` }), 'sighting_of_ref', /must not refer to sighting objects/);
    expectProblem(sdo('sighting', { ...s, first_seen: T, last_seen: '2018-01-01T00:00:00Z' }), 'last_seen', /first_seen/);
  });
});

describe('marking-definition (§7.2)', () => {
  const md = (rest: Record<string, unknown>): Record<string, unknown> =>
    ({ type: 'marking-definition', spec_version: '2.1', id: `marking-definition--${U}`, created: T, ...rest });

  it('accepts the published TLP 1.0 and 2.0 objects', () => {
    for (const marking of [...TLP1_MARKINGS, ...Object.values(TLP2_MARKINGS)]) expectValid({ ...marking });
  });

  it('needs a definition unless an extension defines it; statements carry text', () => {
    expectValid(md({ name: 'Copyright', definition_type: 'statement', definition: { statement: '© entente' } }));
    expectProblem(md({ name: 'x' }), 'definition_type', /required unless/);
    expectProblem(md({ definition_type: 'statement', definition: { text: 'x' } }), 'definition.statement', /must be a string/);
  });

  it('refuses look-alikes of TLP markings and the reserved "tlp" type', () => {
    expectProblem({ ...TLP2_MARKINGS.red, name: 'TLP:CLEAR' }, 'id', /published TLP:RED marking/);
    expectProblem({ ...TLP1_MARKINGS[0], definition: { tlp: 'red' } }, 'id', /published TLP:WHITE/);
    expectProblem(md({ definition_type: 'tlp', name: 'TLP:WHITE', definition: { tlp: 'white' } }), 'definition_type', /reserved for the four TLP 1.0/);
    const forged = md({ name: 'TLP:CLEAR', extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: 'clear' } } });
    expectProblem(forged, 'id', /must be marking-definition--94868c89/);
    const wrongLevel = md({ extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: 'white' } } });
    expectProblem(wrongLevel, 'extensions.extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d.tlp_2_0', /clear, green, amber/);
  });

  it('must not mark itself', () => {
    const self = `marking-definition--${U}`;
    expectProblem(md({ definition_type: 'statement', definition: { statement: 's' }, object_marking_refs: [self] }), 'object_marking_refs[0]', /itself/);
    expectProblem(md({ definition_type: 'statement', definition: { statement: 's' }, granular_markings: [{ marking_ref: self, selectors: ['definition'] }] }),
      'granular_markings[0].marking_ref', /itself/);
  });

  it('the TLP 2.0 extension belongs on marking-definitions only', () => {
    expectProblem(sdo('identity', { name: 'n', extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: 'red' } } }),
      'extensions.extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d', /marking-definition objects only/);
    expectValid(sdo('identity', { name: 'n', object_marking_refs: [tlpMarkingId('red')] }));
  });
});

describe('extension-definition (§7.3) and language-content (§7.1)', () => {
  const ed = { created_by_ref: `identity--${U}`, name: 'x', schema: 's', version: '1' };

  it('extension_types come from the enum; extension_properties only for top-level extensions', () => {
    expectValid(sdo('extension-definition', { ...ed, extension_types: ['toplevel-property-extension'], extension_properties: ['x_a'] }));
    expectProblem(sdo('extension-definition', { ...ed, extension_types: ['sdo'] }), 'extension_types[0]', /new-sdo, new-sco/);
    expectProblem(sdo('extension-definition', { ...ed, extension_types: ['property-extension'], extension_properties: ['x_a'] }), 'extension_properties', /toplevel-property-extension/);
  });

  it('language-content keys are language tags and property names', () => {
    const lc = (contents: unknown): Record<string, unknown> => sdo('language-content', { object_ref: `report--${U}`, contents });
    expectValid(lc({ 'de-DE': { name: 'Bericht', description: 'Text' } }));
    expectProblem(lc({ german: { name: 'Bericht' } }), 'contents.german', /language tag/);
    expectProblem(lc({ de: { Name: 'Bericht' } }), 'contents.de.Name', /property name/);
    expectProblem(lc({ de: 'Bericht' }), 'contents.de', /must be an object/);
    expectProblem(sdo('language-content', { object_ref: `language-content--${U}`, contents: { de: { name: 'x' } } }), 'object_ref', /language-content/);
  });
});

describe('cyber-observable rules (§6)', () => {
  it('artifact: payload_bin or url + hashes; decryption_key needs an algorithm', () => {
    expectValid(sco('artifact', { url: 'https://x.example/a', hashes: { 'SHA-256': 'a'.repeat(64) } }));
    expectProblem(sco('artifact', { payload_bin: 'aGk=', url: 'https://x.example/a', hashes: { MD5: 'a'.repeat(32) } }), 'url', /not be present together/);
    expectProblem(sco('artifact', { url: 'https://x.example/a' }), 'hashes', /required when url/);
    expectProblem(sco('artifact', { payload_bin: 'aGk=', decryption_key: 'k' }), 'encryption_algorithm', /required when decryption_key/);
    expectProblem(sco('artifact', { payload_bin: '***' }), 'payload_bin', /base64/);
    expectProblem(sco('artifact', { payload_bin: 'aGk=', encryption_algorithm: 'ROT13' }), 'encryption_algorithm', /AES-256-GCM/);
  });

  it('SCOs without ID-contributing properties use UUIDv4; process always does', () => {
    expectValid(sco('process', { pid: 1 }, V4));
    expectProblem(sco('process', { pid: 1 }, V5), 'id', /UUIDv4/);
    expectValid(sco('user-account', { user_id: 'u' }, V5));
    expectProblem(sco('user-account', { display_name: 'u' }, V5), 'id', /UUIDv4/);
    expectValid(sco('user-account', { display_name: 'u' }, V4));
  });

  it('file needs hashes or name; hashes follow their algorithm', () => {
    expectValid(sco('file', { hashes: { 'SHA-1': 'a'.repeat(40) } }));
    expectProblem(sco('file', { size: 3 }), 'hashes', /hashes, or name/);
    expectProblem(sco('file', { name: 'a', hashes: { 'SHA-1': 'abc' } }), 'hashes.SHA-1', /valid SHA-1/);
    expectProblem(sco('file', { name: 'a', size: -1 }), 'size', /at least 0/);
    expectProblem(sco('file', { name: 'a', parent_directory_ref: `file--${U}` }), 'parent_directory_ref', /directory/);
  });

  it('network-traffic: a source or destination, ports in range, no end while active', () => {
    const nt = { protocols: ['tcp'], src_ref: `ipv4-addr--${U}` };
    expectValid(sco('network-traffic', { ...nt, src_port: 0, dst_port: 65535, is_active: false, start: T, end: T }));
    expectProblem(sco('network-traffic', { protocols: ['tcp'] }), 'src_ref', /src_ref, or dst_ref/);
    expectProblem(sco('network-traffic', { ...nt, dst_port: 70000 }), 'dst_port', /between 0 and 65535/);
    expectProblem(sco('network-traffic', { ...nt, is_active: true, end: T }), 'end', /not be present when is_active is true/);
    expectProblem(sco('network-traffic', { ...nt, start: T, end: '2018-01-01T00:00:00Z' }), 'end', /later than or equal to start/);
    expectProblem(sco('network-traffic', { ...nt, src_ref: `file--${U}` }), 'src_ref', /ipv4-addr or ipv6-addr/);
  });

  it('email-message: body or body_multipart per is_multipart; refs to email-addr', () => {
    expectValid(sco('email-message', { is_multipart: true, body_multipart: [{ body: 'x' }], from_ref: `email-addr--${U}` }));
    expectProblem(sco('email-message', { is_multipart: true, body: 'x' }), 'body', /is_multipart is true/);
    expectProblem(sco('email-message', { is_multipart: false, body_multipart: [{ body: 'x' }] }), 'body_multipart', /is_multipart is false/);
    expectProblem(sco('email-message', { is_multipart: false, to_refs: [`url--${U}`] }), 'to_refs[0]', /email-addr/);
    expectValid(sco('email-message', { is_multipart: false, additional_header_fields: { 'X-Mailer': 'm', Received: ['a', 'b'] } }));
    expectProblem(sco('email-message', { is_multipart: false, additional_header_fields: { Received: ['a'] } }), 'additional_header_fields.Received', /two or more strings/);
    expectProblem(sco('email-message', { is_multipart: true, body_multipart: [{ content_type: 'text/plain' }] }), 'body_multipart[0]', /exactly one of body and body_raw_ref/);
    expectProblem(sco('email-message', { is_multipart: true, body_multipart: [{ body: 'x', body_raw_ref: `artifact--${U}` }] }), 'body_multipart[0]', /exactly one/);
    expectProblem(sco('email-message', { is_multipart: true, body_multipart: [{ body_raw_ref: `url--${U}` }] }), 'body_multipart[0].body_raw_ref', /artifact or file/);
  });

  it('address formats', () => {
    expectProblem(sco('ipv4-addr', { value: '300.1.1.1' }), 'value', /IPv4/);
    expectValid(sco('ipv4-addr', { value: '10.0.0.0/8' }));
    expectProblem(sco('ipv6-addr', { value: 'not-an-address' }), 'value', /IPv6/);
    expectProblem(sco('mac-addr', { value: 'D2:FB:49:24:37:18' }), 'value', /lower-case hex/);
    expectProblem(sco('email-addr', { value: 'nobody' }), 'value', /e-mail address/);
    expectProblem(sco('url', { value: 'example.org' }), 'value', /absolute URL/);
    expectProblem(sco('autonomous-system', { number: 'AS1' }), 'number', /integer/);
  });

  it('SCOs with only optional properties need at least one; registry keys spell the hive out', () => {
    expectProblem(sco('x509-certificate', {}, V4), 'is_self_signed', /is missing/);
    expectProblem(sco('windows-registry-key', {}, V4), 'key', /is missing/);
    expectProblem(sco('windows-registry-key', { key: 'HKLM\\Software' }), 'key', /hive abbreviation/);
    expectValid(sco('windows-registry-key', { key: 'HKEY_LOCAL_MACHINE\\Run', values: [{ name: 'x', data_type: 'REG_SZ' }] }));
    expectProblem(sco('windows-registry-key', { values: [{ data_type: 'REG_TEXT' }] }), 'values[0].data_type', /REG_NONE/);
    expectProblem(sco('windows-registry-key', { values: [{}] }), 'values[0]', /at least one of name, data, data_type/);
    expectProblem(sco('user-account', {}, V4), 'extensions', /is missing/);
    expectProblem(sco('process', {}, V4), 'extensions', /is missing/);
  });

  it('software: CPE 2.3 names and known language tags', () => {
    expectValid(sco('software', { name: 'Telegram', cpe: 'cpe:2.3:a:telegram:telegram:4.8:*:*:*:*:*:*:*', languages: ['en', 'ru-RU'] }));
    expectProblem(sco('software', { name: 'Telegram', cpe: 'cpe:/a:telegram:telegram' }), 'cpe', /CPE 2.3/);
    expectProblem(sco('software', { name: 'Telegram', languages: ['english'] }), 'languages[0]', /language tag/);
  });

  it('x509 v3 extensions and ipfix have typed values', () => {
    expectValid(sco('x509-certificate', { x509_v3_extensions: { key_usage: 'critical', private_key_usage_period_not_after: T } }));
    expectProblem(sco('x509-certificate', { x509_v3_extensions: {} }), 'x509_v3_extensions', /at least one of basic_constraints/);
    expectProblem(sco('x509-certificate', { x509_v3_extensions: { key_usage: 3 } }), 'x509_v3_extensions.key_usage', /string/);
    const nt = { protocols: ['ipv4'], dst_ref: `ipv4-addr--${U}` };
    expectValid(sco('network-traffic', { ...nt, ipfix: { minimumIpTotalLength: 32, exportingProcessId: 'x' } }));
    expectProblem(sco('network-traffic', { ...nt, ipfix: { flags: ['a'] } }), 'ipfix.flags', /string or an integer/);
  });

  it('predefined -ext payloads follow the property rules and their own definitions', () => {
    const file = (ext: Record<string, unknown>): Record<string, unknown> => sco('file', { name: 'a', extensions: ext });
    expectValid(file({ 'ntfs-ext': { sid: '1', alternate_data_streams: [{ name: 's', size: 3 }] } }));
    expectProblem(file({ 'ntfs-ext': { alternate_data_streams: [] } }), 'extensions.ntfs-ext.alternate_data_streams', /empty list/);
    expectProblem(file({ 'ntfs-ext': { alternate_data_streams: [{ size: 3 }] } }), 'extensions.ntfs-ext.alternate_data_streams[0].name', /required/);
    expectProblem(file({ 'ntfs-ext': { note: 'x' } }), 'extensions.ntfs-ext', /at least one of sid, alternate_data_streams/);
    expectProblem(file({ 'archive-ext': { comment: 'x' } }), 'extensions.archive-ext.contains_refs', /required/);
    expectProblem(file({ 'windows-pebinary-ext': { pe_type: 'exe', time_date_stamp: '2018-08-20T12:00:00.5Z' } }),
      'extensions.windows-pebinary-ext.time_date_stamp', /whole seconds/);
    expectProblem(file({ 'pdf-ext': { document_info_dict: { Title: ['a', 'b'] } } }), 'extensions.pdf-ext.document_info_dict.Title', /must be a string/);
    const nt = (ext: Record<string, unknown>): Record<string, unknown> =>
      sco('network-traffic', { protocols: ['tcp'], dst_ref: `ipv4-addr--${U}`, extensions: ext });
    expectValid(nt({ 'http-request-ext': { request_method: 'get', request_value: '/claim' }, 'tcp-ext': { src_flags_hex: '02' } }));
    expectProblem(nt({ 'http-request-ext': { request_method: 'get' } }), 'extensions.http-request-ext.request_value', /required/);
    expectProblem(nt({ 'socket-ext': { address_family: 'AF_UNIX' } }), 'extensions.socket-ext.address_family', /AF_UNSPEC/);
    expectProblem(nt({ 'socket-ext': { address_family: 'AF_INET', options: { SO_TEST: 'on' } } }), 'extensions.socket-ext.options.SO_TEST', /integer/);
    expectProblem(nt({ 'icmp-ext': { icmp_type_hex: 'zz', icmp_code_hex: '00' } }), 'extensions.icmp-ext.icmp_type_hex', /hex/);
    expectProblem(sco('process', { pid: 1, extensions: { 'windows-process-ext': { integrity_level: 'root' } } }, V4),
      'extensions.windows-process-ext.integrity_level', /low, medium/);
    expectProblem(sco('user-account', { user_id: 'u', extensions: { 'unix-account-ext': { gid: 'staff' } } }), 'extensions.unix-account-ext.gid', /number/);
  });

  it('SCO spec_version is optional but must be 2.1; defanged is boolean', () => {
    const { spec_version: _sv, ...noVersion } = sco('mutex', { name: 'm' });
    expectValid(noVersion);
    expectProblem(sco('mutex', { name: 'm', spec_version: '2.0' }), 'spec_version', /"2.1"/);
    expectProblem(sco('mutex', { name: 'm', defanged: 1 }), 'defanged', /true or false/);
  });
});
