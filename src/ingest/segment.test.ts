import { describe, expect, it } from 'vitest';
import { foldQuotes, segment } from './segment.js';

describe('segment', () => {
  const text = 'DAMASCUS BULLETIN 14/3\n“We will not stop,” said Mr. Haddad of the U.S.-backed council. The army’s chief agreed.\nNo casualties were reported.';
  const result = segment(text, 'en');

  it('gives every token its exact character span', () => {
    for (const token of result.tokens) expect(text.slice(token.start, token.end)).toBe(token.text);
  });

  it('splits sentences within paragraphs, never across a line break', () => {
    const sentences = result.sentences.map((s) => text.slice(s.start, s.end));
    expect(sentences).toEqual([
      'DAMASCUS BULLETIN 14/3',
      '“We will not stop,” said Mr. Haddad of the U.S.-backed council.',
      'The army’s chief agreed.',
      'No casualties were reported.',
    ]);
    expect(result.sentences.map((s) => s.paragraph)).toEqual([0, 1, 1, 2]);
  });

  it('keeps abbreviations whole and folds curly quotes in the lower-case form', () => {
    const words = result.tokens.map((t) => t.text);
    expect(words).toContain('Mr.');
    expect(words).toContain('U.S.');
    expect(result.tokens.find((t) => t.text === '’s')?.lower).toBe("'s");
    expect(result.tokens.find((t) => t.text === 'agreed')?.lemma).toBe('agree');
  });
});

describe('foldQuotes', () => {
  it('folds typographic quotes to ASCII and leaves every other character alone', () => {
    expect(foldQuotes('“it’s «done»”')).toBe('"it\'s "done""');
    expect(foldQuotes('Île-de-France')).toBe('Île-de-France');
    expect(foldQuotes('plain')).toBe('plain');
  });
});
