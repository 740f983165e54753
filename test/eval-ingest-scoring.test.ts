import { describe, expect, it } from 'vitest';
import { INCIDENT_EXTENSION_ID, ATTRIBUTION_EXTENSION_ID } from '../src/stix/extensions.js';
import { GTD_ATTACK_TYPES, GTD_TARGET_TYPES, GTD_WEAPON_TYPES } from '../src/stix/gtd-codebook.js';
import type { StixObject } from '../src/stix/stix-object.js';
import { expectationFor, parseArticle, type IncidentLabel, type LabelFile } from '../scripts/eval-ingest/labels.js';
import { countValue, incidentsFromBundle, type PredictedIncident } from '../scripts/eval-ingest/prediction.js';
import {
  gtdCategory, jaccard, mainAttribution, renderTable, sameChannel, sameGroup, samePlace, scoreArticle, summarise,
} from '../scripts/eval-ingest/scoring.js';

// A made-up incident in the labels' schema; no text of the dev set is used.
const incident: IncidentLabel = {
  id: 'T01',
  reports: ['T01-a', 'T01-b'],
  date: '2020-05-01',
  country: 'RU',
  region: 'Chechnya',
  city: 'Grozny',
  attack_types: ['Armed Assault'],
  target_types: ['Military'],
  weapon_types: ['Firearms'],
  killed_victims: 6,
  killed_perpetrators: 6,
  wounded: null,
  perpetrator: { name: 'Islamic State', aliases_in_text: ['IS'] },
  claimed: true,
  claimed_by: 'Islamic State',
  claim_channel: 'Amaq news agency',
  per_report: {
    'T01-a': { killed_victims: 5, wounded: null, perpetrator: null, perpetrator_status: null, claimed: false },
    'T01-b': { killed_victims: 6, wounded: 3, perpetrator: 'Islamic State', perpetrator_status: 'claimed', claimed: true },
  },
};
const labels: LabelFile = { incidents: [incident], distractors: ['T99'], other_incidents_mentioned: {} };

function predicted(overrides: Partial<PredictedIncident> = {}): PredictedIncident {
  return {
    status: 'news',
    date: '2020-05-01',
    country: 'RU',
    region: 'Chechen Republic',
    city: 'Groznyy',
    attackTypes: ['Armed Assault'],
    targetTypes: ['Military'],
    weaponTypes: ['Firearms', 'Explosives'],
    killedVictims: 6,
    killedPerpetrators: 6,
    wounded: 3,
    claimed: true,
    attributions: [{ group: 'ISIS', kind: 'claim', channel: 'the Amaq agency' }],
    ...overrides,
  };
}

describe('parseArticle', () => {
  it('reads the header and keeps headline and body', () => {
    const article = parseArticle('T01-a', 'outlet: The Test\npublished: 2020-05-02\nlanguage: en\n\nHeadline\n\nBody text.');
    expect(article.header).toEqual({ outlet: 'The Test', published: '2020-05-02', language: 'en' });
    expect(article.body).toBe('Headline\n\nBody text.');
  });
});

describe('expectationFor', () => {
  it('finds the incident and the per-report labels, or a distractor', () => {
    expect(expectationFor(labels, 'T01-b')).toMatchObject({ kind: 'incident', report: { wounded: 3 } });
    expect(expectationFor(labels, 'T99')).toEqual({ kind: 'distractor' });
    expect(expectationFor(labels, 'nope')).toBeUndefined();
  });
});

