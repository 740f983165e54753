import { describe, expect, it } from 'vitest';
import { ingestText } from '../ingest/index.js';
import { EntityResolver, compareMentions, entityMentions, type EntityMention } from './entity-resolution.js';
import { editDistance, nameKey } from './name-keys.js';

function person(id: string, name: string, extra: Partial<EntityMention> = {}): EntityMention {
  return { id: `identity--${id}`, kind: 'person', name, aliases: [], reportId: `report--${id}`, ...extra };
}

describe('name keys', () => {
  it('folds scripts, accents, titles and transliteration variants together', () => {
    expect(nameKey('Ramzan Kadyrov')).toBe(nameKey('Рамзан Кадыров'));
    expect(nameKey('Ramzan Kadyrow')).toBe(nameKey('ramzan  KADYROV'));
    expect(nameKey('President Vladimir Putin')).toBe(nameKey('Владимир Путин'));
    expect(nameKey('François Molins')).toBe(nameKey('Francois Molins'));
    expect(nameKey('Ramzan Kadyrov')).not.toBe(nameKey('Akhmad Kadyrov'));
  });

  it('counts an adjacent transposition as one edit', () => {
    expect(editDistance('razman', 'ramzan')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('EntityResolver', () => {
  it('merges spellings and scripts of one name, saying why, and keeps which report brought each alias', () => {
    const resolver = new EntityResolver();
    const id = resolver.add(person('a', 'Ramzan Kadyrov'));
    expect(resolver.add(person('b', 'Ramzan Kadyrow'))).toBe(id);
    expect(resolver.add(person('c', 'Рамзан Кадыров'))).toBe(id);
    expect(resolver.history().map((e) => [e.action, e.reason, e.confidence])).toEqual([['merge', 'same name', 0.95], ['merge', 'same name', 0.95]]);
    expect(resolver.entity(id).aliases).toEqual([
      { alias: 'Ramzan Kadyrov', introducedBy: ['report--a'] },
      { alias: 'Ramzan Kadyrow', introducedBy: ['report--b'] },
      { alias: 'Рамзан Кадыров', introducedBy: ['report--c'] },
    ]);
  });

  it('merges a misspelling only when the context agrees', () => {
    const resolver = new EntityResolver();
    const id = resolver.add(person('a', 'Ramzan Kadyrov', { role: 'Chechen leader', country: 'RU' }));
    expect(resolver.add(person('b', 'Razman Kadyrov', { role: 'Chechen leader' }))).toBe(id);
    expect(resolver.history()[0]?.reason).toMatch(/similar name .* same role/u);
    expect(resolver.history()[0]?.confidence).toBe(0.7);
    const bare = new EntityResolver();
    const first = bare.add(person('a', 'Ramzan Kadyrov'));
    expect(bare.add(person('b', 'Razman Kadyrov'))).not.toBe(first);
  });

  it('never merges a person with a group, nor namesakes in different countries', () => {
    expect(compareMentions(person('a', 'Hamas'), { ...person('b', 'Hamas'), kind: 'group' })).toBeUndefined();
    expect(compareMentions(person('a', 'Mohammed Ali', { country: 'EG' }), person('b', 'Mohammed Ali', { country: 'PK' }))).toBeUndefined();
  });

  it('never merges two people who share only a surname, even through a bare-surname alias', () => {
    const resolver = new EntityResolver();
    const pm = resolver.add(person('a', 'Nawaz Sharif', { aliases: ['Sharif'] }));
    expect(resolver.add(person('b', 'Raheel Sharif', { aliases: ['Sharif'] }))).not.toBe(pm);
    expect(resolver.add(person('c', 'Sharif'))).toBe(pm);
  });

  it('merges a group with its alias', () => {
    const resolver = new EntityResolver();
    const group = (id: string, name: string, aliases: string[]): EntityMention => ({ id: `intrusion-set--${id}`, kind: 'group', name, aliases, reportId: `report--${id}` });
    const is = resolver.add(group('a', 'Islamic State', ['ISIL', 'Daesh']));
    expect(resolver.add(group('b', 'Daesh', []))).toBe(is);
    expect(resolver.add(group('c', 'Boko Haram', []))).not.toBe(is);
  });

  it('splits a wrong merge back into the sets it joined, keeps both in the history, and does not merge them again', () => {
    const resolver = new EntityResolver();
    const father = resolver.add(person('a', 'Akhmad Kadyrov', { country: 'RU' }));
    // A misspelt given name within the edit budget, same country: merged, wrongly.
    expect(resolver.add(person('b', 'Akhmed Kadyrov', { country: 'RU' }))).toBe(father);
    const later = resolver.add(person('c', 'Akhmed Kadyrov', { country: 'RU' }));
    expect(later).toBe(father);
    const [left, right] = resolver.split(1);
    expect(resolver.entity(left).mentions).toEqual(['identity--a']);
    expect(resolver.entity(right).mentions).toContain('identity--b');
    expect(resolver.entityIdOf('identity--c')).toBe(right);
    // The mention that joined after the wrong merge is resolved again, and that is logged too.
    expect(resolver.history().map((e) => e.action)).toEqual(['merge', 'merge', 'split', 'merge']);
    expect(resolver.add(person('d', 'Akhmed Kadyrov', { country: 'RU' }))).toBe(right);
    expect(() => resolver.split(1)).toThrow(/already split/u);
    expect(() => resolver.split(99)).toThrow(/No merge 99/u);
  });
});

describe('entityMentions', () => {
  it('reads the people, groups and places of an ingested report as mentions of that report', () => {
    const { bundle } = ingestText('Gunmen killed nine people at a market in Kano, Nigeria, on Tuesday. Boko Haram claimed the attack, police spokesman Abdullahi Haruna said.',
      { outlet: 'Test Courier', published: '2019-03-13' });
    const mentions = entityMentions(bundle.objects, 'fallback');
    const report = bundle.objects.find((o) => o.type === 'report')?.id;
    expect(mentions.find((m) => m.name === 'Boko Haram')).toMatchObject({ kind: 'group', reportId: report, country: 'NG' });
    expect(mentions.find((m) => m.name === 'Kano')).toMatchObject({ kind: 'place', country: 'NG' });
    expect(mentions.some((m) => m.name === 'entente')).toBe(false);
  });
});
