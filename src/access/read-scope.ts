import type { ReadScope } from '../store/object-store.js';
import { partnerScope } from './partner-scope.js';
import type { Principal } from './principal.js';

/**
 * The store scope of an authenticated principal: what marking-policy.ts lets
 * it see, whatever its role (an admin reads intelligence as a member of its
 * organisation; see marking-policy.ts). Every user of this instance belongs to
 * an organisation of this instance, hence to the community that sees GREEN.
 *
 * A principal whose organisation represents a partner instance is that
 * partner pulling: it reads what may be sent to the partner (partner-scope.ts),
 * so authorship and RED recipients open nothing and AMBER+STRICT and RED
 * never leave by pull, as they never leave by push.
 */
export function readScopeOf(principal: Principal): ReadScope {
  if (principal.representsPartner) return partnerScope([principal.orgId]);
  return { kind: 'viewer', userId: principal.userId, orgId: principal.orgId, community: true };
}
