import { describe, expect, it } from 'vitest';
import { loadResources } from './load-resources.js';
import { findMentions } from './mentions.js';
import type { IngestResources } from './resources.js';
import { resolveEntities } from './resolve.js';
import { segment } from './segment.js';

const resources = loadResources('en');

function analyse(text: string, using: IngestResources = resources) {
  const segmented = segment(text, 'en');
  const mentions = findMentions(segmented, using);
  return { mentions, resolved: resolveEntities(mentions, using) };
}

describe('mentions and resolve', () => {
  it('reads roles from premodifiers and appositions, and links "Ms X" and "the … president" to the full name', () => {
    const text = 'Lithuanian foreign minister Gabrielius Landsbergis met Ukrainian president Volodymyr Zelensky in Kyiv. '
      + 'Jane Doerr, head of the city’s emergency service, said the shelter was full. Ms Doerr added that help was coming. '
      + 'The Ukrainian president thanked him.';
    const { resolved } = analyse(text);
    const people = resolved.entities.filter((e) => e.kind === 'person');
    const byName = (name: string) => people.find((p) => p.name === name);
    expect(byName('Gabrielius Landsbergis')?.roles.map((r) => r.text)).toEqual(['Lithuanian foreign minister']);
    expect(byName('Jane Doerr')?.roles.map((r) => r.text)).toEqual(['head of the city’s emergency service']);
    expect([...(byName('Jane Doerr')?.aliases ?? [])]).toEqual(['Doerr']);
    const zelensky = byName('Volodymyr Zelensky');
    expect(zelensky?.mentions.map((m) => m.text)).toEqual(['Volodymyr Zelensky', 'Ukrainian president']);
    const kyiv = resolved.entities.find((e) => e.kind === 'place');
    expect(kyiv?.place?.countryCode).toBe('UA');
  });

  it('resolves group aliases to one canonical group, strips titles from names and keeps organisations apart', () => {
    const text = 'Daesh claimed the attack. Officials at the Interior Ministry said Islamic State fighters were behind it, '
      + 'and President Emmanuel Macron spoke to the Foreign Office.';
    const { resolved } = analyse(text);
    const groups = resolved.entities.filter((e) => e.kind === 'group');
    expect(groups).toHaveLength(1);
    expect(groups[0]?.name).toBe('Islamic State');
    expect([...(groups[0]?.aliases ?? [])]).toContain('Daesh');
    const macron = resolved.entities.find((e) => e.kind === 'person');
    expect(macron?.name).toBe('Emmanuel Macron');
    expect(macron?.roles.map((r) => r.text)).toEqual(['President']);
    const orgs = resolved.entities.filter((e) => e.kind === 'organization').map((e) => e.name);
    expect(orgs).toEqual(expect.arrayContaining(['Interior Ministry', 'Foreign Office']));
  });

  it('corrects a misspelt name through the persons gazetteer and keeps the spelling', () => {
    const { resolved } = analyse('In Grozny, Chechen leader Razman Kadyrov said the region was calm.');
    const person = resolved.entities.find((e) => e.kind === 'person');
    expect(person?.name).toBe('Ramzan Kadyrov');
    expect([...(person?.aliases ?? [])]).toContain('Razman Kadyrov');
  });

  it('falls back on capitalisation and the gazetteers when no recogniser model is installed', () => {
    const { recognise: _model, ...withoutModel } = resources;
    const { resolved } = analyse('Security chief Amina Bello said Boko Haram fighters attacked Maiduguri, according to Reuters.', withoutModel);
    const found = resolved.entities.map((e) => [e.kind, e.name]);
    expect(found).toEqual(expect.arrayContaining([['person', 'Amina Bello'], ['group', 'Boko Haram'], ['place', 'Maiduguri']]));
    expect(resolved.entities.find((e) => e.name === 'Amina Bello')?.roles.map((r) => r.text)).toEqual(['Security chief']);
  });

  it('reads a city the recogniser takes for its football club as the place where the text sets it, and only there', () => {
    const { mentions } = analyse('MARSEILLE, May 14 - A bomb exploded at a market in Marseille on Tuesday. Marseille beat Lyon 2-1 on Sunday.');
    const kinds = mentions.filter((m) => /marseille/iu.test(m.text)).map((m) => [m.text, m.kind]);
    expect(kinds.slice(0, 2)).toEqual([['MARSEILLE', 'place'], ['Marseille', 'place']]);
    expect(kinds[2]?.[1]).not.toBe('place');
  });
});
