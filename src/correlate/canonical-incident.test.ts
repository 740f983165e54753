import { describe, expect, it } from 'vitest';
import { deterministicId } from '../stix/identifier.js';
import { validateObject } from '../stix/validate.js';
import { INCIDENT_EXTENSION_ID, type IncidentExtension } from '../stix/extensions.js';
import { TLP2_MARKING_IDS } from '../stix/tlp.js';
import { buildCanonicalIncident, buildCanonicalIncidentFor, canonicalIncidentId, strictestMarkings } from './canonical-incident.js';
import { MapReliabilityRegistry } from './grading.js';
import { IncidentClusterer } from './incident-clusterer.js';
import { CITIES, group, incident } from './test-incidents.js';

const OPTIONS = { registry: new MapReliabilityRegistry(), now: '2026-11-26T10:00:00.000Z' };

const A = 'incident--0b6c8f4e-6a8e-4c1e-9f57-4a3b2c1d0e01';
const B = 'incident--0b6c8f4e-6a8e-4c1e-9f57-4a3b2c1d0e02';

function cluster(): ReturnType<IncidentClusterer['clusters']>[number] {
  const clusterer = new IncidentClusterer();
  clusterer.addIncident({ ...incident({ id: 'a', date: '2015-06-26', place: CITIES.paris, killed: 27, killedQualifier: 'at-least', published: '2015-06-26',
    markings: [TLP2_MARKING_IDS.green] }), incidentId: A });
  clusterer.addIncident({ ...incident({ id: 'b', date: '2015-06-26', place: CITIES.paris, killed: 38, published: '2015-06-28', claimed: true,
    perpetrators: [group('Islamic State', 'claim', 'a statement online')], markings: [TLP2_MARKING_IDS.amber] }), incidentId: B });
  const [only] = clusterer.clusters();
  if (only === undefined) throw new Error('expected one cluster');
  return only;
}

describe('buildCanonicalIncident', () => {
  it('builds a valid STIX incident with the chosen values, derived from each report incident', () => {
    const canonical = buildCanonicalIncident(cluster(), OPTIONS);
    for (const object of canonical.objects) expect(validateObject(object)).toEqual([]);
    const ext = (canonical.incident.extensions as Record<string, IncidentExtension>)[INCIDENT_EXTENSION_ID];
    expect(ext).toMatchObject({ event_date: '2015-06-26', date_precision: 'day', news_status: 'news', claimed: true });
    expect(ext?.victims_killed?.low).toBe(38);
    const derived = canonical.objects.filter((o) => o.relationship_type === 'derived-from').map((o) => o.target_ref);
    expect(derived.sort()).toEqual([A, B]);
    const attribution = canonical.objects.find((o) => o.relationship_type === 'attributed-to');
    expect(attribution?.target_ref).toBe(deterministicId('intrusion-set', { name: 'Islamic State' }));
  });

  it('marks everything it builds at least as strictly as the strictest input', () => {
    const canonical = buildCanonicalIncident(cluster(), OPTIONS);
    for (const object of canonical.objects) expect(object.object_marking_refs).toEqual([TLP2_MARKING_IDS.amber]);
    expect(strictestMarkings([{ markingRefs: [] }, { markingRefs: [TLP2_MARKING_IDS.red, 'marking-definition--00000000-0000-4000-8000-000000000001'] }]))
      .toEqual([TLP2_MARKING_IDS.red, 'marking-definition--00000000-0000-4000-8000-000000000001']);
    expect(strictestMarkings([{ markingRefs: [] }])).toEqual([]);
  });

  it('keeps the same id for the same cluster, and different ids for different clusters', () => {
    const first = buildCanonicalIncident(cluster(), OPTIONS);
    const again = buildCanonicalIncident(cluster(), { ...OPTIONS, now: '2026-11-27T10:00:00.000Z' });
    expect(again.id).toBe(first.id);
    expect(canonicalIncidentId('cluster:incident--x')).not.toBe(first.id);
  });

  it('shows a viewer who may read only some reports a canonical incident built from those alone', () => {
    const full = buildCanonicalIncident(cluster(), OPTIONS);
    const partial = buildCanonicalIncidentFor(cluster(), (reportId) => reportId === 'report--a', OPTIONS);
    expect(partial).toBeDefined();
    expect(partial?.id).not.toBe(full.id);
    const ext = (partial?.incident.extensions as Record<string, IncidentExtension>)[INCIDENT_EXTENSION_ID];
    expect(ext?.victims_killed?.low).toBe(27);
    expect(ext?.claimed).toBeUndefined();
    expect(partial?.incident.object_marking_refs).toEqual([TLP2_MARKING_IDS.green]);
    expect(partial?.objects.filter((o) => o.relationship_type === 'derived-from').map((o) => o.target_ref)).toEqual([A]);
    expect(JSON.stringify(partial?.objects)).not.toContain('Islamic State');
    expect(buildCanonicalIncidentFor(cluster(), () => true, OPTIONS)?.id).toBe(full.id);
    expect(buildCanonicalIncidentFor(cluster(), () => false, OPTIONS)).toBeUndefined();
  });
});
