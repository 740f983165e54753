import { describe, expect, it } from 'vitest';
import { NameIndex, keyHash, nameHash } from './name-index.js';
import { nameKey } from './normalize.js';

describe('nameHash', () => {
  it('hashes a name as its folded key would hash', () => {
    for (const name of ['Paris', 'New York', 'Île-de-France', "Nal’chik", 'SAINT DENIS']) {
      expect(nameHash(name)).toBe(keyHash(nameKey(name)));
    }
  });
});

describe('NameIndex', () => {
  const names = ['Paris', 'Groznyy', 'Paris', 'Gasteiz / Vitoria', 'Jalālābād', 'Saint-Denis'];
  const index = new NameIndex(names);
  index.addName('Vitoria', 3);
  index.addName('Grozny', 1);

  it('finds every row of a name, whatever its case, accents and hyphens', () => {
    expect(index.find('paris')).toEqual([0, 2]);
    expect(index.find('Jalalabad')).toEqual([4]);
    expect(index.find('saint denis')).toEqual([5]);
  });

  it('finds rows by the names added to them', () => {
    expect(index.find('Grozny')).toEqual([1]);
    expect(index.find('Vitoria')).toEqual([3]);
  });

  it('finds nothing for other names, even in a crowded table', () => {
    expect(index.find('Lyon')).toEqual([]);
    expect(index.find('')).toEqual([]);
    const many = Array.from({ length: 5000 }, (_, i) => `Town ${i}`);
    const big = new NameIndex(many);
    expect(big.find('town 4321')).toEqual([4321]);
    expect(big.find('town 5000')).toEqual([]);
  });
});
