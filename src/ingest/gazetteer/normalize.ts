/**
 * Name keys shared by the gazetteers: one folding rule so that "Île-de-France",
 * "Ile de France" and "ILE-DE-FRANCE" meet in the same map slot.
 */

const APOSTROPHES = /['’‘`ʻʼ´]/g;
const SEPARATORS = /[-‐‑‒–—_./,()]+/g;
/** Plain words and single spaces only: nothing to fold but case. */
const PLAIN = /^[A-Za-z0-9]+(?: [A-Za-z0-9]+)*$/;
const ASCII = /^[\x20-\x7e]*$/;

/** Case, diacritics, apostrophes, hyphens and spacing folded away. */
export function nameKey(text: string): string {
  // Most names are plain ASCII: the fast paths keep loading 135,000 city names cheap.
  if (PLAIN.test(text)) return text.toLowerCase();
  const unaccented = ASCII.test(text)
    ? text
    : text
        .normalize('NFKD')
        .replace(/\p{M}+/gu, '')
        .replace(/ß/g, 'ss')
        .replace(/[łŁ]/g, 'l')
        .replace(/[øØ]/g, 'o')
        .replace(/[đĐ]/g, 'd');
  return unaccented.toLowerCase().replace(APOSTROPHES, '').replace(SEPARATORS, ' ').replace(/\s+/g, ' ').trim();
}
