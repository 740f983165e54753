import { describe, expect, it } from 'vitest';
import { Gazetteer, GazetteerBuilder } from './gazetteer.js';

describe('Gazetteer', () => {
  const builder = new GazetteerBuilder();
  builder.add('PER', ['Marine', 'Le', 'Pen']);
  builder.add('PER', ['Le', 'Pen']);
  builder.add('city', ['Moscow']);
  builder.add('ORG', ['Moscow']);
  const gazetteer = builder.build();

  it('marks the longest phrase of each list, in BILOU positions', () => {
    expect(gazetteer.match(['Marine', 'Le', 'Pen', 'in', 'Moscow'])).toEqual([
      ['B-PER'],
      ['I-PER'],
      ['L-PER'],
      [],
      ['U-city', 'U-ORG'],
    ]);
  });

  it('looks up a headline word in capitals in title case, unless the capitals are listed', () => {
    const withAcronym = new GazetteerBuilder();
    withAcronym.add('city', ['New', 'Hampshire']);
    withAcronym.add('ORG', ['NATO']);
    expect(withAcronym.build().match(['NEW', 'HAMPSHIRE', 'NATO', 'Nato'])).toEqual([
      ['B-city'],
      ['L-city'],
      ['U-ORG'],
      [],
    ]);
  });

  it('survives a round trip through its data', () => {
    const copy = new Gazetteer(gazetteer.toData());
    expect(copy.match(['Le', 'Pen'])).toEqual([['B-PER'], ['L-PER']]);
    expect(copy.size).toBe(gazetteer.size);
  });

  it('ignores phrases longer than it can match', () => {
    const long = new GazetteerBuilder();
    long.add('ORG', ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(long.build().size).toBe(0);
  });
});
