/**
 * Name normalisation for entity resolution: the same person or group written
 * by different outlets, in different scripts and spellings ("Kadyrov",
 * "Kadyrow", "Кадыров") folds to one comparison key.
 */

/** Russian Cyrillic to Latin, as English-language outlets usually write it (BGN/PCGN, simplified). */
const CYRILLIC: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
  ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya', і: 'i', ї: 'yi', є: 'ye', ґ: 'g',
};

/** Titles and honorifics that say nothing about who the person is. */
const TITLES = new Set([
  'mr', 'mrs', 'ms', 'dr', 'president', 'prime', 'minister', 'gen', 'general', 'col', 'colonel', 'sheikh', 'imam',
  'sir', 'lord', 'judge', 'chief', 'commander', 'leader', 'spokesman', 'spokeswoman', 'head', 'the',
]);

/** Lower case, no accents, Latin script, no punctuation, single spaces. */
export function normaliseEntityName(name: string): string {
  const lower = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  const latin = [...lower].map((c) => CYRILLIC[c] ?? c).join('');
  return latin.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** The words of a person's name without titles. */
export function nameTokens(name: string): string[] {
  return normaliseEntityName(name).split(' ').filter((t) => t !== '' && !TITLES.has(t));
}

/**
 * A spelling-insensitive key for one word: transliteration variants fold
 * together (w/v, ph/f, kh/h, y/i, j/i, ou/u, doubled letters).
 */
export function foldWord(word: string): string {
  return word
    .replace(/ph/gu, 'f')
    .replace(/kh/gu, 'h')
    .replace(/ou/gu, 'u')
    .replace(/w/gu, 'v')
    .replace(/[yj]/gu, 'i')
    .replace(/(.)\1+/gu, '$1');
}

/** The folded key of a whole name (titles dropped). */
export function nameKey(name: string): string {
  return nameTokens(name).map(foldWord).join(' ');
}

/**
 * Optimal string alignment distance (Damerau–Levenshtein with adjacent
 * transpositions), so that "Razman" is one edit from "Ramzan".
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((d[i - 1]?.[j] ?? 0) + 1, (d[i]?.[j - 1] ?? 0) + 1, (d[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (d[i - 2]?.[j - 2] ?? 0) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return d[a.length]?.[b.length] ?? 0;
}

/** Edits a word of this length may differ by and still be a misspelling rather than another name. */
export function allowedEdits(length: number): number {
  return length >= 8 ? 2 : length >= 5 ? 1 : 0;
}
