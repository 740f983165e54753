import { EntenteError } from '../../errors.js';
import { withFederation } from '../../federation/federation-schema.js';
import type { RestApi } from './rest-api.js';

/** More partners than any instance connects to: the list is one page. */
export const MAX_PARTNER_NAMES = 1000;

/**
 * REST.md "Intelligence" `GET /partner-names`: every partner's id and name,
 * for any signed-in user, so the console's partner filter (which takes ids,
 * as the incident index keeps them) can offer names to everyone. Only id and
 * name: the URLs, credentials, rules and health stay behind the admin-only
 * `GET /partners`. An account representing a partner instance is refused: one
 * partner is not told who the others are.
 */
export function partnerNamesRoutes(api: RestApi): void {
  api.app.get('/partner-names', async (request) => {
    const principal = await api.authenticate(request);
    if (principal.representsPartner) throw new EntenteError('forbidden', 'An account representing a partner instance may not list the partners of this instance');
    const items = await withFederation(api.deps.db).selectFrom('partners').select(['id', 'name']).orderBy('name').limit(MAX_PARTNER_NAMES).execute();
    return { items };
  });
}
