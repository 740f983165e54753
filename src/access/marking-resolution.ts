import type { Kysely } from 'kysely';
import type { StixObject } from '../stix/stix-object.js';
import { compareTlp, granularMarkingRefs, isTlpMarkingId, tlpLevelOf } from '../stix/tlp.js';
import type { DatabaseSchema } from '../store/schema.js';
import type { StoredTlp } from './marking-policy.js';

/**
 * The one rule for the level an object's markings give it at write time
 * (TAXII Add Objects, `entente import`, the REST publish, federation pull).
 *
 * TLP marking-definitions (2.0, 1.0, OpenCTI's AMBER+STRICT) give their level
 * (stix/tlp.ts). A statement marking-definition (a copyright or terms-of-use
 * notice: STIX 2.1 §7.2.1.3) grants no access rule, so it restricts nothing:
 * the object's level is then its TLP markings', or, with none, the level of an
 * unmarked object. Any other ref leaves the level `unknown` (author's
 * organisation only), as does a ref whose marking-definition is not known when
 * the object is written.
 *
 * A marking-definition is known as a statement when it is a statement in the
 * same write (envelope, import batch, pulled page), or stored by the
 * organisation that writes (for a pull, the partner's organisation). One
 * stored by another organisation does not count: anybody may store a
 * marking-definition first under an id another organisation uses for a
 * restrictive marking (OpenCTI's ids are derived from the definition), and
 * that must not open the other organisation's objects. Every definition of an
 * id known, in the write or stored by anyone, must be a statement: one that
 * is not makes the ref `unknown`.
 */

/** What a marking-definition is, as far as access goes. */
export type MarkingKind = 'statement' | 'other';

/** Marking-definition id → its kind. */
export type MarkingKinds = ReadonlyMap<string, MarkingKind>;

/** The kinds of the stored marking-definitions among `ids` (those that count: see above). */
export type StoredMarkings = (ids: readonly string[]) => Promise<MarkingKinds>;

/**
 * OpenCTI's own extension: metadata of the object in OpenCTI (its internal
 * id, colour, order), no marking rule. OpenCTI exports every marking with it.
 */
export const OPENCTI_EXTENSION_ID = 'extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba';

/**
 * Whether `object` is a statement marking-definition: `definition_type`
 * "statement" (or none, with a `definition` that is a statement), a
 * `definition` that is only `{ "statement": text }` (OpenCTI 6 leaves it out
 * and writes the text as `name`), and no extension besides OpenCTI's: a
 * marking-definition defined by an extension (as TLP 2.0 is) may carry rules
 * entente cannot read. A TLP id is never a statement.
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

/** The marking-definitions among `objects` (one write); an id defined twice, once as something else, is `other`. */
export function markingKindsIn(objects: readonly StixObject[]): Map<string, MarkingKind> {
  const kinds = new Map<string, MarkingKind>();
  for (const object of objects) {
    if (object.type !== 'marking-definition') continue;
    merge(kinds, object.id, isStatementMarking(object) ? 'statement' : 'other');
  }
  return kinds;
}

function merge(kinds: Map<string, MarkingKind>, id: string, kind: MarkingKind): void {
  if (kinds.get(id) !== 'other') kinds.set(id, kind);
}

/** The ids `kinds` knows as statements. */
function statementsOf(kinds: MarkingKinds): Set<string> {
  return new Set([...kinds].filter(([, kind]) => kind === 'statement').map(([id]) => id));
}

/** The level an object takes when its markings give none (the publisher's default for unmarked objects). */
export type UnmarkedLevel = (object: StixObject) => StoredTlp;

/** Every marking-definition id `object` refers to for access: its object markings, then its granular ones. */
export function markingRefsOf(object: StixObject): string[] {
  return [...(object.object_marking_refs ?? []), ...granularMarkingRefs(object.granular_markings)];
}

/** Whether `object` carries any marking that may decide its level (object-level or granular). */
export function carriesMarkings(object: StixObject): boolean {
  return object.object_marking_refs !== undefined || markingRefsOf(object).length > 0;
}

