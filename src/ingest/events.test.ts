import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyse } from './analyse.js';
import { parsePublished } from './dates.js';
import { loadResources } from './load-resources.js';

const resources = loadResources('en');
const incidents = (text: string, published = '2019-08-03') => analyse(text, 'en', parsePublished(published), resources).incidents;

describe('incidents', () => {
  it('reads a bulletin: date, place, types, victims, attackers and success', () => {
    const [incident, ...rest] = incidents(
      'SECURITY BULLETIN — NORTH-EAST NIGERIA\n'
      + 'Maiduguri, 2 August: Two suicide bombers detonated explosives at a crowded market in Maiduguri on Friday, '
      + 'killing at least 18 civilians and wounding 40, police said. Both bombers died in the blasts.',
    );
    expect(rest).toEqual([]);
    expect(incident?.status).toBe('news');
    expect(incident?.date).toMatchObject({ date: '2019-08-02', precision: 'day' });
    expect(incident?.place?.place).toMatchObject({ countryCode: 'NG', name: 'Maiduguri' });
    expect([...(incident?.attackTypes ?? [])]).toEqual(['Bombing/Explosion']);
    expect([...(incident?.weaponTypes ?? [])]).toEqual(['Explosives']);
    expect([...(incident?.targetTypes ?? [])]).toContain('Business');
    expect(incident?.victimsKilled?.count).toMatchObject({ low: 18, qualifier: 'at-least' });
    expect(incident?.wounded?.count).toMatchObject({ low: 40, qualifier: 'exact' });
    expect(incident?.suicide).toBe(true);
    expect(incident?.success).toBe(true);
  });

  it('keeps an older attack mentioned for comparison as background, apart from the news', () => {
    const found = incidents(
      'Gunmen opened fire on worshippers at a mosque in Kano on Thursday, killing nine people. '
      + 'In 2014, a bombing at the same mosque killed more than 120 people.',
    );
    expect(found.map((i) => i.status)).toEqual(['news', 'background']);
    expect(found[0]?.victimsKilled?.count.low).toBe(9);
    expect(found[1]?.date).toMatchObject({ date: '2014', precision: 'year' });
    expect(found[1]?.victimsKilled?.count.low).toBe(120);
  });

  it('finds no incident in a speech about fighting terrorism', () => {
    expect(incidents(
      'The minister told parliament that the country must prevent attacks before they happen. '
      + '"We will fight terrorism with every lawful means, and we will share intelligence with our partners," she said. '
      + 'She announced new funding for counter-terrorism police.',
    )).toEqual([]);
  });

  it('turns a trial about an old attack into background only', () => {
    const found = incidents(
      'A court in Paris on Monday sentenced two men to life in prison for their part in the 2016 attack on a church in Normandy, '
      + 'in which a priest was killed.',
      '2019-03-11',
    );
    expect(found.every((i) => i.status === 'background')).toBe(true);
  });

  it('reports each item of a bulletin told as a separate attack as news', () => {
    const found = incidents(
      'A roadside bomb killed three soldiers near Kandahar on Friday, officials said.\n'
      + 'In a separate attack on Friday, gunmen killed five police officers at a checkpoint in Kunduz.',
    );
    expect(found.map((i) => [i.status, i.place?.mentions[0]?.text, i.victimsKilled?.count.low])).toEqual([
      ['news', 'Kandahar', 3],
      ['news', 'Kunduz', 5],
    ]);
  });

  it('makes the incident an analysis elaborates its news, though weeks old, and keeps passing mentions as background', () => {
    const found = incidents(
      'Two months on, Kano still asks how the market bombing happened\n\n'
      + 'In 2014, a bombing at a mosque in the city killed more than 120 people.\n'
      + 'On 2 June, two suicide bombers detonated explosives at the central market in Kano, killing 31 traders.\n'
      + 'The governor said the bombers had walked past three checkpoints. '
      + 'Traders say the market bombing left 80 people wounded and many stalls burnt out.',
      '2019-08-03',
    );
    expect(found.filter((i) => i.status === 'news').map((i) => i.date?.date)).toEqual(['2019-06-02']);
    expect(found.find((i) => i.date?.date === '2014')?.status).toBe('background');
  });

  it('keeps the attack a sentencing is about as background, however much the piece tells of it', () => {
    const found = incidents(
      'Court sentences three men over the Kano market bombing\n\n'
      + 'A court in Kano on Friday sentenced three men to life in prison.\n'
      + 'On 2 June, two suicide bombers detonated explosives at the central market in Kano, killing 31 traders.\n'
      + 'Traders say the market bombing left 80 people wounded and many stalls burnt out.',
      '2019-08-03',
    );
    expect(found.every((i) => i.status === 'background')).toBe(true);
  });

  it('places a market bombing where its headline, dateline and lede put it, not in the city of an older attack told below', () => {
    const article = readFileSync(new URL('./fixtures/marseille-market-bombing.txt', import.meta.url), 'utf8');
    const found = incidents(article, '2024-05-15');
    const news = found.filter((i) => i.status === 'news');
    expect(news.map((i) => [i.place?.place?.name, i.place?.place?.countryCode, i.date?.date, i.victimsKilled?.count.low])).toEqual([
      ['Marseille', 'FR', '2024-05-14', 4],
    ]);
    const lyon = found.find((i) => i.place?.place?.name === 'Lyon');
    expect(lyon?.status).toBe('background');
    // "The bombing came five years after a parcel bomb … in Lyon" tells both; the Lyon attack has a sentence of its own.
    expect([...(lyon?.sentences ?? [])].some((s) => !news[0]?.sentences.has(s))).toBe(true);
  });

  it('gives the news no place rather than the place of an earlier attack when its own sentences name none', () => {
    const found = incidents(
      'Four killed as bomb tears through city market\n\n'
      + 'A bomb hidden in a shopping trolley exploded at a crowded market on Thursday morning, killing four people and wounding 31.\n\n'
      + 'Firefighters evacuated the surrounding streets.\n\n'
      + 'The attack came five years after a parcel bomb wounded 13 people on a pedestrian street in Lyon.',
    );
    expect(found.filter((i) => i.status === 'news').map((i) => i.place?.name)).toEqual([undefined]);
    expect(found.find((i) => i.place?.place?.name === 'Lyon')?.status).toBe('background');
  });
});
