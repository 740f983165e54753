import type { Readable } from 'node:stream';
import { levelsInWrite } from '../access/marking-resolution.js';
import { SHARING_EXTENSION_ID } from '../access/sharing-extension.js';
import type { StixObject } from '../stix/stix-object.js';
import { validateObject } from '../stix/validate.js';
import type { TlpLevel } from '../store/schema.js';
import { readStixInput } from './stix-input.js';

/**
 * What publishing an object reads of it besides its JSON text: the properties
 * a row is made of, the entente-sharing extension (sharing-extension.ts), and
 * what the writer needs to resolve markings the reader could not read a level
 * from (access/marking-resolution.ts). The object's whole value stays in its
 * `json` (what is stored); the rest of the parsed object is not carried from
 * the reader to the writer. A marking-definition, which says what it defines,
 * is carried whole: there are few, and they are small.
 */
export interface ObjectHead extends StixObject {
  readonly type: string;
  readonly id: string;
  readonly spec_version?: string;
  readonly created?: string;
  readonly modified?: string;
  /**
   * Only when the reader reads no level from the markings (a ref that is not TLP, or granular markings on an
   * object whose own markings give none): the writer resolves them with the marking-definitions and the default
   * it knows.
   */
  readonly object_marking_refs?: readonly string[];
  /** As object_marking_refs. */
  readonly granular_markings?: unknown;
  /** Only the entente-sharing extension, and only when the object has one. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** A valid object as the writer takes it (an IncomingObject). */
export interface ReadObject {
  readonly object: ObjectHead;
  readonly json: string;
  readonly tlp: TlpLevel;
}

/** An object or line refused before writing: why (grouped by) and where (its id, or its line). */
export interface Rejection {
  readonly reason: string;
  readonly where: string;
}

/**
 * What the reader hands the writer. `objects` is a whole batch (one
 * transaction) except in the last message; a message with no objects only
 * reports rejections (so that a file of refusals never piles them up).
 */
export interface ReadBatch {
  readonly objects: ReadObject[];
  readonly rejected: Rejection[];
  /** Bytes of the input read so far. */
  readonly bytes: number;
  readonly last: boolean;
}

/**
 * Reads and validates `source` (readStixInput: NDJSON or a bundle), in
 * batches of `batchSize` valid objects. Each object is checked by the STIX 2.1
 * validator; one with problems is rejected with its first problem as the
 * reason (an object is refused once however many problems it has).
 */
export async function* validatedBatches(source: Readable, name: string, batchSize: number): AsyncGenerator<ReadBatch> {
  let bytes = 0;
  source.on('data', (chunk: Buffer | string) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  });
  let objects: ReadObject[] = [];
  let rejected: Rejection[] = [];
  for await (const item of readStixInput(source, name)) {
    if (item.kind === 'unreadable') {
      rejected.push({ reason: item.reason, where: item.where });
    } else {
      const problems = validateObject(item.value);
      const first = problems[0];
      if (first === undefined) {
        objects.push(readObject(item.value as StixObject, item.json));
      } else {
        rejected.push({ reason: reasonOf(item.value, first), where: idOf(item.value) ?? item.where });
      }
    }
    if (objects.length >= batchSize) {
      yield { objects, rejected, bytes, last: false };
      objects = [];
      rejected = [];
    } else if (rejected.length >= batchSize) {
      yield { objects: [], rejected, bytes, last: false };
      rejected = [];
    }
  }
  yield { objects, rejected, bytes, last: true };
}

function readObject(object: StixObject, json: string): ReadObject {
  const tlp = levelsInWrite([object])[0] ?? 'none';
  if (object.type === 'marking-definition') return { object, json, tlp };
  const head: { -readonly [K in keyof ObjectHead]: ObjectHead[K] } = { type: object.type, id: object.id };
  if (object.spec_version !== undefined) head.spec_version = object.spec_version;
  if (object.created !== undefined) head.created = object.created;
  if (object.modified !== undefined) head.modified = object.modified;
  const sharing = sharingExtension(object.extensions);
  if (sharing !== undefined) head.extensions = { [SHARING_EXTENSION_ID]: sharing };
  if (tlp === 'unknown') {
    if (object.object_marking_refs !== undefined) head.object_marking_refs = object.object_marking_refs;
    if (object.granular_markings !== undefined) head.granular_markings = object.granular_markings;
  }
  return { object: head, json, tlp };
}

function sharingExtension(extensions: unknown): unknown {
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  return (extensions as Record<string, unknown>)[SHARING_EXTENSION_ID];
}

/** A grouping key: the object's type, the property and what is wrong — not the object's own values. */
function reasonOf(value: unknown, problem: { property: string; message: string }): string {
  const type = stringField(value, 'type') ?? 'object';
  return problem.property === '' ? `${type}: ${problem.message}` : `${type}: ${problem.property}: ${problem.message}`;
}

function idOf(value: unknown): string | undefined {
  return stringField(value, 'id');
}

function stringField(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const field = (value as Record<string, unknown>)[name];
  return typeof field === 'string' ? field : undefined;
}