describe('field comparisons', () => {
  it('applies the labels number conventions to counts', () => {
    expect(countValue({ low: 6, high: null, qualifier: 'at-least', text: 'at least six' })).toBe(6);
    expect(countValue({ low: 24, high: 99, qualifier: 'range', text: 'dozens' })).toBeNull();
    expect(countValue({ low: null, high: 10, qualifier: 'at-most', text: 'up to 10' })).toBe(10);
    expect(countValue(undefined)).toBeNull();
  });

  it('matches groups through their aliases, places through the gazetteer, channels by content word', () => {
    expect(sameGroup('Islamic State', 'Daesh')).toBe(true);
    expect(sameGroup('Islamic State', 'al-Qaeda')).toBe(false);
    expect(samePlace('Grozny', 'Groznyy', 'city', 'RU')).toBe(true);
    expect(samePlace('Chechnya', 'Chechen Republic', 'region', 'RU')).toBe(true);
    expect(samePlace('Chechnya', 'Dagestan', 'region', 'RU')).toBe(false);
    expect(sameChannel('Amaq news agency', 'Amaq')).toBe(true);
    expect(sameChannel('Amaq news agency', 'a video')).toBe(false);
    expect(jaccard(['a', 'b'], ['b', 'c'])).toBeCloseTo(1 / 3);
  });

  it('takes the codebook names and their short forms to the same GTD category', () => {
    expect(gtdCategory(GTD_ATTACK_TYPES, 'Hostage Taking (Barricade)')).toBe(gtdCategory(GTD_ATTACK_TYPES, 'Hostage Taking (Barricade Incident)'));
    expect(gtdCategory(GTD_ATTACK_TYPES, 'Hostage Taking (Barricade)')).not.toBe(gtdCategory(GTD_ATTACK_TYPES, 'Hostage Taking (Kidnapping)'));
    expect(gtdCategory(GTD_WEAPON_TYPES, 'Vehicle'))
      .toBe(gtdCategory(GTD_WEAPON_TYPES, 'Vehicle (not to include vehicle-borne explosives, i.e., car or truck bombs)'));
    expect(gtdCategory(GTD_WEAPON_TYPES, 'Firearms')).toBe('code 5');
    // "Government" begins two target categories, so it names neither.
    expect(gtdCategory(GTD_TARGET_TYPES, 'Government')).toBe('Government');
  });

  it('scores a short-form label against the codebook name as the same set', () => {
    const label = { ...incident, attack_types: ['Hostage Taking (Barricade)'], weapon_types: ['Vehicle', 'Melee'] };
    const shortForms: LabelFile = { ...labels, incidents: [label] };
    const found = predicted({
      attackTypes: ['Hostage Taking (Barricade Incident)'],
      weaponTypes: ['Melee', 'Vehicle (not to include vehicle-borne explosives, i.e., car or truck bombs)'],
    });
    const results = scoreArticle(expectationFor(shortForms, 'T01-b')!, 'en', { unsupported: false, incidents: [found] }, 0);
    expect(results.find((r) => r.field === 'attackTypes')?.correct).toBe(true);
    expect(results.find((r) => r.field === 'weaponTypes')?.correct).toBe(true);
    const kidnapping = scoreArticle(expectationFor(shortForms, 'T01-b')!, 'en',
      { unsupported: false, incidents: [predicted({ attackTypes: ['Hostage Taking (Kidnapping)'] })] }, 0);
    expect(kidnapping.find((r) => r.field === 'attackTypes')?.correct).toBe(false);
  });

  it('takes an official attribution over a claim as the perpetrator', () => {
    const main = mainAttribution([{ group: 'IS', kind: 'claim' }, { group: 'JMB', kind: 'official' }]);
    expect(main?.group).toBe('JMB');
  });
});

