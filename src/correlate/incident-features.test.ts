import { describe, expect, it } from 'vitest';
import { ingestText } from '../ingest/index.js';
import { TLP2_MARKING_IDS } from '../stix/tlp.js';
import { strictestMarkings } from './canonical-incident.js';
import { eventDate, extractIncidentFeatures } from './incident-features.js';

const ARTICLE = [
  'Gunmen kill nine at market in Kano',
  '',
  'Gunmen killed nine people and wounded 14 at a crowded market in Kano, Nigeria, on Tuesday, police said.',
  'Boko Haram claimed responsibility for the attack in a video posted online, according to the SITE Intelligence Group.',
].join('\n');

describe('extractIncidentFeatures', () => {
  it('reads the date, place, tolls, perpetrator and outlet of an ingested report', () => {
    const { bundle } = ingestText(ARTICLE, { outlet: 'Test Courier', published: '2019-03-13' });
    const [f] = extractIncidentFeatures(bundle.objects);
    expect(f).toBeDefined();
    expect(f?.outlet).toBe('Test Courier');
    expect(f?.published?.slice(0, 10)).toBe('2019-03-13');
    expect(f?.date?.value).toBe('2019-03-12');
    expect(f?.place).toMatchObject({ country: 'NG', city: 'Kano' });
    expect(f?.victimsKilled?.low).toBe(9);
    expect(f?.wounded?.low).toBe(14);
    expect(f?.perpetrators.map((p) => [p.name, p.attributionType])).toEqual([['Boko Haram', 'claim']]);
    expect(f?.evidenceText).toContain('Kano');
    expect(f?.reportId).toMatch(/^report--/u);
  });

  it('counts granular markings among its markings, so a canonical incident is as strict as a marked property', () => {
    const { bundle } = ingestText(ARTICLE, { outlet: 'Test Courier', published: '2019-03-13' });
    const marked = bundle.objects.map((o) =>
      o.type === 'incident'
        ? { ...o, object_marking_refs: [TLP2_MARKING_IDS.green], granular_markings: [{ marking_ref: TLP2_MARKING_IDS.red, selectors: ['description'] }] }
        : o,
    );
    const [f] = extractIncidentFeatures(marked);
    expect(f?.markingRefs).toEqual([TLP2_MARKING_IDS.green, TLP2_MARKING_IDS.red]);
    expect(strictestMarkings(f === undefined ? [] : [f])).toEqual([TLP2_MARKING_IDS.red]);
  });

  it('turns a coded date into the range of days it can stand for', () => {
    const year = eventDate({ event_date: '2015', date_precision: 'year' });
    const month = eventDate({ event_date: '2016-02', date_precision: 'month' });
    const span = eventDate({ event_date: '2015-11-13', event_date_end: '2015-11-14', date_precision: 'day' });
    expect(year && year.lastDay - year.firstDay + 1).toBe(365);
    expect(month && month.lastDay - month.firstDay + 1).toBe(29);
    expect(span && span.lastDay - span.firstDay).toBe(1);
    expect(eventDate({ event_date: 'soon', date_precision: 'unknown' })).toBeUndefined();
  });
});
