import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findGroupMentions, groupByCanonical, listGroups, resolveGroup } from './groups.js';
import { tokenize } from './group-tokens.js';

describe('resolveGroup', () => {
  it.each([
    ['IS', 'Islamic State'],
    ['ISIS', 'Islamic State'],
    ['ISIL', 'Islamic State'],
    ['Daesh', 'Islamic State'],
    ['the Islamic State', 'Islamic State'],
    ['Islamic State of Iraq and the Levant', 'Islamic State'],
    ['ISKP', 'Islamic State Khorasan Province'],
    ['IS-K', 'Islamic State Khorasan Province'],
    ['Wilayat Sinai', 'Islamic State Sinai Province'],
    ['al Qaeda', 'al-Qaeda'],
    ['Al-Qaida', 'al-Qaeda'],
    ['AlQaeda', 'al-Qaeda'],
    ['aqap', 'al-Qaeda in the Arabian Peninsula'],
    ['al-Shabab', 'al-Shabaab'],
    ['Harakat al-Shabaab al-Mujahideen', 'al-Shabaab'],
    ['Tehreek-e-Taliban Pakistan', 'Tehrik-i-Taliban Pakistan'],
    ['Pakistani Taliban', 'Tehrik-i-Taliban Pakistan'],
    ['Taliban', 'Taliban'],
    ['Jabhat al-Nusra', 'al-Nusra Front'],
    ['HTS', 'Hayat Tahrir al-Sham'],
    ['Lashkar-i-Taiba', 'Lashkar-e-Taiba'],
    ["Lord's Resistance Army", "Lord's Resistance Army"],
    ['National Thowheeth Jamaath', "National Thowheeth Jama'ath"],
    ['Imarat Kavkaz', 'Caucasus Emirate'],
    ['New IRA', 'New Irish Republican Army'],
    ['Ansar Allah', 'Houthis'],
    ['The Base', 'The Base'],
  ])('%s → %s', (name, canonical) => {
    expect(resolveGroup(name)?.canonical).toBe(canonical);
  });

  it('reads GTD-style names with the acronym in brackets', () => {
    expect(resolveGroup('Tehrik-i-Taliban Pakistan (TTP)')?.canonical).toBe('Tehrik-i-Taliban Pakistan');
    expect(resolveGroup('Kurdistan Workers\' Party (PKK)')?.canonical).toBe("Kurdistan Workers' Party");
    expect(resolveGroup('Islamic State (JMB)')).toBeUndefined();
  });

  it('rejects the verb, common words and partial names', () => {
    expect(resolveGroup('is')).toBeUndefined();
    expect(resolveGroup('base')).toBeUndefined();
    expect(resolveGroup('Islamic State supporters in Europe')).toBeUndefined();
  });

  it('reports the alias that matched', () => {
    expect(resolveGroup('Daech')).toMatchObject({ canonical: 'Islamic State', matchedAlias: 'Daech' });
  });
});

describe('findGroupMentions', () => {
  it('finds aliases with their spans, longest first, including the article', () => {
    const text = "The Pakistani Taliban and Jamaat-ul-Ahrar, a TTP splinter, rival al-Shabab and the Islamic State's Khorasan branch.";
    const mentions = findGroupMentions(text);
    expect(mentions.map((m) => [m.text, m.canonical])).toEqual([
      ['Pakistani Taliban', 'Tehrik-i-Taliban Pakistan'],
      ['Jamaat-ul-Ahrar', 'Jamaat-ul-Ahrar'],
      ['TTP', 'Tehrik-i-Taliban Pakistan'],
      ['al-Shabab', 'al-Shabaab'],
      ["Islamic State's Khorasan", 'Islamic State Khorasan Province'],
    ]);
    for (const m of mentions) expect(text.slice(m.start, m.end)).toBe(m.text);
  });

  it('takes "IS" only as a group beside a group word, never the verb or a shouted headline', () => {
    expect(findGroupMentions('IS fighters attacked. Claimed by IS. IS-linked accounts said so.').map((m) => m.text)).toEqual(['IS', 'IS', 'IS']);
    expect(findGroupMentions('WHAT IS KNOWN ABOUT THE ATTACK')).toEqual([]);
    expect(findGroupMentions('The toll is rising and it is unclear who IS behind it')).toEqual([]);
  });

  it('takes a group named with common words only beside a group word', () => {
    expect(findGroupMentions('under the National Action Plan')).toEqual([]);
    expect(findGroupMentions('National Action members were jailed').map((m) => m.canonical)).toEqual(['National Action']);
    expect(findGroupMentions('the base of the army')).toEqual([]);
  });

  it('does not join names across sentences', () => {
    expect(findGroupMentions('They fled to the Islamic. State media said nothing.')).toEqual([]);
  });
});

describe('the group table', () => {
  it('has at least 80 groups, each with sources, and parents that exist', () => {
    const groups = listGroups();
    expect(groups.length).toBeGreaterThanOrEqual(80);
    for (const group of groups) {
      expect(group.sources.wikipedia).toBeTruthy();
      if (group.parent !== undefined) expect(groupByCanonical(group.parent)).toBeDefined();
      for (const related of group.related ?? []) expect(groupByCanonical(related)).toBeDefined();
    }
  });

  it('resolves the canonical and the GTD name of every group to that group', () => {
    const wrong: string[] = [];
    for (const group of listGroups()) {
      for (const name of [group.canonical, group.sources.gtd]) {
        if (name !== undefined && resolveGroup(name)?.canonical !== group.canonical) wrong.push(`${name} → ${resolveGroup(name)?.canonical ?? 'nothing'}, not ${group.canonical}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('gives no two groups the same alias', () => {
    const owner = new Map<string, string>();
    for (const group of listGroups()) {
      const keys = [group.canonical, ...group.aliases].map((alias) => tokenize(alias).map((t) => t.folded).join(' '));
      for (const key of new Set(keys)) {
        const previous = owner.get(key);
        expect(previous === undefined || previous === group.canonical, `${key}: ${previous} and ${group.canonical}`).toBe(true);
        owner.set(key, group.canonical);
      }
    }
  });
});

describe('findGroupMentions on any text', () => {
  it('returns ordered, non-overlapping spans that cut the text where it says', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('IS', 'ISIS', 'al-', 'Shabaab', 'the', 'Islamic', 'State', "'s", ' ', '-', '.', 'claimed', 'Taliban', 'é', '\n\n', 'Pakistani'), { maxLength: 40 }), (parts) => {
        const text = parts.join(' ');
        let last = 0;
        for (const mention of findGroupMentions(text)) {
          expect(mention.start).toBeGreaterThanOrEqual(last);
          expect(mention.end).toBeGreaterThan(mention.start);
          expect(text.slice(mention.start, mention.end)).toBe(mention.text);
          last = mention.end;
        }
      }),
    );
  });
});
