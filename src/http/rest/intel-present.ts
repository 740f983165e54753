import type { FeedRow } from '../../store/incident-index-queries.js';
import type { PerpetratorItem } from '../../store/incident-index-projection.js';

/** An incident as the feed lists it (REST.md "Intelligence", `GET /incidents`). */
export interface FeedItem {
  readonly id: string;
  readonly name: string;
  /** `value` is the first day the date can stand for; `precision` says how much of it is known. */
  readonly date: { readonly value: string; readonly precision: 'day' | 'month' | 'year'; readonly approximate: boolean };
  readonly place: { name?: string; country?: string; countryName?: string; region?: string; city?: string; lat?: number; lon?: number };
  readonly attackTypes: string[];
  readonly targetTypes: string[];
  readonly killed?: number;
  readonly wounded?: number;
  readonly perpetrators: PerpetratorItem[];
  readonly marking: FeedRow['tlp'];
  readonly sources: { name: string }[];
  readonly reports: number;
  readonly canonical: boolean;
  readonly collection: string;
  readonly partner?: string;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

export function countryName(code: string): string | undefined {
  try {
    const name = regionNames.of(code);
    return name === code ? undefined : name;
  } catch {
    return undefined;
  }
}

export function presentFeedItem(row: FeedRow): FeedItem {
  const place: FeedItem['place'] = {};
  if (row.place_name !== null) place.name = row.place_name;
  if (row.country !== null) {
    place.country = row.country;
    const name = countryName(row.country);
    if (name !== undefined) place.countryName = name;
  }
  if (row.region !== null) place.region = row.region;
  if (row.city !== null) place.city = row.city;
  if (row.lat !== null && row.lon !== null) {
    place.lat = row.lat;
    place.lon = row.lon;
  }
  return {
    id: row.id,
    name: row.name,
    date: { value: row.event_date, precision: row.date_precision, approximate: row.date_approximate === 1 },
    place,
    attackTypes: parseList(row.attack_types),
    targetTypes: parseList(row.target_types),
    ...(row.killed !== null ? { killed: row.killed } : {}),
    ...(row.wounded !== null ? { wounded: row.wounded } : {}),
    perpetrators: JSON.parse(row.perpetrators) as PerpetratorItem[],
    marking: row.tlp,
    sources: parseList(row.sources).map((name) => ({ name })),
    reports: row.report_id === null ? 0 : 1,
    canonical: row.canonical === 1,
    collection: row.collection_id,
    ...(row.partner !== null ? { partner: row.partner } : {}),
  };
}

function parseList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
