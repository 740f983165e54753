import { api } from '../api/client';
import { useApi } from './use-api';

/**
 * The partners of this instance, id → name, for every signed-in user
 * (GET /partner-names: ids and names only). The incident index keeps a pulled
 * object's partner by id (the feed's `partner` filter takes ids, and feed
 * items give ids), while people know partners by name.
 */
export function usePartnerNames(): ReadonlyMap<string, string> {
  const partners = useApi('partner-names', (signal) => api.get<{ items: { id: string; name: string }[] }>('/partner-names', undefined, signal));
  return new Map((partners.data?.items ?? []).map((partner) => [partner.id, partner.name]));
}
