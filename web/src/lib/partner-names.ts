import { api } from '../api/client';
import type { Page, Partner } from '../api/types';
import { isAdmin, useConsole } from '../session';
import { useApi } from './use-api';

/**
 * The partners this console may name, id → name. The incident index keeps a
 * pulled object's partner by id (the feed's `partner` filter takes ids, and
 * feed items give ids), while people know partners by name. GET /partners is
 * for administrators: others get an empty map and see ids.
 */
export function usePartnerNames(): ReadonlyMap<string, string> {
  const { session } = useConsole();
  const partners = useApi(isAdmin(session) ? 'partner-names' : null, (signal) => api.get<Page<Partner>>('/partners', { limit: 500 }, signal));
  const names = new Map<string, string>();
  for (const partner of partners.data?.items ?? []) if (partner.id !== undefined) names.set(partner.id, partner.name);
  return names;
}
