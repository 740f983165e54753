import { deterministicId } from '../stix/identifier.js';
import { eventDate, type IncidentFeatures, type Perpetrator, type Place } from './incident-features.js';

/**
 * Hand-written incidents for the correlate tests: a day, a city and an attack
 * type are enough to describe most matching rules.
 */
export const CITIES = {
  paris: place('FR', 'Paris', 48.8566, 2.3522),
  saintDenis: place('FR', 'Saint-Denis', 48.9362, 2.3574),
  lyon: place('FR', 'Lyon', 45.764, 4.8357),
  brussels: place('BE', 'Brussels', 50.8503, 4.3517),
  /** Either side of the Rhine bridge, about 5 km apart. */
  strasbourg: place('FR', 'Strasbourg', 48.5734, 7.7521),
  kehl: place('DE', 'Kehl', 48.5726, 7.8156),
  /** One name, two cities some 2,000 km apart (two places, so two location ids). */
  tripoliLebanon: { ...place('LB', 'Tripoli', 34.4367, 35.8497), locationId: deterministicId('location', { name: 'Tripoli, Lebanon', x_opencti_location_type: 'City' }) },
  tripoliLibya: { ...place('LY', 'Tripoli', 32.8872, 13.1913), locationId: deterministicId('location', { name: 'Tripoli, Libya', x_opencti_location_type: 'City' }) },
  france: { locationId: undefined, country: 'FR', region: undefined, city: undefined, latitude: undefined, longitude: undefined },
} satisfies Readonly<Record<string, Place>>;

function place(country: string, city: string, latitude: number, longitude: number): Place {
  return { locationId: deterministicId('location', { name: city, x_opencti_location_type: 'City' }), country, region: undefined, city, latitude, longitude };
}

export interface IncidentSketch {
  readonly id: string;
  readonly report?: string;
  readonly outlet?: string;
  readonly published?: string;
  readonly date?: string;
  readonly precision?: 'day' | 'month' | 'year' | 'approximate';
  readonly place?: Place;
  readonly attack?: readonly string[];
  readonly target?: readonly string[];
  readonly perpetrators?: readonly Perpetrator[];
  readonly news?: boolean;
  readonly killed?: number;
  readonly killedQualifier?: 'exact' | 'at-least';
  readonly claimed?: boolean;
  readonly sources?: readonly string[];
  readonly evidence?: string;
  readonly markings?: readonly string[];
}

export function incident(s: IncidentSketch): IncidentFeatures {
  const precision = s.precision ?? 'day';
  return {
    incidentId: `incident--${s.id}`,
    reportId: `report--${s.report ?? s.id}`,
    outlet: s.outlet ?? `Outlet ${s.report ?? s.id}`,
    published: s.published,
    date: s.date === undefined ? undefined : eventDate({ event_date: s.date, date_precision: precision }),
    place: s.place,
    attackTypes: s.attack ?? ['Bombing/Explosion'],
    targetTypes: s.target ?? ['Private Citizens & Property'],
    weaponTypes: [],
    victimsKilled: s.killed === undefined ? undefined : { low: s.killed, high: s.killedQualifier === 'at-least' ? null : s.killed, qualifier: s.killedQualifier ?? 'exact', text: String(s.killed) },
    perpetratorsKilled: undefined,
    wounded: undefined,
    claimed: s.claimed,
    perpetrators: s.perpetrators ?? [],
    newsStatus: s.news === false ? 'background' : 'news',
    sourceNames: s.sources ?? [],
    // Every word carries the id, so that no two default texts share a shingle (independent reports).
    evidenceText: s.evidence ?? ['report', 'describes', 'its', 'own', 'event', 'alone'].map((w) => `${w}-${s.id}`).join(' '),
    markingRefs: s.markings ?? [],
  };
}

export function group(name: string, attributionType: Perpetrator['attributionType'] = 'claim', claimChannel?: string): Perpetrator {
  return { groupId: deterministicId('intrusion-set', { name }), name, aliases: [], attributionType, claimChannel };
}
