import { describe, expect, it } from 'vitest';
import { IncidentClusterer } from './incident-clusterer.js';
import type { IncidentFeatures } from './incident-features.js';
import { reportPlacement } from './report-placement.js';
import { CITIES, incident } from './test-incidents.js';

function place(clusterer: IncidentClusterer, report: readonly IncidentFeatures[]): string | undefined {
  return reportPlacement(report, (id) => clusterer.clusterOf(id), clusterer.clusters());
}

describe('reportPlacement', () => {
  const wire = incident({ id: 'w', date: '2015-11-13', place: CITIES.paris, published: '2015-11-14' });
  const update = incident({ id: 'u', date: '2015-11-13', place: CITIES.paris, published: '2015-11-16' });

  it('places a news report in its event', () => {
    const clusterer = new IncidentClusterer();
    clusterer.addReport([wire]);
    clusterer.addReport([update]);
    expect(place(clusterer, [update])).toBe(clusterer.clusterOf(wire.incidentId));
  });

  it('places an analysis weeks later through its mention of the event, not through an uncorroborated misreading', () => {
    const clusterer = new IncidentClusterer();
    clusterer.addReport([wire]);
    clusterer.addReport([update]);
    const analysis = [
      incident({ id: 'misread', report: 'analysis', date: '2015-12-20', place: CITIES.lyon, published: '2016-01-07' }),
      incident({ id: 'mention', report: 'analysis', date: '2015-11', precision: 'month', place: CITIES.paris, published: '2016-01-07', news: false }),
    ];
    clusterer.addReport(analysis);
    expect(place(clusterer, analysis)).toBe(clusterer.clusterOf(wire.incidentId));
  });

  it('does not place an anniversary piece in the event it recalls', () => {
    const clusterer = new IncidentClusterer();
    clusterer.addReport([wire]);
    const anniversary = [incident({ id: 'recall', date: '2015-11-13', place: CITIES.paris, published: '2016-11-13', news: false })];
    clusterer.addReport(anniversary);
    expect(clusterer.clusterOf(anniversary[0]?.incidentId ?? '')).toBe(clusterer.clusterOf(wire.incidentId));
    expect(place(clusterer, anniversary)).toBeUndefined();
  });

  it('places a report whose only incident is background nowhere when no news report exists', () => {
    const clusterer = new IncidentClusterer();
    const mention = [incident({ id: 'only', date: '2015-11-13', place: CITIES.paris, published: '2015-11-20', news: false })];
    clusterer.addReport(mention);
    expect(place(clusterer, mention)).toBeUndefined();
  });
});
