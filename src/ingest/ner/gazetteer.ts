/**
 * A phrase dictionary over tokens: each phrase belongs to one or more named lists
 * ("PER" names seen in training, "country", "city", …). Matching marks each token
 * with its BILOU position inside the longest phrase of each list that covers it,
 * which the feature extractor turns into features (Ratinov & Roth 2009, §6).
 */
export interface GazetteerData {
  lists: string[];
  /** Phrase (tokens joined by one space) → bit mask over `lists`. */
  phrases: [string, number][];
}

export const MAX_PHRASE_TOKENS = 6;

/** "BELARUS", "O'NEILL", "U.S.": a capital, then one or more capitals, apostrophes, dots or hyphens (no regex: it runs on every token). */
function isCapitalsWord(token: string): boolean {
  if (token.length < 2) return false;
  const first = token.charCodeAt(0);
  if (first < 65 || first > 90) return false;
  for (let k = 1; k < token.length; k += 1) {
    const code = token.charCodeAt(k);
    if (!((code >= 65 && code <= 90) || code === 39 || code === 46 || code === 45)) return false;
  }
  return true;
}

export class Gazetteer {
  readonly lists: readonly string[];
  private readonly phrases: Map<string, number>;
  /** First token → longest phrase length starting with it, to skip most lookups. */
  private readonly firstTokens = new Map<string, number>();
  /** Every token of every phrase. */
  private readonly vocabulary = new Set<string>();

  constructor(data: GazetteerData) {
    this.lists = data.lists;
    this.phrases = new Map(data.phrases);
    for (const [phrase] of data.phrases) {
      const parts = phrase.split(' ');
      for (const part of parts) this.vocabulary.add(part);
      const first = parts[0] ?? '';
      this.firstTokens.set(first, Math.max(this.firstTokens.get(first) ?? 0, parts.length));
    }
  }

  get size(): number {
    return this.phrases.size;
  }

  private normalise(token: string): string {
    if (!isCapitalsWord(token) || this.vocabulary.has(token)) return token;
    return token.charAt(0) + token.slice(1).toLowerCase();
  }

  toData(): GazetteerData {
    return { lists: [...this.lists], phrases: [...this.phrases] };
  }

  /**
   * For each token, the gazetteer features it carries, e.g. "B-country", "L-country".
   * For each list, the longest phrase wins and matches do not overlap. Headlines
   * are in capitals ("BELARUS BEAT ESTONIA"), so a capitalised token that no phrase
   * contains is looked up in title case.
   */
  match(original: readonly string[]): string[][] {
    const tokens = original.map((token) => this.normalise(token));
    const marks: string[][] = tokens.map(() => []);
    const coveredUntil: number[] = new Array<number>(this.lists.length).fill(0);
    for (let start = 0; start < tokens.length; start += 1) {
      const longest = this.firstTokens.get(tokens[start] ?? '');
      if (longest === undefined) continue;
      let phrase = '';
      const found: { end: number; mask: number }[] = [];
      const limit = Math.min(tokens.length, start + longest);
      for (let end = start + 1; end <= limit; end += 1) {
        phrase = end === start + 1 ? (tokens[start] ?? '') : `${phrase} ${tokens[end - 1] ?? ''}`;
        const mask = this.phrases.get(phrase);
        if (mask !== undefined) found.push({ end, mask });
      }
      for (let list = 0; list < this.lists.length; list += 1) {
        if ((coveredUntil[list] ?? 0) > start) continue;
        const bit = 1 << list;
        let end = 0;
        for (const hit of found) if (hit.mask & bit) end = hit.end;
        if (end === 0) continue;
        coveredUntil[list] = end;
        const name = this.lists[list] ?? '';
        if (end - start === 1) {
          marks[start]?.push(`U-${name}`);
          continue;
        }
        marks[start]?.push(`B-${name}`);
        for (let i = start + 1; i < end - 1; i += 1) marks[i]?.push(`I-${name}`);
        marks[end - 1]?.push(`L-${name}`);
      }
    }
    return marks;
  }
}

/** Collects phrases into lists, then freezes them into a {@link Gazetteer}. */
export class GazetteerBuilder {
  private readonly lists: string[] = [];
  private readonly phrases = new Map<string, number>();

  add(list: string, tokens: readonly string[]): void {
    if (tokens.length === 0 || tokens.length > MAX_PHRASE_TOKENS) return;
    let index = this.lists.indexOf(list);
    if (index < 0) {
      index = this.lists.length;
      this.lists.push(list);
    }
    const phrase = tokens.join(' ');
    this.phrases.set(phrase, (this.phrases.get(phrase) ?? 0) | (1 << index));
  }

  build(): Gazetteer {
    return new Gazetteer({ lists: [...this.lists], phrases: [...this.phrases] });
  }
}
