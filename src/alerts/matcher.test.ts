import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { INCIDENT_EXTENSION_ID } from '../stix/extensions.js';
import { deterministicId } from '../stix/identifier.js';
import type { StixObject } from '../stix/stix-object.js';
import { containsPoint, type Polygon } from './geo.js';
import { matchSubject } from './matcher.js';
import { subjectsOf, type ObjectRow, type StepContext } from './subjects.js';
import { backoffMs, signBody } from './webhook-sender.js';
import { resolveTerms, watchlistInputSchema } from './watchlist-input.js';

const IS = deterministicId('intrusion-set', { name: 'Islamic State' });
const CHECHNYA = 'location--3d1096dd-0bf7-5b1b-81e6-e924ac267ca4';

function incident(id: string, attackTypes: string[]): StixObject {
  return {
    type: 'incident',
    id,
    name: `Incident ${id.slice(-4)}`,
    extensions: { [INCIDENT_EXTENSION_ID]: { extension_type: 'property-extension', attack_types: attackTypes } },
  };
}
const rel = (id: string, kind: string, source: string, target: string): StixObject => ({
  type: 'relationship',
  id,
  relationship_type: kind,
  source_ref: source,
  target_ref: target,
});

/** A context as the follower builds it: rows numbered 1.. by date_added, all in the step unless `looked` says otherwise. */
function context(objects: StixObject[], looked: ReadonlySet<string> = new Set()): StepContext {
  const rows: ObjectRow[] = objects.map((object, i) => ({ dateAdded: i + 1, object, inStep: !looked.has(object.id) }));
  const relationshipsBySource = new Map<string, ObjectRow[]>();
  for (const row of rows) {
    const source = row.object.source_ref;
    if (row.object.type === 'relationship' && typeof source === 'string') relationshipsBySource.set(source, [...(relationshipsBySource.get(source) ?? []), row]);
  }
  return { step: rows.filter((r) => r.inStep), byId: new Map(rows.map((r) => [r.object.id, r])), relationshipsBySource, elsewhere: new Map() };
}

const seedLike = (): StixObject[] => [
  incident('incident--00000000-0000-4000-8000-000000000001', ['Armed Assault']),
  { type: 'location', id: CHECHNYA, name: 'Chechnya', country: 'RU', administrative_area: 'Chechnya', latitude: 43.4, longitude: 45.7, x_opencti_location_type: 'Administrative-Area' },
  { type: 'intrusion-set', id: IS, name: 'Islamic State', aliases: ['ISIS'] },
  rel('relationship--00000000-0000-4000-8000-000000000002', 'located-at', 'incident--00000000-0000-4000-8000-000000000001', CHECHNYA),
  rel('relationship--00000000-0000-4000-8000-000000000003', 'attributed-to', 'incident--00000000-0000-4000-8000-000000000001', IS),
];

const terms = (match: unknown) => resolveTerms(watchlistInputSchema.parse({ name: 'w', match }).match, undefined);

