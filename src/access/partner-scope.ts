import type { ReadScope } from '../store/object-store.js';
import type { ObjectAccess } from './marking-policy.js';

/**
 * What may be sent to a partner (issue 5 "Push"): the partner is a viewer
 * from the community whose organisations are the local organisations it
 * represents. It receives CLEAR and GREEN; AMBER only when one of its
 * organisations belongs to the object's sharing group; never AMBER+STRICT,
 * RED, or an unknown or unresolved level.
 *
 * Unlike marking-policy.ts `canSee`, authorship and RED recipients open
 * nothing here: an object received from a partner (stored with the partner's
 * organisation as author) goes back, or on to a third partner, only as its
 * markings allow; a RED object stays on the instance its recipients read.
 * The store applies the same rule in SQL (store/visibility-sql.ts).
 */
export interface PartnerAudience {
  /** The local organisations the partner represents. */
  readonly orgIds: ReadonlySet<string>;
  /** The sharing groups any of those organisations belongs to. */
  readonly groupIds: ReadonlySet<string>;
}

export function canSendToPartner(partner: PartnerAudience, object: Pick<ObjectAccess, 'tlp' | 'sharingGroup'>): boolean {
  switch (object.tlp) {
    case 'clear':
    case 'green':
      return true;
    case 'amber':
      return object.sharingGroup !== null && partner.groupIds.has(object.sharingGroup);
    case 'amber+strict':
    case 'red':
    case 'unknown':
    case 'none':
      return false;
  }
}

/** The store scope of what may be sent to a partner representing `orgIds` (never `all`). */
export function partnerScope(orgIds: readonly string[]): ReadScope {
  return { kind: 'partner', orgIds: [...new Set(orgIds)] };
}
