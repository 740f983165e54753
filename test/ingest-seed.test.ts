import { beforeAll, describe, expect, it } from 'vitest';
import { ingestText, type IngestResult } from '../src/ingest/index.js';
import {
  ATTRIBUTION_EXTENSION_ID, INCIDENT_EXTENSION_ID, PERSON_EXTENSION_ID, PROVENANCE_EXTENSION_ID, QUOTE_EXTENSION_ID,
  type AttributionExtension, type IncidentExtension, type ProvenanceExtension, type QuoteExtension,
} from '../src/stix/extensions.js';
import { deterministicId } from '../src/stix/identifier.js';
import type { StixObject } from '../src/stix/stix-object.js';
import { validateBundle } from '../src/stix/validate.js';
import { readSeedArticle } from '../src/shared-folder.js';

// The project's seed document (DESIGN.md), read by readSeedArticle where the shared folder keeps
// it: beside the checkout (../shared), or wherever ENTENTE_SHARED_DIR points.

function ext<T>(object: StixObject | undefined, id: string): T {
  const extensions = object?.extensions as Record<string, unknown> | undefined;
  return extensions?.[id] as T;
}

describe('ingest: the seed article end to end (issue 3 "Proof")', () => {
  let result: IngestResult;
  let objects: readonly StixObject[];
  let text: string;
  const ofType = (type: string): StixObject[] => objects.filter((o) => o.type === type);
  const named = (type: string, name: string): StixObject | undefined => ofType(type).find((o) => o.name === name);
  const incidents = (): { object: StixObject; coded: IncidentExtension }[] =>
    ofType('incident').map((object) => ({ object, coded: ext<IncidentExtension>(object, INCIDENT_EXTENSION_ID) }));
  const news = () => incidents().find((i) => i.coded.news_status === 'news');
  const relationsFrom = (id: string, type: string) => ofType('relationship').filter((r) => r.source_ref === id && r.relationship_type === type);

  beforeAll(() => {
    const input = readSeedArticle();
    result = ingestText(input, { outlet: 'RT', url: 'https://www.rt.com/news/382362-le-pen-putin-terrorism/', published: '2017-03-24' });
    objects = result.bundle.objects;
    text = result.text;
  });

  it('produces a valid STIX 2.1 bundle with a report holding the text, its hash and every object', () => {
    expect(validateBundle(result.bundle)).toEqual([]);
    const [report] = ofType('report');
    expect(report?.description).toBe(text);
    expect(report?.published).toBe('2017-03-24T12:00:00.000Z');
    const reference = (report?.external_references as { source_name: string; url: string; hashes: Record<string, string> }[])[0];
    expect(reference?.source_name).toBe('RT');
    expect(reference?.url).toContain('rt.com');
    expect(reference?.hashes['SHA-256']).toMatch(/^[0-9a-f]{64}$/u);
    const refs = new Set(report?.object_refs as string[]);
    for (const object of objects) {
      if (object.type === 'report' || object.type === 'extension-definition' || object.id === 'identity--0de685c0-109a-5df3-a6b5-5173b55ba645') continue;
      expect(refs.has(object.id), object.id).toBe(true);
    }
  });

  it('gives every extracted object provenance pointing at the report and at spans of the text', () => {
    const reportId = ofType('report')[0]?.id;
    for (const object of objects) {
      if (['report', 'extension-definition'].includes(object.type) || object.name === 'RT' || object.name === 'entente') continue;
      const provenance = ext<ProvenanceExtension>(object, PROVENANCE_EXTENSION_ID);
      expect(provenance?.report_ref, `${object.type} ${String(object.name ?? object.id)}`).toBe(reportId);
      for (const span of provenance.evidence) expect(span.end).toBeLessThanOrEqual(text.length);
    }
  });

  it('finds the Chechnya attack: Russia, Chechnya, National Guard base, at least six killed, per Deutsche Welle', () => {
    const incident = news();
    expect(incident).toBeDefined();
    const coded = incident?.coded as IncidentExtension;
    expect(coded.victims_killed).toMatchObject({ low: 6, qualifier: 'at-least' });
    expect(coded.attack_types).toContain('Armed Assault');
    expect(coded.target_types).toContain('Military');
    expect(coded.weapon_types).toContain('Firearms');
    expect(coded.claimed).toBe(true);
    const [located] = relationsFrom(incident?.object.id as string, 'located-at');
    expect(located?.description).toBe('National Guard base');
    const location = objects.find((o) => o.id === located?.target_ref);
    expect(location).toMatchObject({ country: 'RU', name: 'Chechnya' });
    const provenance = ext<ProvenanceExtension>(incident?.object, PROVENANCE_EXTENSION_ID);
    expect(provenance.source_names).toContain('Deutsche Welle');
    const dw = named('identity', 'Deutsche Welle');
    expect(provenance.source_refs).toContain(dw?.id);
  });

  it('attributes it to the Islamic State as a claim reported by the SITE Intelligence Group', () => {
    const incident = news();
    const [attributed] = relationsFrom(incident?.object.id as string, 'attributed-to');
    const group = objects.find((o) => o.id === attributed?.target_ref);
    expect(group).toMatchObject({ type: 'intrusion-set', name: 'Islamic State' });
    expect(group?.id).toBe(deterministicId('intrusion-set', { name: 'Islamic State' }));
    expect(group?.aliases).toContain('ISIS');
    const attribution = ext<AttributionExtension>(attributed, ATTRIBUTION_EXTENSION_ID);
    expect(attribution.attribution_type).toBe('claim');
    expect(attribution.claim_reported_by_ref).toBe(named('identity', 'SITE Intelligence Group')?.id);
  });

  it('keeps the 2015 flight bombing, 224 killed, as a background incident', () => {
    const background = incidents().filter((i) => i.coded.news_status === 'background');
    expect(background).toHaveLength(1);
    const coded = background[0]?.coded as IncidentExtension;
    expect(coded.event_date).toBe('2015');
    expect(coded.date_precision).toBe('year');
    expect(coded.victims_killed).toMatchObject({ low: 224, high: 224, qualifier: 'exact' });
    expect(coded.attack_types).toEqual(['Bombing/Explosion']);
    expect(coded.target_types).toContain('Airports & Aircraft');
  });

  it('names the people with the roles the text gives them', () => {
    const person = (name: string) => ofType('identity').find((o) => o.identity_class === 'individual' && o.name === name);
    expect(person('Marine Le Pen')?.roles).toEqual(['French presidential candidate']);
    expect(person('Vladimir Putin')?.roles).toEqual(['Russian president']);
    expect(person('Viktor Zolotov')?.roles).toEqual(['National Guard chief']);
    expect(person('Rita Katz')?.roles).toEqual(['Iraq-born Israeli analyst']);
    const kadyrov = ofType('identity').find((o) => String(o.name).endsWith('Kadyrov'));
    expect(kadyrov?.roles).toEqual(['head of Chechnya’s regional administration']);
    expect(person('Marine Le Pen')?.id).toBe(deterministicId('identity', { name: 'Marine Le Pen', identity_class: 'individual' }));
    expect(ext<{ aliases: string[] }>(person('Marine Le Pen'), PERSON_EXTENSION_ID).aliases).toContain('Le Pen');
  });

  it('resolves the misspelt "Razman Kadyrov" to Ramzan Kadyrov and keeps the spelling as an alias', () => {
    const kadyrov = ofType('identity').find((o) => String(o.name).endsWith('Kadyrov'));
    expect(kadyrov?.name).toBe('Ramzan Kadyrov');
    expect(ext<{ aliases: string[] }>(kadyrov, PERSON_EXTENSION_ID).aliases).toContain('Razman Kadyrov');
  });

  it('records every quote with its speaker and exact span', () => {
    const quotes = ofType('note').map((note) => ext<QuoteExtension>(note, QUOTE_EXTENSION_ID)).filter((q) => q.kind === 'direct');
    for (const quote of quotes) expect(text.slice(quote.span.start, quote.span.end)).toBe(quote.quote);
    const bySpeaker = (start: string) => quotes.find((q) => q.quote.startsWith(start))?.speaker_name;
    expect(bySpeaker('no doubt that the gunmen')).toMatch(/Kadyrov$/u);
    expect(bySpeaker('preventing numerous deaths')).toBe('Viktor Zolotov');
    expect(bySpeaker('the fight against terrorism')).toBe('Marine Le Pen');
    expect(bySpeaker('[T]errorist blows')).toBe('Marine Le Pen');
    expect(bySpeaker('Today, so soon after')).toBe('Vladimir Putin');
    expect(bySpeaker('influence [the French elections]')).toBe('Vladimir Putin');
    const putinQuote = quotes.find((q) => q.quote.startsWith('Today'));
    expect(putinQuote?.speaker_ref).toBe(ofType('identity').find((o) => o.name === 'Vladimir Putin')?.id);
  });

  it('lists the sources the text credits', () => {
    expect(result.summary.sources).toEqual(expect.arrayContaining(['Deutsche Welle', 'SITE Intelligence Group', 'official transcript']));
  });
});
