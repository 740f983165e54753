import { describe, expect, it } from 'vitest';
import { isEntenteError } from '../../errors.js';
import { loadRecogniser } from './recogniser.js';

describe('the shipped model', () => {
  const recogniser = loadRecogniser();

  it('loads once and is shared', () => {
    expect(loadRecogniser()).toBe(recogniser);
  });

  it('tags the people and the place of a sentence', () => {
    const tokens = ['Vladimir', 'Putin', 'met', 'Marine', 'Le', 'Pen', 'in', 'Moscow', '.'];
    expect(recogniser.recognise(tokens)).toEqual([
      { type: 'PER', start: 0, end: 2 },
      { type: 'PER', start: 3, end: 6 },
      { type: 'LOC', start: 7, end: 8 },
    ]);
  });

  it('finds organisations and MISC adjectives in CoNLL-style tokens', () => {
    const tokens = ['The', 'U.S.', 'State', 'Department', 'said', 'French', 'troops', 'left', '.'];
    const spans = recogniser.recognise(tokens);
    expect(spans).toContainEqual({ type: 'MISC', start: 5, end: 6 });
    expect(spans.some((span) => span.type === 'ORG' && span.end === 4)).toBe(true);
  });

  it('returns nothing for an empty sentence', () => {
    expect(recogniser.recognise([])).toEqual([]);
  });
});

describe('loadRecogniser', () => {
  it('says how to get a model when the file is missing', () => {
    try {
      loadRecogniser('/nonexistent/ner.bin.gz');
      expect.unreachable();
    } catch (error) {
      expect(isEntenteError(error) && error.code).toBe('unavailable');
      expect(String(error)).toMatch(/npm run train:ner/);
    }
  });
});
