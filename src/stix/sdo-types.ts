import {
  exactlyOneOf, requireAnyGroup, requiredWhen, requireOneOf, requiresWith, stixPatternSyntax, timeOrder,
} from './object-rules.js';
import type { ObjectTypeSpec } from './object-types.js';
import {
  bool, dict, int, killChainPhases, num, oneOf, ref, refs, refsExcept, str, strs, ts, vocab, vocabs,
} from './property-kinds.js';
import { OPINION_ENUM } from './vocabularies.js';

/**
 * The 19 STIX 2.1 domain objects (§4), each described once: required and
 * optional type-specific properties and cross-property rules. Common properties
 * (§3.2) are added by `object-types.ts`.
 */

const seen = timeOrder('last_seen', '>=', 'first_seen');
const SDO_NAMES = [
  'attack-pattern', 'campaign', 'course-of-action', 'grouping', 'identity', 'incident', 'indicator', 'infrastructure',
  'intrusion-set', 'location', 'malware', 'malware-analysis', 'note', 'observed-data', 'opinion', 'report',
  'threat-actor', 'tool', 'vulnerability',
];

export const SDO_TYPES: readonly ObjectTypeSpec[] = [
  {
    type: 'attack-pattern', category: 'sdo', section: '4.1',
    required: { name: str },
    optional: { description: str, aliases: strs, kill_chain_phases: killChainPhases },
  },
  {
    type: 'campaign', category: 'sdo', section: '4.2',
    required: { name: str },
    optional: { description: str, aliases: strs, first_seen: ts, last_seen: ts, objective: str },
    rules: [seen],
  },
  {
    type: 'course-of-action', category: 'sdo', section: '4.3',
    required: { name: str },
    optional: { description: str },
  },
  {
    type: 'grouping', category: 'sdo', section: '4.4',
    required: { context: vocab('grouping-context-ov'), object_refs: refs() },
    optional: { name: str, description: str },
  },
  {
    type: 'identity', category: 'sdo', section: '4.5',
    required: { name: str },
    optional: {
      description: str, roles: strs, identity_class: vocab('identity-class-ov'),
      sectors: vocabs('industry-sector-ov'), contact_information: str,
    },
  },
  {
    type: 'incident', category: 'sdo', section: '4.6',
    required: { name: str },
    optional: { description: str, kill_chain_phases: killChainPhases },
  },
  {
    type: 'indicator', category: 'sdo', section: '4.7',
    required: { pattern: str, pattern_type: vocab('pattern-type-ov'), valid_from: ts },
    optional: {
      name: str, description: str, indicator_types: vocabs('indicator-type-ov'), pattern_version: str,
      valid_until: ts, kill_chain_phases: killChainPhases,
    },
    rules: [timeOrder('valid_until', '>', 'valid_from'), stixPatternSyntax],
  },
  {
    type: 'infrastructure', category: 'sdo', section: '4.8',
    required: { name: str },
    optional: {
      description: str, infrastructure_types: vocabs('infrastructure-type-ov'), aliases: strs,
      kill_chain_phases: killChainPhases, first_seen: ts, last_seen: ts,
    },
    rules: [seen],
  },
  {
    type: 'intrusion-set', category: 'sdo', section: '4.9',
    required: { name: str },
    optional: {
      description: str, aliases: strs, first_seen: ts, last_seen: ts, goals: strs,
      resource_level: vocab('attack-resource-level-ov'), primary_motivation: vocab('attack-motivation-ov'),
      secondary_motivations: vocabs('attack-motivation-ov'),
    },
    rules: [seen],
  },
  {
    type: 'location', category: 'sdo', section: '4.10',
    required: {},
    optional: {
      name: str, description: str, latitude: num(-90, 90), longitude: num(-180, 180), precision: num(0),
      region: vocab('region-ov'), country: str, administrative_area: str, city: str, street_address: str,
      postal_code: str,
    },
    rules: [
      requireAnyGroup([['region'], ['country'], ['latitude', 'longitude']]),
      requiresWith('latitude', 'longitude'),
      requiresWith('longitude', 'latitude'),
      requiresWith('precision', 'latitude', 'longitude'),
    ],
  },
  {
    type: 'malware', category: 'sdo', section: '4.11',
    required: { is_family: bool },
    optional: {
      name: str, description: str, malware_types: vocabs('malware-type-ov'), aliases: strs,
      kill_chain_phases: killChainPhases, first_seen: ts, last_seen: ts, operating_system_refs: refs('software'),
      architecture_execution_envs: vocabs('processor-architecture-ov'),
      implementation_languages: vocabs('implementation-language-ov'), capabilities: vocabs('malware-capabilities-ov'),
      sample_refs: refs('file', 'artifact'),
    },
    rules: [requiredWhen('name', 'is_family', true), seen],
  },
  {
    type: 'malware-analysis', category: 'sdo', section: '4.12',
    required: { product: str },
    optional: {
      version: str, host_vm_ref: ref('software'), operating_system_ref: ref('software'),
      installed_software_refs: refs('software'), configuration_version: str, modules: strs,
      analysis_engine_version: str, analysis_definition_version: str, submitted: ts, analysis_started: ts,
      analysis_ended: ts, result_name: str, result: vocab('malware-result-ov'), analysis_sco_refs: refs(),
      sample_ref: ref('file', 'network-traffic', 'artifact'),
    },
    rules: [requireOneOf('result', 'analysis_sco_refs')],
  },
  {
    type: 'note', category: 'sdo', section: '4.13',
    required: { content: str, object_refs: refs() },
    optional: { abstract: str, authors: strs },
  },
  {
    type: 'observed-data', category: 'sdo', section: '4.14',
    required: { first_observed: ts, last_observed: ts, number_observed: int(1, 999_999_999) },
    optional: { object_refs: refsExcept(...SDO_NAMES), objects: dict },
    // object_refs name SCOs and SROs only; `objects` is deprecated but still valid input.
    rules: [exactlyOneOf('object_refs', 'objects'), timeOrder('last_observed', '>=', 'first_observed')],
  },
  {
    type: 'opinion', category: 'sdo', section: '4.15',
    required: { opinion: oneOf(OPINION_ENUM), object_refs: refs() },
    optional: { explanation: str, authors: strs },
  },
  {
    type: 'report', category: 'sdo', section: '4.16',
    required: { name: str, published: ts, object_refs: refs() },
    optional: { description: str, report_types: vocabs('report-type-ov') },
  },
  {
    type: 'threat-actor', category: 'sdo', section: '4.17',
    required: { name: str },
    optional: {
      description: str, threat_actor_types: vocabs('threat-actor-type-ov'), aliases: strs, first_seen: ts,
      last_seen: ts, roles: vocabs('threat-actor-role-ov'), goals: strs,
      sophistication: vocab('threat-actor-sophistication-ov'), resource_level: vocab('attack-resource-level-ov'),
      primary_motivation: vocab('attack-motivation-ov'), secondary_motivations: vocabs('attack-motivation-ov'),
      personal_motivations: vocabs('attack-motivation-ov'),
    },
    rules: [seen],
  },
  {
    type: 'tool', category: 'sdo', section: '4.18',
    required: { name: str },
    optional: {
      description: str, tool_types: vocabs('tool-type-ov'), aliases: strs, kill_chain_phases: killChainPhases,
      tool_version: str,
    },
  },
  {
    type: 'vulnerability', category: 'sdo', section: '4.19',
    required: { name: str },
    optional: { description: str },
  },
];
