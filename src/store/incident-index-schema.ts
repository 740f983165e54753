import type { Kysely } from 'kysely';
import type { DatabaseSchema } from './schema.js';

/**
 * The tables of migration 0600-incident-index, as Kysely sees them, joined to
 * the store's schema with `withIncidentIndex(db)`. A type alias, not an
 * interface: Kysely's `withTables` needs an index-signature-compatible type.
 * Many-valued columns (`attack_types`, `target_types`, `perpetrators`,
 * `sources`) are JSON text; the feed filters on them through
 * `intel_incident_terms`.
 */
export type IncidentIndexTables = {
  intel_incidents: IncidentRow;
  intel_incident_terms: {
    kind: TermKind;
    /** Lower-cased for names, as written for ids. */
    value: string;
    collection_id: string;
    date_added: number;
    /** The incident row's feed key (migration 1100), so one term's rows are walked in feed order. */
    event_day: number | null;
    id: string | null;
  };
  intel_links: LinkRow;
  intel_reports: ReportRow;
  intel_actors: {
    collection_id: string;
    date_added: number;
    id: string;
    type: 'intrusion-set' | 'identity';
    name: string;
    /** Lower-cased name with collapsed spaces. */
    name_key: string;
  };
  intel_day_counts: DayCountRow;
  intel_cell_counts: CellCountRow;
  intel_report_day_counts: ReportDayCountRow;
  intel_filter_day_counts: FilterDayCountRow;
  intel_filter_cell_counts: FilterCellCountRow;
  intel_cell_month_counts: CellMonthCountRow;
  intel_cursors: {
    collection_id: string;
    last_added: number;
  };
};

export type TermKind = 'attack' | 'target' | 'group' | 'source';

/**
 * What the filtered counts (migration 1400) are kept per: the term kinds,
 * and the single-valued filters an incident has one value of (country as
 * stored, region as `termValue`, the `objects` row's partner as stored).
 */
export type FilterKind = TermKind | 'country' | 'region' | 'partner';

export interface IncidentRow {
  collection_id: string;
  date_added: number;
  id: string;
  version: string;
  /** 1 for the newest version of the incident in its collection, else 0. */
  latest: number;
  name: string;
  /** The first day the coded date can stand for, `YYYY-MM-DD`. */
  event_date: string;
  /** `event_date` as days since the Unix epoch: the feed's sort key. */
  event_day: number;
  date_precision: 'day' | 'month' | 'year';
  /** 0 or 1 */
  date_approximate: number;
  place_name: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  lat: number | null;
  lon: number | null;
  /** The first attack type, for the map's colour. */
  attack_type: string;
  attack_types: string;
  target_types: string;
  killed: number | null;
  wounded: number | null;
  /** killed + wounded, 0 when neither is known. */
  casualties: number;
  /** JSON `[{id, name, claimed}]` */
  perpetrators: string;
  /** 0, 1 or null when the report does not say. */
  claimed: number | null;
  report_id: string | null;
  /** JSON `string[]`: the sources the text credits. */
  sources: string;
  /** 0 or 1: a canonical incident the correlator built from several reports. */
  canonical: number;
  /** The `objects` row's effective level (migration 0601); null on rows projected before it. */
  tlp: string | null;
}

/** Counts of latest incident versions by the columns visibility reads ('' for none); RED ones since migration 1401. */
interface CountColumns {
  collection_id: string;
  tlp: string;
  author_org: string;
  sharing_group: string;
  /** Always 0: lets `visibilityCondition` compile over these rows. */
  date_added: number;
  incidents: number;
  killed: number;
}

export interface DayCountRow extends CountColumns {
  event_day: number;
}

/** Map cells of CELL_DEGREES (360/256): cy from latitude -90, cx from longitude -180. */
export interface CellCountRow extends CountColumns {
  cy: number;
  cx: number;
  lat_sum: number;
  lon_sum: number;
}

/**
 * A map cell count of one month's incidents (migration 1500): months since
 * January 1970 (`monthOfDay`), so the map narrowed to a day range reads its
 * whole months from counts.
 */
export interface CellMonthCountRow extends CellCountRow {
  month: number;
}

/** A day count of the incidents holding one value of one filter (migration 1400). */
export interface FilterDayCountRow extends DayCountRow {
  kind: FilterKind;
  value: string;
}

/** A map cell count of the incidents holding one value of one filter (migration 1400). */
export interface FilterCellCountRow extends CellCountRow {
  kind: FilterKind;
  value: string;
}

export interface LinkRow {
  collection_id: string;
  date_added: number;
  id: string;
  relationship_type: 'located-at' | 'attributed-to';
  source_ref: string;
  target_ref: string;
  attribution_type: string | null;
  claim_channel: string | null;
  reported_by_ref: string | null;
}

export interface ReportRow {
  collection_id: string;
  date_added: number;
  id: string;
  latest: number;
  title: string | null;
  outlet: string | null;
  published_day: number | null;
  /** The `objects` row's effective level (migration 1100). */
  tlp: string | null;
}

/** Latest, non-RED report versions per publication day (migration 1100), by the columns visibility reads. */
export interface ReportDayCountRow {
  collection_id: string;
  published_day: number;
  tlp: string;
  author_org: string;
  sharing_group: string;
  /** Always 0: lets `visibilityCondition` compile over these rows. */
  date_added: number;
  reports: number;
}

export type IndexDb = Kysely<DatabaseSchema & IncidentIndexTables>;

export function withIncidentIndex(db: Kysely<DatabaseSchema>): IndexDb {
  return db.withTables<IncidentIndexTables>();
}
