import { randomUUID } from 'node:crypto';
import type { StixObject } from './stix-object.js';

/**
 * Test support for the marking suites (access/, federation/): marking
 * definitions and a note to mark with them.
 */
export const MARKED_CREATED = '2024-01-01T00:00:00.000Z';

/** A marking-definition with `extra` (its definition), under `id`. */
export function markingDefinition(extra: Record<string, unknown>, id = `marking-definition--${randomUUID()}`): StixObject {
  return { type: 'marking-definition', spec_version: '2.1', id, created: MARKED_CREATED, ...extra };
}

/** A statement marking-definition (copyright, terms of use) saying `text`. */
export function statementMarking(text = 'Copyright 2024 Agency A', id?: string): StixObject {
  return markingDefinition({ name: text, definition_type: 'statement', definition: { statement: text } }, id);
}

/** A note with `markingRefs` as its object markings (none when undefined) and `extra` properties. */
export function markedNote(markingRefs?: readonly string[], extra: Record<string, unknown> = {}): StixObject {
  return {
    type: 'note',
    spec_version: '2.1',
    id: `note--${randomUUID()}`,
    created: MARKED_CREATED,
    modified: MARKED_CREATED,
    content: 'x',
    object_refs: [`identity--${randomUUID()}`],
    ...(markingRefs === undefined ? {} : { object_marking_refs: markingRefs }),
    ...extra,
  };
}
