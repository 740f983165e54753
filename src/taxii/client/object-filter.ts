import type { ObjectFilter } from './taxii-resources.js';

/** Builds the TAXII 2.1 §3.4 query string for a filter ('' when empty). */
export function filterQuery(filter: ObjectFilter = {}): string {
  const params = new URLSearchParams();
  if (filter.addedAfter !== undefined) params.set('added_after', filter.addedAfter);
  if (filter.limit !== undefined) params.set('limit', String(filter.limit));
  if (filter.next !== undefined) params.set('next', filter.next);
  const match: [string, string | readonly string[] | undefined][] = [
    ['id', filter.id],
    ['type', filter.type],
    ['version', filter.version],
    ['spec_version', filter.specVersion],
  ];
  for (const [field, value] of match) {
    if (value === undefined) continue;
    const list = typeof value === 'string' ? value : value.join(',');
    if (list !== '') params.set(`match[${field}]`, list);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
