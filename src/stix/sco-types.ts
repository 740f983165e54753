import {
  exactlyOneOf, forbiddenWhen, mimePartBodies, randomIdUnless, registryKeyNotAbbreviated, requireOneOf, requiresWith, timeOrder,
} from './object-rules.js';
import type { ObjectTypeSpec } from './object-types.js';
import {
  bool, dict, hashes, int, list, oneOf, pattern, record, ref, refs, str, strs, ts, url, vocab,
} from './property-kinds.js';
import { ENCRYPTION_ALGORITHM_ENUM, WINDOWS_REGISTRY_DATATYPE_ENUM } from './vocabularies.js';

/**
 * The STIX 2.1 cyber-observable objects (§6): required properties, reference
 * types and the rules the OASIS schemas enforce. Extension payloads of SCOs
 * (ntfs-ext, http-request-ext, …) are checked only for shape (non-empty objects).
 */

const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\/(3[0-2]|[12]?\d))?$/u;
// Eight groups, or fewer with one "::"; optional CIDR suffix. Loose on purpose: the OASIS schema is looser still.
const IPV6 = /^(?=.*:)[0-9A-Fa-f:.]{2,45}(%[^/]+)?(\/(12[0-8]|1[01]\d|[1-9]?\d))?$/u;
const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/u;
const ENCODING = /^[a-zA-Z0-9/.+_:-]{2,250}$/u;
const MIME = /^(application|audio|font|image|message|model|multipart|text|video)\/[a-zA-Z0-9.+_-]+/u;
// CPE 2.3 formatted string (NISTIR 7695 §6.2), as the OASIS schema and validator require.
const CPE = /^cpe:2\.3:[aho*-](:(((\?*|\*?)([a-zA-Z0-9\-._]|(\\[\\*?!"#$%&'()+,/:;<=>@[\]^`{|}~]))+(\?*|\*?))|[*-])){5}(:(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[*-]))(:(((\?*|\*?)([a-zA-Z0-9\-._]|(\\[\\*?!"#$%&'()+,/:;<=>@[\]^`{|}~]))+(\?*|\*?))|[*-])){4}$/u;
const port = int(0, 65535);
/** STIX 2.1 §6.18.2 x509-v3-extensions-type. */
const X509_V3_EXTENSIONS = record({
  basic_constraints: str, name_constraints: str, policy_constraints: str, key_usage: str, extended_key_usage: str,
  subject_key_identifier: str, authority_key_identifier: str, subject_alternative_name: str,
  issuer_alternative_name: str, subject_directory_attributes: str, crl_distribution_points: str,
  inhibit_any_policy: str, private_key_usage_period_not_before: ts, private_key_usage_period_not_after: ts,
  certificate_policies: str, policy_mappings: str,
});
const count = int(0);

export const SCO_TYPES: readonly ObjectTypeSpec[] = [
  {
    type: 'artifact', category: 'sco', section: '6.1',
    required: {},
    optional: {
      mime_type: pattern(MIME, 'an IANA media type such as text/plain'), payload_bin: { kind: 'binary' }, url,
      hashes, encryption_algorithm: oneOf(ENCRYPTION_ALGORITHM_ENUM), decryption_key: str,
    },
    rules: [
      exactlyOneOf('payload_bin', 'url'), requiresWith('url', 'hashes'),
      requiresWith('decryption_key', 'encryption_algorithm'), randomIdUnless('hashes', 'payload_bin'),
    ],
  },
  {
    type: 'autonomous-system', category: 'sco', section: '6.2',
    required: { number: int(0) },
    optional: { name: str, rir: str },
  },
  {
    type: 'directory', category: 'sco', section: '6.3',
    required: { path: str },
    optional: {
      path_enc: pattern(ENCODING, 'an IANA character set name'), ctime: ts, mtime: ts, atime: ts,
      contains_refs: refs('file', 'directory'),
    },
  },
  {
    type: 'domain-name', category: 'sco', section: '6.4',
    required: { value: str },
    optional: { resolves_to_refs: refs('ipv4-addr', 'ipv6-addr', 'domain-name') },
  },
  {
    type: 'email-addr', category: 'sco', section: '6.5',
    required: { value: pattern(/^[^@\s]+@[^@\s]+$/u, 'an e-mail address (addr-spec)') },
    optional: { display_name: str, belongs_to_ref: ref('user-account') },
  },
  {
    type: 'email-message', category: 'sco', section: '6.6',
    required: { is_multipart: bool },
    optional: {
      date: ts, content_type: str, from_ref: ref('email-addr'), sender_ref: ref('email-addr'),
      to_refs: refs('email-addr'), cc_refs: refs('email-addr'), bcc_refs: refs('email-addr'), message_id: str,
      subject: str, received_lines: strs, additional_header_fields: { kind: 'dictionary', values: 'header-values' },
      body: str, body_multipart: list(record({
        body: str, body_raw_ref: ref('artifact', 'file'), content_type: str, content_disposition: str,
      })),
      raw_email_ref: ref('artifact'),
    },
    rules: [
      forbiddenWhen('body', 'is_multipart', true), forbiddenWhen('body_multipart', 'is_multipart', false), mimePartBodies,
      randomIdUnless('from_ref', 'subject', 'body'),
    ],
  },
  {
    type: 'file', category: 'sco', section: '6.7',
    required: {},
    optional: {
      hashes, size: count, name: str, name_enc: pattern(ENCODING, 'an IANA character set name'),
      magic_number_hex: { kind: 'hex' }, mime_type: str, ctime: ts, mtime: ts, atime: ts,
      parent_directory_ref: ref('directory'), contains_refs: refs(), content_ref: ref('artifact'),
    },
    rules: [requireOneOf('hashes', 'name')],
  },
  {
    type: 'ipv4-addr', category: 'sco', section: '6.8',
    required: { value: pattern(IPV4, 'a dotted-quad IPv4 address, optionally with /prefix') },
    optional: { resolves_to_refs: refs('mac-addr'), belongs_to_refs: refs('autonomous-system') },
  },
  {
    type: 'ipv6-addr', category: 'sco', section: '6.9',
    required: { value: pattern(IPV6, 'an IPv6 address, optionally with /prefix') },
    optional: { resolves_to_refs: refs('mac-addr'), belongs_to_refs: refs('autonomous-system') },
  },
  {
    type: 'mac-addr', category: 'sco', section: '6.10',
    required: { value: pattern(MAC, 'six lower-case hex pairs separated by colons') },
    optional: {},
  },
  {
    type: 'mutex', category: 'sco', section: '6.11',
    required: { name: str },
    optional: {},
  },
  {
    type: 'network-traffic', category: 'sco', section: '6.12',
    required: { protocols: strs },
    optional: {
      start: ts, end: ts, is_active: bool, src_ref: ref('ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'),
      dst_ref: ref('ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'), src_port: port, dst_port: port,
      src_byte_count: count, dst_byte_count: count, src_packets: count, dst_packets: count,
      ipfix: { kind: 'dictionary', values: 'string-or-integer' },
      src_payload_ref: ref('artifact'), dst_payload_ref: ref('artifact'), encapsulates_refs: refs('network-traffic'),
      encapsulated_by_ref: ref('network-traffic'),
    },
    rules: [requireOneOf('src_ref', 'dst_ref'), forbiddenWhen('end', 'is_active', true), timeOrder('end', '>=', 'start')],
  },
  {
    type: 'process', category: 'sco', section: '6.13',
    required: {},
    optional: {
      is_hidden: bool, pid: int(), created_time: ts, cwd: str, command_line: str, environment_variables: dict,
      opened_connection_refs: refs('network-traffic'), creator_user_ref: ref('user-account'), image_ref: ref('file'),
      parent_ref: ref('process'), child_refs: refs('process'),
    },
    rules: [
      requireOneOf('extensions', 'is_hidden', 'pid', 'created_time', 'cwd', 'command_line', 'environment_variables',
        'opened_connection_refs', 'creator_user_ref', 'image_ref', 'parent_ref', 'child_refs'),
      randomIdUnless(),
    ],
  },
  {
    type: 'software', category: 'sco', section: '6.14',
    required: { name: str },
    optional: {
      cpe: pattern(CPE, 'a CPE 2.3 formatted string such as cpe:2.3:a:telegram:telegram:4.8:*:*:*:*:*:*:*'),
      swid: str, languages: { kind: 'langs' }, vendor: str, version: str,
    },
  },
  {
    type: 'url', category: 'sco', section: '6.15',
    required: { value: url },
    optional: {},
  },
  {
    type: 'user-account', category: 'sco', section: '6.16',
    required: {},
    optional: {
      user_id: str, credential: str, account_login: str, account_type: vocab('account-type-ov'), display_name: str,
      is_service_account: bool, is_privileged: bool, can_escalate_privs: bool, is_disabled: bool,
      account_created: ts, account_expires: ts, credential_last_changed: ts, account_first_login: ts,
      account_last_login: ts,
    },
    rules: [
      requireOneOf('extensions', 'user_id', 'credential', 'account_login', 'account_type', 'display_name',
        'is_service_account', 'is_privileged', 'can_escalate_privs', 'is_disabled', 'account_created',
        'account_expires', 'credential_last_changed', 'account_first_login', 'account_last_login'),
      randomIdUnless('account_type', 'user_id', 'account_login'),
    ],
  },
  {
    type: 'windows-registry-key', category: 'sco', section: '6.17',
    required: {},
    optional: {
      key: str, values: list(record({ name: str, data: str, data_type: oneOf(WINDOWS_REGISTRY_DATATYPE_ENUM) })),
      modified_time: ts, creator_user_ref: ref('user-account'), number_of_subkeys: count,
    },
    rules: [
      requireOneOf('key', 'values', 'modified_time', 'creator_user_ref', 'number_of_subkeys'),
      registryKeyNotAbbreviated, randomIdUnless('key', 'values'),
    ],
  },
  {
    type: 'x509-certificate', category: 'sco', section: '6.18',
    required: {},
    optional: {
      is_self_signed: bool, hashes, version: str, serial_number: str, signature_algorithm: str, issuer: str,
      validity_not_before: ts, validity_not_after: ts, subject: str, subject_public_key_algorithm: str,
      subject_public_key_modulus: str, subject_public_key_exponent: int(0), x509_v3_extensions: X509_V3_EXTENSIONS,
    },
    rules: [
      requireOneOf('is_self_signed', 'hashes', 'version', 'serial_number', 'signature_algorithm', 'issuer',
        'validity_not_before', 'validity_not_after', 'subject', 'subject_public_key_algorithm',
        'subject_public_key_modulus', 'subject_public_key_exponent', 'x509_v3_extensions'),
      randomIdUnless('hashes', 'serial_number'),
    ],
  },
];
