import type { Kysely } from 'kysely';
import type { StixObject } from '../stix/stix-object.js';
import {
  isStatementMarking, markingRefsOf, markingsLevel, statementsOf, storedMarkingKinds, type MarkingKind, type MarkingKinds, type StoredDefinition,
} from '../stix/marking-rule.js';
import { isTlpMarkingId } from '../stix/tlp.js';
import type { DatabaseSchema } from '../store/schema.js';
import type { StoredTlp } from './marking-policy.js';

/**
 * The one rule for the level an object's markings give it at write time
 * (TAXII Add Objects, `entente import`, the REST publish, federation pull).
 * Its lookup-free part (levels, most restrictive of them, which
 * marking-definitions are statements) is stix/marking-rule.ts, which
 * migration 1600 applies too; this file says which refs are known as
 * statements when an object is written.
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

/** The kinds of the stored marking-definitions among `ids` (those that count: see above). */
export type StoredMarkings = (ids: readonly string[]) => Promise<MarkingKinds>;

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

/** The level an object takes when its markings give none (the publisher's default for unmarked objects). */
export type UnmarkedLevel = (object: StixObject) => StoredTlp;

/** Whether `object` carries any marking that may decide its level (object-level or granular). */
export function carriesMarkings(object: StixObject): boolean {
  return object.object_marking_refs !== undefined || markingRefsOf(object).length > 0;
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

function levelOf(object: StixObject, statements: ReadonlySet<string>, unmarked: UnmarkedLevel | undefined): StoredTlp | undefined {
  return markingsLevel(object, statements, unmarked === undefined ? undefined : () => unmarked(object));
}

const IDS_PER_LOOKUP = 500;

/**
 * The stored marking-definitions that count for a write by `authorOrg`
 * (stix/marking-rule.ts storedMarkingKinds): `statement` for an id whose
 * stored definitions are all statements and one of them is `authorOrg`'s;
 * `other` for an id with any stored definition that is not a statement,
 * whoever stored it; ids stored only as another organisation's statements are
 * left out (unknown).
 */
export function storedMarkings(db: Kysely<DatabaseSchema>, authorOrg: string | null): StoredMarkings {
  return async (ids) => {
    const definitions: StoredDefinition[] = [];
    for (let start = 0; start < ids.length; start += IDS_PER_LOOKUP) {
      const rows = await db
        .selectFrom('objects')
        .select(['id', 'author_org', 'json'])
        .where('type', '=', 'marking-definition')
        .where('id', 'in', ids.slice(start, start + IDS_PER_LOOKUP))
        .execute();
      for (const row of rows) {
        definitions.push({ id: row.id, statement: isStatementMarking(JSON.parse(row.json) as StixObject), ours: authorOrg !== null && row.author_org === authorOrg });
      }
    }
    return storedMarkingKinds(definitions);
  };
}
