import { describe, expect, it } from 'vitest';
import { analyse } from './analyse.js';
import { parsePublished } from './dates.js';
import { loadResources } from './load-resources.js';

const resources = loadResources('en');
const run = (text: string) => analyse(text, 'en', parsePublished('2018-05-14'), resources);

describe('sources and attribution', () => {
  it('links a claim to the incident with its channel and who reported it', () => {
    const analysis = run(
      'A suicide bomber killed 12 people at a police station in Surabaya on Sunday, according to the national police. '
      + 'The SITE Intelligence Group said the Islamic State had claimed responsibility through its Amaq news agency.',
    );
    const [attribution] = analysis.attribution.attributions;
    expect(attribution).toMatchObject({ type: 'claim', channel: 'Amaq news agency' });
    expect(attribution?.group.name).toBe('Islamic State');
    expect(attribution?.reportedBy?.name).toBe('SITE Intelligence Group');
    expect(analysis.attribution.claimed.get(analysis.incidents[0] as never)).toBe(true);
    expect(analysis.credits.map((c) => [c.sentence, c.name])).toEqual([[0, 'national police'], [1, 'SITE Intelligence Group']]);
  });

  it('tells an official attribution and a suspicion from a claim, and records "no claim"', () => {
    const official = run('A car bomb killed 20 people in Mogadishu on Saturday. There was no immediate claim of responsibility. '
      + 'Officials blamed al-Shabaab for the attack.');
    expect(official.attribution.attributions.map((a) => [a.type, a.group.name])).toEqual([['official', 'al-Shabaab']]);
    expect([...official.attribution.claimed.values()]).toEqual([false]);
    const suspected = run('Gunmen killed four soldiers near Kidal on Friday. Analysts said the attack bore the hallmarks of Boko Haram.');
    expect(suspected.attribution.attributions.map((a) => a.type)).toEqual(['suspected']);
  });

  it('credits ministries, named outlets and documents for what a sentence says', () => {
    const analysis = run('Three policemen were wounded, the interior ministry said. According to Reuters, the attackers fled. '
      + 'An official transcript of the meeting shows the minister was told in advance.');
    expect(analysis.credits.map((c) => c.name)).toEqual(['interior ministry', 'Reuters', 'official transcript']);
  });
});