/**
 * The level `object`'s markings give it, refs in `statements` passed over:
 * the most restrictive of its object-level and granular markings (the order
 * of stix/tlp.ts). Undefined when they give none. Granular markings on an
 * object whose object-level markings give no level tighten `unmarked`'s level
 * for it; without `unmarked` (the default is not known here) that object is
 * `unknown`, for a writer that knows the default to resolve again.
 */
function levelOf(object: StixObject, statements: ReadonlySet<string>, unmarked: UnmarkedLevel | undefined): StoredTlp | undefined {
  const own = tlpLevelOf(object.object_marking_refs, statements);
  const granular = tlpLevelOf(granularMarkingRefs(object.granular_markings), statements);
  if (own === 'unknown' || granular === 'unknown') return 'unknown';
  if (granular === undefined) return own;
  const base = own ?? unmarked?.(object) ?? 'unknown';
  if (base === 'unknown' || base === 'none') return base;
  return compareTlp(base, granular) >= 0 ? base : granular;
}

/**
 * The level each of `objects` (one write) takes with the marking-definitions
 * of the write alone (no store at hand); `unmarked` as for markingLevels.
 */
export function levelsInWrite(objects: readonly StixObject[], unmarked?: UnmarkedLevel): (StoredTlp | undefined)[] {
  const statements = statementsOf(markingKindsIn(objects));
  return objects.map((object) => levelOf(object, statements, unmarked));
}

/**
 * The level each of `objects` (one write) takes from its markings, from the
 * marking-definitions of the write and those `stored` answers for every ref
 * (object-level or granular) that is neither TLP nor known from the write as
 * something else than a statement. Undefined where the markings give no level
 * (the publisher's default applies). `unmarked` is that default, which an
 * object's granular markings may tighten: without it, an object with granular
 * markings but no object-level level is `unknown`.
 */
export async function markingLevels(objects: readonly StixObject[], stored?: StoredMarkings, unmarked?: UnmarkedLevel): Promise<(StoredTlp | undefined)[]> {
  const known = markingKindsIn(objects);
  // Statements of the write are asked too: a stored definition of the same id that is not one overrides them.
  const asked = new Set(objects.flatMap((object) => markingRefsOf(object).filter((ref) => !isTlpMarkingId(ref) && known.get(ref) !== 'other')));
  if (stored !== undefined && asked.size > 0) {
    for (const [id, kind] of await stored([...asked].sort())) merge(known, id, kind);
  }
  const statements = statementsOf(known);
  return objects.map((object) => levelOf(object, statements, unmarked));
}

const IDS_PER_LOOKUP = 500;

/**
 * The stored marking-definitions that count for a write by `authorOrg`:
 * `statement` for an id whose stored definitions are all statements and one
 * of them is `authorOrg`'s; `other` for an id with any stored definition
 * that is not a statement, whoever stored it; ids stored only as another
 * organisation's statements are left out (unknown).
 */
export function storedMarkings(db: Kysely<DatabaseSchema>, authorOrg: string | null): StoredMarkings {
  return async (ids) => {
    const seen = new Map<string, { other: boolean; ours: boolean }>();
    for (let start = 0; start < ids.length; start += IDS_PER_LOOKUP) {
      const rows = await db
        .selectFrom('objects')
        .select(['id', 'author_org', 'json'])
        .where('type', '=', 'marking-definition')
        .where('id', 'in', ids.slice(start, start + IDS_PER_LOOKUP))
        .execute();
      for (const row of rows) {
        const entry = seen.get(row.id) ?? { other: false, ours: false };
        if (!isStatementMarking(JSON.parse(row.json) as StixObject)) entry.other = true;
        else if (authorOrg !== null && row.author_org === authorOrg) entry.ours = true;
        seen.set(row.id, entry);
      }
    }
    const kinds = new Map<string, MarkingKind>();
    for (const [id, entry] of seen) {
      if (entry.other) kinds.set(id, 'other');
      else if (entry.ours) kinds.set(id, 'statement');
    }
    return kinds;
  };
}