describe('scoreArticle', () => {
  it('scores every field of a correct extraction as correct, except a wrong set', () => {
    const results = scoreArticle(expectationFor(labels, 'T01-b')!, 'en', { unsupported: false, incidents: [predicted()] }, 0);
    const wrong = results.filter((r) => !r.correct).map((r) => r.field);
    expect(wrong).toEqual(['weaponTypes']);
    expect(results.find((r) => r.field === 'weaponTypes')?.overlap).toBeCloseTo(0.5);
  });

  it('uses what each report says: an early report without a claim', () => {
    const early = predicted({ killedVictims: 5, wounded: null, claimed: true });
    const results = scoreArticle(expectationFor(labels, 'T01-a')!, 'en', { unsupported: false, incidents: [early] }, 0);
    const byField = new Map(results.map((r) => [r.field, r.correct]));
    expect(byField.get('killedVictims')).toBe(true);
    expect(byField.get('claimed')).toBe(false);
    expect(byField.get('perpetrator')).toBe(false);
    expect(byField.has('claimChannel')).toBe(false);
  });

  it('counts every field as missed when no news incident is found', () => {
    const results = scoreArticle(expectationFor(labels, 'T01-b')!, 'en', { unsupported: false, incidents: [predicted({ status: 'background' })] }, 0);
    expect(results.every((r) => !r.correct)).toBe(true);
  });

  it('wants no news incident in a distractor, and at most one where older incidents are mentioned', () => {
    const distractor = scoreArticle({ kind: 'distractor' }, 'en', { unsupported: false, incidents: [predicted({ status: 'background' })] }, 2);
    expect(distractor.every((r) => r.correct)).toBe(true);
    const twoNews = scoreArticle(expectationFor(labels, 'T01-b')!, 'en', { unsupported: false, incidents: [predicted(), predicted()] }, 1);
    expect(twoNews.find((r) => r.field === 'background')?.correct).toBe(false);
  });

  it('counts a non-English article reported unsupported as correct, and scores nothing else', () => {
    const results = scoreArticle(expectationFor(labels, 'T01-a')!, 'fr', { unsupported: true, incidents: [] }, 0);
    expect(results).toEqual([{ field: 'unsupported', correct: true, expected: 'unsupported', found: 'unsupported' }]);
    expect(scoreArticle(expectationFor(labels, 'T01-a')!, 'ru', { unsupported: false, incidents: [] }, 0)[0]?.correct).toBe(false);
  });
});

describe('incidentsFromBundle', () => {
  it('reads the coded fields, the location and the attributions of each incident', () => {
    const objects: StixObject[] = [
      {
        type: 'incident', id: 'incident--1',
        extensions: {
          [INCIDENT_EXTENSION_ID]: {
            extension_type: 'property-extension', event_date: '2020-05-01', date_precision: 'day', news_status: 'news',
            attack_types: ['Armed Assault'], target_types: ['Military'], weapon_types: ['Firearms'],
            victims_killed: { low: 6, high: null, qualifier: 'at-least', text: 'at least six' }, claimed: true,
          },
        },
      },
      { type: 'location', id: 'location--1', country: 'RU', administrative_area: 'Chechnya', city: 'Groznyy' },
      { type: 'intrusion-set', id: 'intrusion-set--1', name: 'Islamic State' },
      { type: 'relationship', id: 'relationship--1', relationship_type: 'located-at', source_ref: 'incident--1', target_ref: 'location--1' },
      {
        type: 'relationship', id: 'relationship--2', relationship_type: 'attributed-to', source_ref: 'incident--1', target_ref: 'intrusion-set--1',
        extensions: { [ATTRIBUTION_EXTENSION_ID]: { extension_type: 'property-extension', attribution_type: 'claim', claim_channel: 'Amaq' } },
      },
    ];
    expect(incidentsFromBundle(objects)).toEqual([{
      status: 'news', date: '2020-05-01', country: 'RU', region: 'Chechnya', city: 'Groznyy',
      attackTypes: ['Armed Assault'], targetTypes: ['Military'], weaponTypes: ['Firearms'],
      killedVictims: 6, killedPerpetrators: null, wounded: null, claimed: true,
      attributions: [{ group: 'Islamic State', kind: 'claim', channel: 'Amaq' }],
    }]);
  });
});

describe('summarise and renderTable', () => {
  it('counts per field and renders a Markdown table', () => {
    const results = scoreArticle(expectationFor(labels, 'T01-b')!, 'en', { unsupported: false, incidents: [predicted()] }, 0);
    const summaries = summarise(results);
    expect(summaries.find((s) => s.field === 'country')).toEqual({ field: 'country', scored: 1, correct: 1 });
    const table = renderTable(summaries);
    expect(table.split('\n')[0]).toBe('| field | correct | scored | accuracy | mean overlap |');
    expect(table).toContain('| weapon types (exact set) | 0 | 1 | 0 % | 0.50 |');
  });
});
