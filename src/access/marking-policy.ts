import type { Role } from './principal.js';

/**
 * The one statement of who may see an object (DESIGN.md "Security model",
 * issue 4). Pure: no database. The store applies the same rules inside SQL
 * (store/visibility-sql.ts); property tests check that the two agree.
 *
 * - CLEAR: anyone the instance serves.
 * - GREEN: the community (this instance's organisations and connected partners).
 * - AMBER: the author's organisation and the organisations of the sharing
 *   group the object was published to.
 * - AMBER+STRICT: the author's organisation only.
 * - RED: the named recipients (users or organisations).
 * - Whatever the level, the author's organisation sees what it authored
 *   (so RED is visible to the author's organisation as well as its recipients).
 * - `unknown` (a marking entente cannot interpret) and `none` (a row written
 *   before markings were resolved) are never permissive: author's organisation only.
 * - The admin role changes nothing here: least privilege — an admin of
 *   organisation A reads intelligence as any member of A does. Admin rights
 *   are about managing the instance (users, grants, groups), not about
 *   reading others' restricted intelligence.
 */

/** The effective TLP level stored with an object (same values as store/schema.ts TlpLevel). */
export type StoredTlp = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red' | 'unknown' | 'none';

export interface Viewer {
  readonly userId: string;
  readonly orgId: string;
  readonly role: Role;
  /** The sharing groups the viewer's organisation is a member of. */
  readonly groupIds: ReadonlySet<string>;
  /** Whether the viewer belongs to the community that sees TLP:GREEN. */
  readonly community: boolean;
}

/** What the platform records beside an object: never taken from the object's own JSON at read time. */
export interface ObjectAccess {
  readonly tlp: StoredTlp;
  readonly authorOrg: string | null;
  readonly sharingGroup: string | null;
  readonly recipientUsers: ReadonlySet<string>;
  readonly recipientOrgs: ReadonlySet<string>;
}

export function canSee(viewer: Viewer, object: ObjectAccess): boolean {
  if (object.authorOrg !== null && object.authorOrg === viewer.orgId) return true;
  switch (object.tlp) {
    case 'clear':
      return true;
    case 'green':
      return viewer.community;
    case 'amber':
      return object.sharingGroup !== null && viewer.groupIds.has(object.sharingGroup);
    case 'red':
      return object.recipientUsers.has(viewer.userId) || object.recipientOrgs.has(viewer.orgId);
    case 'amber+strict':
    case 'unknown':
    case 'none':
      return false;
  }
}

const TLP_RESTRICTIVENESS: Readonly<Record<StoredTlp, number>> = {
  clear: 0,
  green: 1,
  amber: 2,
  'amber+strict': 3,
  red: 3,
  unknown: 4,
  none: 4,
};

/**
 * The effective level written with an object: its own markings' most
 * restrictive level, or — when it carries none — the publishing
 * organisation's default, decided at write time so that every stored row has
 * a real level. A default that is not a TLP level is read as AMBER+STRICT.
 */
export function effectiveTlp(fromMarkings: StoredTlp | undefined, orgDefault: string): StoredTlp {
  if (fromMarkings !== undefined && fromMarkings !== 'none') return fromMarkings;
  return isPublishableLevel(orgDefault) ? orgDefault : 'amber+strict';
}

const PUBLISHABLE: ReadonlySet<string> = new Set(['clear', 'green', 'amber', 'amber+strict', 'red']);

export function isPublishableLevel(level: string): level is Exclude<StoredTlp, 'unknown' | 'none'> {
  return PUBLISHABLE.has(level);
}

/** Whether `a` is strictly less restrictive than `b` as a level (AMBER+STRICT and RED are not ordered). */
export function isLooserLevel(a: StoredTlp, b: StoredTlp): boolean {
  return TLP_RESTRICTIVENESS[a] < TLP_RESTRICTIVENESS[b];
}
