import { describe, expect, it } from 'vitest';
import { findDates, parsePublished } from './dates.js';
import { segment } from './segment.js';

function dates(text: string, published = '2017-03-25') {
  return findDates(segment(text, 'en'), parsePublished(published), 'en').map((d) => ({ text: d.text, date: d.date, precision: d.precision, anchor: d.anchor }));
}

describe('dates', () => {
  it('resolves relative dates against the publication date, into the past', () => {
    expect(dates('The attack came on Friday. Yesterday police made arrests.')).toEqual([
      { text: 'on Friday', date: '2017-03-24', precision: 'day', anchor: undefined },
      { text: 'Yesterday', date: '2017-03-24', precision: 'day', anchor: undefined },
    ]);
    expect(dates('The bombing on 14 July killed 86.')[0]).toMatchObject({ date: '2016-07-14', precision: 'day' });
    expect(dates('Gunmen struck in March.', '2017-02-10')[0]).toMatchObject({ date: '2016-03', precision: 'month' });
  });

  it('takes no month out of a longer word in another language ("Rue du Marché" is not March)', () => {
    expect(dates('A loud blast shook the Rue du Marché on Tuesday and the Marchés de Provence closed.')).toEqual([
      { text: 'on Tuesday', date: '2017-03-21', precision: 'day', anchor: undefined },
    ]);
    expect(dates('Stalls on the Rue du Marché stayed shut.')).toEqual([]);
  });

  it('reads years and anchors with their precision, and ignores counts', () => {
    expect(dates('A flight was brought down in 2015, and last year a bomb went off.')).toEqual([
      { text: '2015', date: '2015', precision: 'year', anchor: undefined },
      { text: 'last year', date: '2016', precision: 'year', anchor: undefined },
    ]);
    expect(dates('She met him on the day of the attack.')).toEqual([
      { text: 'on the day of the attack', date: undefined, precision: 'day', anchor: true },
    ]);
    expect(dates('The 2011 uprising changed everything; 2000 people marched.').map((d) => d.text)).toEqual(['2011']);
    expect(dates('Nothing changed in the months that followed.')).toEqual([]);
  });

  it('reads numeric dates around a year, which the year pattern alone would cut to the year', () => {
    expect(dates('The blast on 2015-11-13 killed 130.')[0]).toMatchObject({ date: '2015-11-13', precision: 'day' });
    expect(dates('The blast on 13.11.2015 killed 130.')[0]).toMatchObject({ date: '2015-11-13', precision: 'day' });
  });

  it('parses metadata dates and rejects nonsense', () => {
    expect(parsePublished('2017-03-24')?.toISOString()).toBe('2017-03-24T12:00:00.000Z');
    expect(parsePublished('2017-03-24T08:30:00Z')?.toISOString()).toBe('2017-03-24T08:30:00.000Z');
    expect(parsePublished('last Tuesday')).toBeUndefined();
  });
});
