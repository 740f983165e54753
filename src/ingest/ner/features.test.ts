import { describe, expect, it } from 'vitest';
import { FeatureExtractor, shortWordShape, wordShape } from './features.js';
import { GazetteerBuilder } from './gazetteer.js';

describe('word shapes', () => {
  it('maps case and digits and keeps other characters', () => {
    expect(wordShape('Putin')).toBe('Xxxxx');
    expect(wordShape('U.S.')).toBe('X.X.');
    expect(wordShape('1996-08-22')).toBe('dddd-dd-dd');
    expect(wordShape("McDonald's")).toBe("XxXxxxx'x");
  });

  it('cuts runs longer than four in the long shape and collapses every run in the short one', () => {
    expect(wordShape('Kadyrovtsy')).toBe('Xxxxx');
    expect(shortWordShape('Kadyrovtsy')).toBe('Xx');
    expect(shortWordShape('1996-08-22')).toBe('d-d-d');
    expect(shortWordShape('Ñandú')).toBe('Xx');
  });
});

describe('FeatureExtractor', () => {
  it('describes the word, its affixes, shape, case and its ±2 window', () => {
    const [, putin] = new FeatureExtractor().extract(['Vladimir', 'Putin', 'met', 'Le', 'Pen']);
    expect(putin).toEqual(
      expect.arrayContaining([
        'bias',
        'w=Putin',
        'l=putin',
        'p1=p',
        'p4=puti',
        's2=in',
        's4=utin',
        'sh=Xxxxx',
        'ss=Xx',
        'initcap',
        'l-1=vladimir',
        'l-2=<s>',
        'l+1=met',
        'l+2=le',
        'ss+1=x',
        'sh-1=Xxxxx',
        'l-1,l0=vladimir|putin',
        'l0,l+1=putin|met',
        'ss-1,ss0,ss+1=Xx|Xx|x',
      ]),
    );
    expect(putin).not.toContain('allcap');
    expect(putin?.some((feature) => feature.startsWith('first'))).toBe(false);
  });

  it('marks the first token, digits, hyphens, all-capitals and abbreviations', () => {
    const features = new FeatureExtractor().extract(['U.S.', 'F-16', 'NATO', '1996']);
    expect(features[0]).toEqual(expect.arrayContaining(['first,ss0=X.X.', 'abbrev']));
    expect(features[1]).toEqual(expect.arrayContaining(['hashyphen', 'hasdigit']));
    expect(features[2]).toEqual(expect.arrayContaining(['allcap', 'initcap']));
    expect(features[3]).toEqual(expect.arrayContaining(['digits=4', 'hasdigit']));
  });

  it('marks every token of a headline set in capitals', () => {
    const features = new FeatureExtractor().extract(['BELARUS', 'BEAT', 'ESTONIA', '1-0']);
    expect(features[0]).toEqual(expect.arrayContaining(['capsline', 'capsline,l0=belarus']));
    expect(features[3]).toContain('capsline');
    expect(new FeatureExtractor().extract(['NATO', 'said'])[0]).not.toContain('capsline');
  });

  it('adds gazetteer positions for the token and its neighbours', () => {
    const builder = new GazetteerBuilder();
    builder.add('city', ['New', 'York']);
    builder.add('country', ['Russia']);
    const features = new FeatureExtractor({ gazetteer: builder.build() }).extract(['New', 'York', 'and', 'Russia']);
    expect(features[0]).toEqual(expect.arrayContaining(['g0=B-city', 'g+1=L-city']));
    expect(features[1]).toEqual(expect.arrayContaining(['g0=L-city', 'g-1=B-city']));
    expect(features[2]).toEqual(expect.arrayContaining(['g-1=L-city', 'g+1=U-country']));
    expect(features[2]?.some((feature) => feature.startsWith('g0='))).toBe(false);
  });

  it('adds cluster-path prefixes of the word and its neighbours', () => {
    const clusters = new Map([
      ['moscow', '110100101'],
      ['in', '0010'],
    ]);
    const [, moscow] = new FeatureExtractor({ clusters }).extract(['in', 'Moscow']);
    expect(moscow).toEqual(expect.arrayContaining(['c8=11010010', 'c12=110100101', 'c-1=0010', 'c+1=</s>']));
  });
});
