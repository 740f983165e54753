import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { EntenteError } from '../errors.js';
import { scanEnvelope } from '../taxii/server/raw-envelope.js';

/** One thing read from an import file: a JSON value to validate, or a line that is not JSON. */
export type InputItem =
  | { readonly kind: 'value'; readonly value: unknown; readonly json: string; readonly where: string }
  | { readonly kind: 'unreadable'; readonly reason: string; readonly where: string };

/**
 * Reads STIX from a stream in either form `entente import` accepts:
 *
 * - NDJSON: one JSON value per line (an object, or a whole bundle), read line
 *   by line so a large file never sits in memory; each object keeps its line
 *   as its JSON text, exactly as written.
 * - a STIX bundle (STIX 2.1 §8) spread over several lines, parsed whole.
 *
 * The form is told by the first non-empty line: if it is complete JSON, the
 * input is NDJSON.
 */
export async function* readStixInput(source: Readable, name: string): AsyncGenerator<InputItem> {
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  let lineNumber = 0;
  let formDecided = false;
  let documentLines: string[] | undefined;
  for await (const line of lines) {
    lineNumber += 1;
    if (documentLines !== undefined) {
      documentLines.push(line);
      continue;
    }
    const text = line.trim();
    if (text === '') continue;
    const parsed = parseJson(text);
    if (!formDecided) {
      formDecided = true;
      if (!parsed.ok) {
        documentLines = [line];
        continue;
      }
    }
    const where = `line ${lineNumber}`;
    if (!parsed.ok) {
      yield { kind: 'unreadable', reason: `not valid JSON (${parsed.error})`, where };
      continue;
    }
    yield* expand(parsed.value, text, where);
  }
  if (documentLines !== undefined) {
    const text = documentLines.join('\n');
    const whole = parseJson(text);
    if (!whole.ok) {
      throw new EntenteError('invalid_input', `${name} is neither NDJSON nor one JSON document: ${whole.error}`, { file: name });
    }
    yield* expand(whole.value, text, 'document');
  }
}

/** A bundle's objects keep their exact source text: the same scanner the TAXII POST path uses finds each one. */
function* expand(value: unknown, text: string, where: string): Generator<InputItem> {
  if (isBundle(value)) {
    const spans = scanEnvelope(text, Number.MAX_SAFE_INTEGER).objects;
    let index = 0;
    for (const object of value.objects) {
      const span = spans?.[index];
      index += 1;
      const json = span === undefined ? JSON.stringify(object) : text.slice(span.start, span.end);
      yield { kind: 'value', value: object, json, where: `${where}, bundle object ${index}` };
    }
    return;
  }
  yield { kind: 'value', value, json: text, where };
}

function isBundle(value: unknown): value is { type: 'bundle'; objects: unknown[] } {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as { type?: unknown; objects?: unknown };
  return record.type === 'bundle' && Array.isArray(record.objects);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
