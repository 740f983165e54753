import { EntenteError } from '../../errors.js';

/**
 * Reads a TAXII 2.1 §3.7 envelope from the raw request text while keeping the
 * exact source text of every element of its top-level `objects` array, so that
 * each object is stored and served byte for byte as its publisher wrote it.
 *
 * One linear scan (no recursion, so no stack to exhaust) checks the nesting
 * depth and records where each element starts and ends; only then is the text
 * handed to `JSON.parse`, which remains the judge of syntax.
 */

export interface EnvelopeLimits {
  /** Deepest nesting accepted; the envelope itself is level 1. */
  readonly maxDepth: number;
  /** Most elements accepted in `objects`. */
  readonly maxObjects: number;
}

export interface RawEnvelopeElement {
  /** The parsed element (any JSON value; checking that it is a STIX object is the caller's job). */
  readonly value: unknown;
  /** The element's source text, exactly as received. */
  readonly json: string;
}

interface Span {
  readonly start: number;
  readonly end: number;
}

interface Scan {
  /** Spans of the last top-level `objects` member, when its value is an array. */
  readonly objects: Span[] | undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * Parses an envelope. Throws `invalid_input` (→ 400) for text that is not JSON,
 * nests deeper than allowed or is not a JSON object; `too_large` (→ 413) for
 * more objects than allowed; `invalid_stix` (→ 422) when there is no `objects`
 * array to add.
 */
export function parseEnvelope(text: string, limits: EnvelopeLimits): RawEnvelopeElement[] {
  const scan = scanEnvelope(text, limits.maxDepth);
  if (scan.objects !== undefined && scan.objects.length > limits.maxObjects) {
    throw tooManyObjects(scan.objects.length, limits.maxObjects);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EntenteError('invalid_input', `The request body is not valid JSON: ${reason}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EntenteError('invalid_input', 'The request body must be a TAXII envelope: a JSON object (TAXII 2.1 §3.7)');
  }
  const objects = (parsed as Record<string, unknown>).objects;
  if (!Array.isArray(objects) || scan.objects === undefined) {
    throw new EntenteError(
      'invalid_stix',
      'The envelope has no "objects" array, so there is nothing to add (TAXII 2.1 §3.7, §5.5)',
      { property: 'objects' },
    );
  }
  const spans = scan.objects;
  if (spans.length !== objects.length) {
    // Only reachable if the scanner disagrees with JSON.parse on valid JSON: a bug, not bad input.
    throw new Error(`envelope scanner found ${spans.length} objects where JSON.parse found ${objects.length}`);
  }
  return spans.map((span, index) => ({ value: objects[index], json: text.slice(span.start, span.end) }));
}

/**
 * The nesting check and the element spans, in one pass. Correct for valid
 * JSON; for invalid text the spans are meaningless, which is harmless because
 * `JSON.parse` rejects that text afterwards.
 */
export function scanEnvelope(text: string, maxDepth: number): Scan {
  const length = text.length;
  let depth = 0;
  let topIsObject = false;
  let expectKey = false;
  let keyIsObjects = false;
  let capturing = false;
  let spans: Span[] | undefined;
  let elementStart = -1;
  let lastEnd = 0;
  let i = 0;

  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
      continue;
    }
    if (capturing && depth === 2 && elementStart < 0 && c !== COMMA && c !== CLOSE_ARRAY) elementStart = i;

    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (depth === 1 && topIsObject && expectKey) {
        keyIsObjects = isObjectsKey(text, i, end);
        if (keyIsObjects) spans = undefined;
      }
      i = end;
      lastEnd = end;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === 0) {
        topIsObject = c === OPEN_OBJECT;
        expectKey = topIsObject;
      } else if (depth === 1 && topIsObject && keyIsObjects && c === OPEN_ARRAY) {
        capturing = true;
        spans = [];
        elementStart = -1;
      }
      depth++;
      if (depth > maxDepth) throw tooDeep(maxDepth);
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (capturing && depth === 2) {
        if (elementStart >= 0) spans?.push({ start: elementStart, end: lastEnd });
        capturing = false;
        elementStart = -1;
      }
      depth--;
    } else if (c === COMMA) {
      if (capturing && depth === 2) {
        if (elementStart >= 0) spans?.push({ start: elementStart, end: lastEnd });
        elementStart = -1;
      } else if (depth === 1) {
        expectKey = topIsObject;
        keyIsObjects = false;
      }
    } else if (c === COLON && depth === 1) {
      expectKey = false;
    }
    i++;
    lastEnd = i;
  }
  return { objects: spans };
}

/** Index just past the closing quote of the string opening at `start` (or the text's end). */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

function isObjectsKey(text: string, start: number, end: number): boolean {
  const raw = text.slice(start, end);
  if (raw === '"objects"') return true;
  if (!raw.includes('\\')) return false;
  try {
    return JSON.parse(raw) === 'objects';
  } catch {
    return false;
  }
}

function tooDeep(maxDepth: number): EntenteError {
  return new EntenteError('invalid_input', `The request body nests JSON deeper than ${maxDepth} levels`, {
    maxJsonDepth: maxDepth,
  });
}

function tooManyObjects(count: number, max: number): EntenteError {
  return new EntenteError('too_large', `The envelope carries ${count} objects; at most ${max} are accepted per request`, {
    objects: count,
    maxObjectsPerEnvelope: max,
  });
}