describe('matching an incident written as ingest writes it', () => {
  const [subject] = subjectsOf(context(seedLike()));

  it('finds one incident subject with its group, place and attack type', () => {
    expect(subject?.kind).toBe('incident');
    expect(subject?.groups.map((g) => g.id)).toContain(IS);
    expect(subject?.places[0]).toMatchObject({ country: 'RU', lat: 43.4, lon: 45.7 });
    expect(subject?.attackTypes).toEqual(['Armed Assault']);
  });

  it('matches by group name, deterministic id, alias, country, region, area and attack type', () => {
    if (subject === undefined) throw new Error('no subject');
    expect(matchSubject(terms({ groups: ['Islamic State'] }), subject)).toEqual(['group: Islamic State']);
    expect(matchSubject(terms({ groups: [IS] }), subject)).toBeDefined();
    expect(matchSubject(terms({ groups: ['isis'] }), subject)).toBeDefined();
    expect(matchSubject(terms({ countries: ['ru'] }), subject)).toEqual(['place: Chechnya (RU)']);
    expect(matchSubject(terms({ regions: ['chechnya'] }), subject)).toBeDefined();
    const caucasus: Polygon = { type: 'Polygon', coordinates: [[[40, 40], [50, 40], [50, 46], [40, 46], [40, 40]]] };
    expect(matchSubject(terms({ area: caucasus }), subject)).toEqual(['place: Chechnya (in the drawn area)']);
    expect(matchSubject(terms({ attackTypes: ['armed assault'] }), subject)).toEqual(['attack type: Armed Assault']);
  });

  it('needs every dimension given: a right group in the wrong country does not match', () => {
    if (subject === undefined) throw new Error('no subject');
    expect(matchSubject(terms({ groups: ['Islamic State'], countries: ['FR'] }), subject)).toBeUndefined();
    expect(matchSubject(terms({ groups: ['Islamic State'], countries: ['RU'], attackTypes: ['Armed Assault'] }), subject)).toHaveLength(3);
    expect(matchSubject(terms({ groups: ['Boko Haram'] }), subject)).toBeUndefined();
    expect(matchSubject(terms({ attackTypes: ['Hijacking'] }), subject)).toBeUndefined();
  });

  it('with only the rows a user may see, a hidden attribution or location no longer matches', () => {
    if (subject === undefined) throw new Error('no subject');
    const all = new Set([1, 2, 3, 4, 5]);
    const withoutAttribution = new Set([1, 2, 3, 4]);
    expect(matchSubject(terms({ groups: [IS] }), subject, all)).toBeDefined();
    expect(matchSubject(terms({ groups: [IS] }), subject, withoutAttribution)).toBeUndefined();
    expect(matchSubject(terms({ countries: ['RU'] }), subject, new Set([1, 3, 4, 5]))).toBeUndefined();
    expect(matchSubject(terms({ attackTypes: ['Armed Assault'] }), subject, new Set([2, 3, 4, 5]))).toBeUndefined();
    // An alias known only from the intrusion-set's row does not match for a user who cannot see that row.
    expect(matchSubject(terms({ groups: ['isis'] }), subject, all)).toEqual(['group: isis']);
    expect(matchSubject(terms({ groups: ['isis'] }), subject, new Set([1, 2, 4, 5]))).toBeUndefined();
  });

  it('a relationship arriving in a later step fires on the incident it points at (looked up, not in the step)', () => {
    const objects = seedLike();
    const looked = new Set(objects.slice(0, 4).map((o) => o.id));
    const [late] = subjectsOf(context(objects, looked));
    expect(late?.row.object.type).toBe('incident');
    expect(late?.newestInStep).toBe(5);
    expect(late !== undefined && matchSubject(terms({ groups: ['Islamic State'], countries: ['RU'] }), late)).toBeTruthy();
  });

  it('a report citing no incident is a subject through its references; one citing an incident lends it its people', () => {
    const putin = deterministicId('identity', { name: 'Vladimir Putin', identity_class: 'individual' });
    const person = { type: 'identity', id: putin, name: 'Vladimir Putin', identity_class: 'individual' };
    const alone: StixObject = { type: 'report', id: 'report--00000000-0000-4000-8000-000000000009', name: 'Speech', object_refs: [putin] };
    const [report] = subjectsOf(context([person, alone]));
    expect(report?.kind).toBe('report');
    expect(report !== undefined && matchSubject(terms({ persons: ['vladimir putin'] }), report)).toEqual(['person: vladimir putin']);
    const citing: StixObject = { ...alone, object_refs: [putin, 'incident--00000000-0000-4000-8000-000000000001'] };
    const subjects = subjectsOf(context([...seedLike(), person, citing]));
    expect(subjects.map((s) => s.kind)).toEqual(['incident']);
    expect(subjects[0] !== undefined && matchSubject(terms({ persons: ['Vladimir Putin'], groups: ['ISIS'] }), subjects[0])).toHaveLength(2);
  });
});

describe('watchlist input', () => {
  const problem = (body: unknown) => {
    const parsed = watchlistInputSchema.safeParse(body);
    return parsed.success ? undefined : parsed.error.issues.map((i) => i.path.join('.'));
  };
  it('names the field that is wrong', () => {
    expect(problem({ name: 'x', match: { countries: ['Russia'] } })).toEqual(['match.countries.0']);
    expect(problem({ name: 'x', match: { attackTypes: ['Cyber'] } })).toEqual(['match.attackTypes.0']);
    expect(problem({ name: 'x', match: {} })).toEqual(['match']);
    expect(problem({ name: '', match: { groups: ['IS'] } })).toEqual(['name']);
    expect(problem({ name: 'x', match: { groups: ['IS'], colour: 'red' } })).toEqual(['match']);
    expect(problem({ name: 'x', match: { groups: ['IS'] }, webhook: { url: 'ftp://x', secret: 'x'.repeat(16) } })).toEqual(['webhook.url']);
    expect(problem({ name: 'x', match: { groups: ['IS'] }, webhook: { url: 'https://x', secret: 'short' } })).toEqual(['webhook.secret']);
    expect(problem({ name: 'x', match: { area: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1]]] } } })).toEqual(['match.area.coordinates.0']);
    expect(problem({ name: 'x', match: { area: { type: 'Polygon', coordinates: [[[0, 0], [200, 0], [1, 1], [0, 0]]] } } })).toEqual([
      'match.area.coordinates.0.1.0',
    ]);
  });
});

describe('geometry and webhook helpers', () => {
  it('a polygon with a hole contains what is between the rings only', () => {
    const ring = (a: number, b: number) => [[a, a], [b, a], [b, b], [a, b], [a, a]] as [number, number][];
    const donut: Polygon = { type: 'Polygon', coordinates: [ring(0, 10), ring(4, 6)] };
    expect(containsPoint(donut, 2, 2)).toBe(true);
    expect(containsPoint(donut, 5, 5)).toBe(false);
    expect(containsPoint(donut, 11, 5)).toBe(false);
  });

  it('signs the exact body with HMAC-SHA256', () => {
    const body = '{"id":"a"}';
    expect(signBody('s3cret-s3cret-s3cret', body)).toBe(`sha256=${createHmac('sha256', 's3cret-s3cret-s3cret').update(body).digest('hex')}`);
  });

  it('backs off exponentially with jitter between half and all of the delay, capped', () => {
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(3, 1000, 60_000, () => 1)).toBe(4000);
    expect(backoffMs(20, 1000, 60_000, () => 1)).toBe(60_000);
  });
});
