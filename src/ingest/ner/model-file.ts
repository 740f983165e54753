import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { EntenteError } from '../../errors.js';
import type { GazetteerData } from './gazetteer.js';
import type { LinearChainModel } from './linear-chain-model.js';

/**
 * The model file: gzip over
 *   magic "ENTNER1\n" · u32 header length · header JSON (labels, feature names,
 *   transitions, gazetteer, clusters, weight scale) · sparse weights.
 * Weights are quantised to int16 (scale in the header) and stored per feature as
 * u8 count then count × (u8 label, i16 weight): most features fire for few labels,
 * which keeps the file small. Little-endian throughout.
 */
const MAGIC = 'ENTNER1\n';

interface Header {
  labels: string[];
  features: string[];
  transitions: number[];
  scale: number;
  gazetteer: GazetteerData | null;
  clusters: [string, string][] | null;
}

export function writeModelFile(path: string, model: LinearChainModel): void {
  writeFileSync(path, encodeModel(model));
}

export function readModelFile(path: string): LinearChainModel {
  return decodeModel(readFileSync(path), path);
}

export function encodeModel(model: LinearChainModel): Buffer {
  const L = model.labels.length;
  const names: string[] = new Array<string>(model.features.size);
  for (const [name, row] of model.features) names[row] = name;
  let maxAbs = 0;
  for (const weight of model.weights) maxAbs = Math.max(maxAbs, Math.abs(weight));
  const scale = maxAbs > 0 ? maxAbs / 32767 : 1;
  const header: Header = {
    labels: model.labels,
    features: names,
    transitions: Array.from(model.transitions),
    scale,
    gazetteer: model.gazetteer ?? null,
    clusters: model.clusters ? [...model.clusters] : null,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const body = Buffer.alloc(names.length * (1 + 3 * L));
  let offset = 0;
  for (let row = 0; row < names.length; row += 1) {
    const countAt = offset;
    offset += 1;
    let count = 0;
    for (let y = 0; y < L; y += 1) {
      const q = Math.round((model.weights[row * L + y] as number) / scale);
      if (q === 0) continue;
      body.writeUInt8(y, offset);
      body.writeInt16LE(q, offset + 1);
      offset += 3;
      count += 1;
    }
    body.writeUInt8(count, countAt);
  }
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length, 0);
  return gzipSync(Buffer.concat([Buffer.from(MAGIC, 'latin1'), length, headerBytes, body.subarray(0, offset)]), {
    level: 9,
  });
}

export function decodeModel(file: Buffer, source = 'model'): LinearChainModel {
  let data: Buffer;
  try {
    data = gunzipSync(file);
  } catch (error) {
    throw new EntenteError('invalid_input', `${source} is not a gzip-compressed entente NER model.`, {
      cause: String(error),
    });
  }
  if (data.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new EntenteError('invalid_input', `${source} is not an entente NER model (wrong magic number).`);
  }
  const headerLength = data.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  const header = JSON.parse(data.toString('utf8', headerStart, headerStart + headerLength)) as Header;
  const L = header.labels.length;
  const weights = new Float32Array(header.features.length * L);
  let offset = headerStart + headerLength;
  for (let row = 0; row < header.features.length; row += 1) {
    const count = data.readUInt8(offset);
    offset += 1;
    for (let k = 0; k < count; k += 1) {
      weights[row * L + data.readUInt8(offset)] = data.readInt16LE(offset + 1) * header.scale;
      offset += 3;
    }
  }
  const features = new Map<string, number>();
  header.features.forEach((name, row) => features.set(name, row));
  return {
    labels: header.labels,
    features,
    weights,
    transitions: Float32Array.from(header.transitions),
    gazetteer: header.gazetteer ?? undefined,
    clusters: header.clusters ? new Map(header.clusters) : undefined,
  };
}
