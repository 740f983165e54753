import type { Query } from '../api/client';

/**
 * The filters shared by the feed, the map and the timeline. They live in the
 * URL, so brushing the timeline narrows the feed and the map alike, and a
 * filtered view can be bookmarked.
 */
export const FILTER_KEYS = ['q', 'from', 'to', 'country', 'region', 'group', 'attackType', 'targetType', 'minKilled', 'minCasualties', 'marking', 'source', 'partner'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export function filtersFrom(search: URLSearchParams, omit: readonly FilterKey[] = []): Query {
  const query: Query = {};
  for (const key of FILTER_KEYS) {
    const value = search.get(key);
    if (value && !omit.includes(key)) query[key] = value;
  }
  return query;
}

/** Keeps only the filters when moving between feed, map and timeline. */
export function filterSearch(search: URLSearchParams): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = search.get(key);
    if (value) params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function stableKey(query: Query): string {
  return JSON.stringify(Object.entries(query).sort(([a], [b]) => a.localeCompare(b)));
}
