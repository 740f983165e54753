import type { IngestMetadata } from './index.js';

/**
 * Reports saved by monitoring tools often start with a header of `key: value`
 * lines (outlet, published, language, url, title) and a blank line. This splits
 * such a header off; text without one is returned unchanged.
 */
export function splitMetadataHeader(text: string): { metadata: IngestMetadata; body: string } {
  const match = /^(?:\uFEFF)?((?:(?:outlet|published|language|url|title|source|date):[^\n]*\r?\n)+)\r?\n/iu.exec(text);
  if (match === null) return { metadata: {}, body: text };
  const metadata: Record<string, string> = {};
  for (const line of (match[1] as string).split(/\r?\n/u)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (value === '') continue;
    const field = key === 'source' ? 'outlet' : key === 'date' ? 'published' : key;
    metadata[field] = value;
  }
  return { metadata: metadata as IngestMetadata, body: text.slice(match[0].length) };
}
