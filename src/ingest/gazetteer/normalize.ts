/**
 * Name keys shared by the gazetteers: one folding rule so that "Île-de-France",
 * "Ile de France" and "ILE-DE-FRANCE" meet in the same map slot.
 */

const APOSTROPHES = /['’‘`ʻʼ´]/g;
const SEPARATORS = /[-‐‑‒–—_./,()]+/g;

/** Case, diacritics, apostrophes, hyphens and spacing folded away. */
export function nameKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[łŁ]/g, 'l')
    .replace(/[øØ]/g, 'o')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .replace(SEPARATORS, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
