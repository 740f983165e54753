import { auditRoutes } from './admin/audit-routes.js';
import { collectionRoutes } from './admin/collection-routes.js';
import { groupRoutes } from './admin/group-routes.js';
import { orgRoutes } from './admin/org-routes.js';
import { tokenRoutes } from './admin/token-routes.js';
import { userRoutes } from './admin/user-routes.js';
import type { RestApi } from './rest-api.js';

/** REST.md "Admin": organisations, users, tokens, collections and grants, sharing groups, the audit log. */
export function adminRoutes(api: RestApi): void {
  orgRoutes(api);
  userRoutes(api);
  tokenRoutes(api);
  collectionRoutes(api);
  groupRoutes(api);
  auditRoutes(api);
}
