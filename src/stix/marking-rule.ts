import type { StixObject } from './stix-object.js';
import { compareTlp, granularMarkingRefs, isTlpMarkingId, tlpLevelOf, TLP_LEVELS, type TlpLevel } from './tlp.js';

/**
 * The lookup-free part of the one rule for the level an object's markings
 * give it (access/marking-resolution.ts applies it to writes; migration 1600
 * to stored rows; federation/rule-filter.ts to rule filters): the most
 * restrictive of the levels of its object-level markings
 * (`object_marking_refs`) and its granular markings
 * (`granular_markings[].marking_ref`, STIX 2.1 §7.2.3). TLP 1.0 and 2.0 ids
 * give their level (tlp.ts); a ref the caller knows as a statement
 * marking-definition restricts nothing; any other ref makes the object
 * `unknown` (author's organisation only). Which refs are statements is the
 * caller's to say: it depends on what is stored, and by whom.
 */

/** The level markings give: a TLP level, or `unknown` when one of them cannot be read. */
export type MarkedLevel = TlpLevel | 'unknown';

/** The markings of an object that decide its level. */
export interface ObjectMarkings {
  readonly object_marking_refs?: readonly string[];
  readonly granular_markings?: unknown;
}

/** Every marking-definition id `object` refers to for access: its object markings, then its granular ones. */
export function markingRefsOf(object: ObjectMarkings): string[] {
  return [...(object.object_marking_refs ?? []), ...granularMarkingRefs(object.granular_markings)];
}

/**
 * `base` tightened by `granular`, the level an object's granular markings
 * give (undefined: none). Never loosened: a granular level less restrictive
 * than `base` leaves it; a base that is not a TLP level (a store's author-only
 * levels, `unknown` and `none`) admits nothing stricter and stays, except
 * that a granular `unknown` makes any base `unknown`.
 */
export function tightenedBy<Base extends string>(base: MarkedLevel | Base, granular: MarkedLevel | undefined): MarkedLevel | Base {
  if (granular === undefined) return base;
  if (granular === 'unknown') return 'unknown';
  if (!isTlpLevel(base)) return base;
  return compareTlp(base, granular) >= 0 ? base : granular;
}

/**
 * The level `object`'s markings give it, refs in `statements` passed over:
 * the most restrictive of its object-level and granular markings' levels.
 * Undefined when they give none (no marking, statements only): the
 * publisher's default applies. An object whose object-level markings give no
 * level but whose granular ones do takes `unmarked()` (the level it would
 * take without markings) tightened by them; without `unmarked`, `unknown`.
 */
export function markingsLevel<Base extends string>(
  object: ObjectMarkings,
  statements: ReadonlySet<string>,
  unmarked?: () => TlpLevel | Base,
): MarkedLevel | Base | undefined {
  const own = tlpLevelOf(object.object_marking_refs, statements);
  if (own === 'unknown') return 'unknown';
  const granular = tlpLevelOf(granularMarkingRefs(object.granular_markings), statements);
  if (granular === undefined) return own;
  return tightenedBy<Base>(own ?? unmarked?.() ?? 'unknown', granular);
}

function isTlpLevel(level: string): level is TlpLevel {
  return (TLP_LEVELS as readonly string[]).includes(level);
}

/**
 * OpenCTI's own extension: metadata of the object in OpenCTI (its internal
 * id, colour, order), no marking rule. OpenCTI exports every marking with it.
 */
export const OPENCTI_EXTENSION_ID = 'extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba';

/**
 * Whether `object` is a statement marking-definition (a copyright or
 * terms-of-use notice, STIX 2.1 §7.2.1.3, which grants no access rule):
 * `definition_type` "statement" (or none, with a `definition` that is a
 * statement), a `definition` that is only `{ "statement": text }` (OpenCTI 6
 * leaves it out and writes the text as `name`), and no extension besides
 * OpenCTI's: a marking-definition defined by an extension (as TLP 2.0 is) may
 * carry rules entente cannot read. A TLP id is never a statement.
 */
export function isStatementMarking(object: StixObject): boolean {
  if (object.type !== 'marking-definition' || isTlpMarkingId(object.id)) return false;
  const { definition_type: definitionType, definition } = object;
  if (definitionType !== 'statement' && !(definitionType === undefined && definition !== undefined)) return false;
  if (definition !== undefined && !isStatementDefinition(definition)) return false;
  return onlyOpenCtiExtension(object.extensions);
}

function isStatementDefinition(definition: unknown): boolean {
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) return false;
  const keys = Object.keys(definition);
  return keys.length === 1 && keys[0] === 'statement' && typeof (definition as Record<string, unknown>).statement === 'string';
}

function onlyOpenCtiExtension(extensions: unknown): boolean {
  if (extensions === undefined) return true;
  if (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions)) return false;
  return Object.keys(extensions).every((id) => id === OPENCTI_EXTENSION_ID);
}

/** What a marking-definition is, as far as access goes. */
export type MarkingKind = 'statement' | 'other';

/** Marking-definition id → its kind. */
export type MarkingKinds = ReadonlyMap<string, MarkingKind>;

/** One stored version of a marking-definition, as a writer sees it. */
export interface StoredDefinition {
  readonly id: string;
  /** isStatementMarking of the stored object. */
  readonly statement: boolean;
  /** Stored by the organisation whose object is being judged. */
  readonly ours: boolean;
}

/**
 * The kinds that stored marking-definitions give their ids for one writer:
 * `statement` for an id whose stored definitions are all statements and one
 * of them is the writer's own; `other` for an id with any stored definition
 * that is not a statement, whoever stored it; an id stored only as other
 * organisations' statements is left out (unknown). Anybody may store a
 * marking-definition first under an id another organisation uses for a
 * restrictive marking (OpenCTI's ids are derived from the definition): that
 * must not open the other organisation's objects.
 */
export function storedMarkingKinds(definitions: Iterable<StoredDefinition>): Map<string, MarkingKind> {
  const seen = new Map<string, { other: boolean; ours: boolean }>();
  for (const definition of definitions) {
    const entry = seen.get(definition.id) ?? { other: false, ours: false };
    if (!definition.statement) entry.other = true;
    else if (definition.ours) entry.ours = true;
    seen.set(definition.id, entry);
  }
  const kinds = new Map<string, MarkingKind>();
  for (const [id, entry] of seen) {
    if (entry.other) kinds.set(id, 'other');
    else if (entry.ours) kinds.set(id, 'statement');
  }
  return kinds;
}

/** The ids `kinds` knows as statements. */
export function statementsOf(kinds: MarkingKinds): Set<string> {
  return new Set([...kinds].filter(([, kind]) => kind === 'statement').map(([id]) => id));
}
