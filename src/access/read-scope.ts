import type { ReadScope } from '../store/object-store.js';
import type { Principal } from './principal.js';

/**
 * The store scope of an authenticated principal: what marking-policy.ts lets
 * it see, whatever its role (an admin reads intelligence as a member of its
 * organisation; see marking-policy.ts). Every user of this instance belongs to
 * an organisation of this instance, hence to the community that sees GREEN.
 */
export function readScopeOf(principal: Principal): ReadScope {
  return { kind: 'viewer', userId: principal.userId, orgId: principal.orgId, community: true };
}
