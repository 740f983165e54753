import { describe, expect, it } from 'vitest';
import { findCasualties } from './casualties.js';
import { segment } from './segment.js';

function figures(sentence: string) {
  const segmented = segment(sentence, 'en');
  return findCasualties(segmented, 0, segmented.tokens.length).map((f) => ({ what: f.what, perpetrators: f.perpetrators, ...f.count }));
}

describe('casualty figures', () => {
  it('reads victims with their qualifiers, on either side of the predicate', () => {
    expect(figures('At least twelve soldiers were killed and 30 wounded when the convoy was hit.')).toEqual([
      { what: 'killed', perpetrators: false, low: 12, high: null, qualifier: 'at-least', text: 'At least twelve' },
      { what: 'wounded', perpetrators: false, low: 30, high: 30, qualifier: 'exact', text: '30' },
    ]);
    expect(figures('The bomber struck the market, killing more than 40 people and wounding dozens.')).toEqual([
      { what: 'killed', perpetrators: false, low: 40, high: null, qualifier: 'more-than', text: 'more than 40' },
      { what: 'wounded', perpetrators: false, low: 24, high: 99, qualifier: 'range', text: 'dozens' },
    ]);
    expect(figures('The death toll rose to 276 on Monday.')).toMatchObject([{ what: 'killed', low: 276 }]);
  });

  it('tells attackers from victims', () => {
    expect(figures('Five attackers were shot dead by the police.')).toMatchObject([{ what: 'killed', perpetrators: true, low: 5 }]);
    expect(figures('The gunman killed 27 tourists before he was shot dead.')).toMatchObject([
      { what: 'killed', perpetrators: false, low: 27 },
      { what: 'killed', perpetrators: true, low: 1, qualifier: 'exact' },
    ]);
    expect(figures('The raiders were neutralised after a gun battle.')).toMatchObject([
      { what: 'killed', perpetrators: true, low: null, qualifier: 'unknown' },
    ]);
  });

  it('does not read ages, years, sentences or hostages taken as deaths', () => {
    expect(figures('A 23-year-old student was arrested in 2016.')).toEqual([]);
    expect(figures('The court sentenced seven men to death.')).toEqual([]);
    expect(figures('Militants took 20 hostages.')).toMatchObject([{ what: 'hostages', low: 20 }]);
  });
});
