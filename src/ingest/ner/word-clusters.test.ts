import { describe, expect, it } from 'vitest';
import { deriveWordClusters } from './word-clusters.js';

describe('deriveWordClusters', () => {
  const sentences: string[][] = [];
  for (const city of ['Paris', 'Berlin', 'Madrid', 'Rome']) {
    for (const verb of ['visited', 'left', 'reached']) sentences.push(['he', verb, city, 'today']);
  }
  for (const day of ['Monday', 'Tuesday', 'Friday']) {
    for (const verb of ['came', 'went']) sentences.push(['on', day, 'she', verb]);
  }
  const options = { minCount: 2, contextWords: 20, depth: 6, iterations: 5 };
  const clusters = deriveWordClusters(sentences, options);

  it('gives every frequent enough word, lowercased, a path of the requested depth', () => {
    expect(clusters.get('paris')).toMatch(/^[01]{6}$/);
    expect(clusters.has('Paris')).toBe(false);
    expect([...clusters.values()].every((path) => path.length === 6)).toBe(true);
  });

  it('puts words used in the same contexts closer together than words used in others', () => {
    const shared = (a: string, b: string): number => {
      const [x, y] = [clusters.get(a) ?? '', clusters.get(b) ?? ''];
      let k = 0;
      while (k < x.length && x[k] === y[k]) k += 1;
      return k;
    };
    expect(shared('paris', 'rome')).toBeGreaterThan(shared('paris', 'monday'));
    expect(shared('monday', 'friday')).toBeGreaterThan(shared('monday', 'berlin'));
  });

  it('is deterministic', () => {
    expect(deriveWordClusters(sentences, options)).toEqual(clusters);
  });
});
