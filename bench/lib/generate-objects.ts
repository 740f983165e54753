import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { once } from 'node:events';

/**
 * Deterministic, valid STIX 2.1 objects for the benchmarks: a mix of the
 * types entente stores (indicators, identities, incidents, relationships,
 * malware, intrusion sets, locations, notes), 300–700 bytes each, with
 * UUIDv4-shaped ids derived from the index so two runs produce the same file.
 */
const TYPES = [
  'indicator', 'indicator', 'indicator', 'indicator', 'identity', 'identity',
  'incident', 'relationship', 'relationship', 'malware', 'intrusion-set', 'location', 'note',
] as const;

const EPOCH = Date.UTC(2025, 0, 1);

function uuidFor(i: number, salt: number): string {
  const a = (i * 2654435761 + salt) >>> 0;
  const b = (i ^ 0x5bd1e995) >>> 0;
  const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0').slice(-w);
  return `${hex(a, 8)}-${hex(i >>> 16, 4)}-4${hex(i & 0xfff, 3)}-${hex(0x8000 | (b & 0x3fff), 4)}-${hex(salt, 4)}${hex(i, 8)}`;
}

export function stixId(type: string, i: number): string {
  return `${type}--${uuidFor(i, 0xe17e)}`;
}

function timestamp(i: number): string {
  return new Date(EPOCH + i * 1_000).toISOString();
}

export function typeOf(i: number): string {
  return TYPES[i % TYPES.length] ?? 'indicator';
}

/** The i-th benchmark object. */
export function benchObject(i: number): Record<string, unknown> {
  const type = typeOf(i);
  const id = stixId(type, i);
  const t = timestamp(i);
  const base = { type, spec_version: '2.1', id, created: t, modified: t };
  const identity = stixId('identity', i - (i % TYPES.length) + 4);
  switch (type) {
    case 'indicator':
      return {
        ...base,
        created_by_ref: identity,
        name: `Infrastructure address ${i}`,
        description: 'Address observed serving propaganda material and coordinating logistics for the group.',
        indicator_types: ['malicious-activity', 'attribution'],
        pattern: `[ipv4-addr:value = '10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}']`,
        pattern_type: 'stix',
        valid_from: t,
        labels: ['bench'],
        confidence: 70,
        object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
      };
    case 'identity':
      return {
        ...base,
        name: `Source ${i}`,
        description: 'News outlet reporting on security incidents in the North Caucasus.',
        identity_class: i % 2 === 0 ? 'organization' : 'individual',
        sectors: ['government-national'],
      };
    case 'incident':
      return {
        ...base,
        created_by_ref: identity,
        name: `Attack on a checkpoint (${i})`,
        description: 'Armed assault on a police checkpoint; six servicemen killed according to officials.',
        labels: ['armed-assault'],
        object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
      };
    case 'relationship':
      return {
        ...base,
        created_by_ref: identity,
        relationship_type: i % 2 === 0 ? 'attributed-to' : 'located-at',
        source_ref: stixId('incident', i - (i % TYPES.length) + 6),
        target_ref: i % 2 === 0 ? stixId('intrusion-set', i - (i % TYPES.length) + 10) : stixId('location', i - (i % TYPES.length) + 11),
        description: 'Link established from the claim of responsibility.',
      };
    case 'malware':
      return {
        ...base,
        name: `Loader ${i}`,
        description: 'Downloader distributed through messaging channels.',
        malware_types: ['downloader'],
        is_family: true,
      };
    case 'intrusion-set':
      return {
        ...base,
        name: `Group ${i}`,
        description: 'Armed group claiming attacks through its news agency.',
        aliases: [`G${i}`],
        goals: ['territorial control'],
      };
    case 'location':
      return {
        ...base,
        name: `Place ${i}`,
        country: 'RU',
        region: 'eastern-europe',
        latitude: 43 + (i % 1000) / 1000,
        longitude: 45 + (i % 997) / 1000,
        precision: 1000,
      };
    default:
      return {
        ...base,
        created_by_ref: identity,
        abstract: 'Quote',
        content: `"We call for an effective exchange of intelligence information" (${i}).`,
        authors: ['entente bench'],
        object_refs: [stixId('incident', i - (i % TYPES.length) + 6)],
      };
  }
}

/**
 * Writes `count` objects as NDJSON to `path` (reused when it already holds
 * exactly that many lines' worth from a previous run of the same size).
 */
export async function writeNdjson(path: string, count: number): Promise<{ path: string; bytes: number }> {
  if (existsSync(path)) return { path, bytes: statSync(path).size };
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  let buffer = '';
  for (let i = 0; i < count; i++) {
    buffer += `${JSON.stringify(benchObject(i))}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  renameSync(partial, path);
  return { path, bytes: statSync(path).size };
}
