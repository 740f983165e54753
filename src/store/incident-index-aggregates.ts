import { sql, type Kysely } from 'kysely';
import { filterKeysOf, type FilterColumns, type FilterKey } from './incident-index-projection.js';
import type { CellCountRow, CellMonthCountRow, DayCountRow, FilterCellCountRow, FilterDayCountRow, IncidentIndexTables } from './incident-index-schema.js';
import type { DatabaseSchema, TlpLevel } from './schema.js';

/**
 * The counts behind the zoomed-out map and the timeline: what one latest
 * incident version adds to `intel_day_counts` and `intel_cell_counts`
 * (migration 0601; RED ones since 1401), and per filter value it holds to
 * `intel_filter_day_counts` and `intel_filter_cell_counts` (migration 1400),
 * summed over a batch and applied as deltas by the projector when rows are
 * indexed or recomputed, in the same transaction.
 */

/** The finest aggregated map cell: zoom 5 of intel-incidents.ts (360 / 2^(5+3) degrees). */
export const CELL_ZOOM = 5;
export const CELL_DEGREES = 360 / 2 ** (CELL_ZOOM + 3);

export interface Contribution {
  readonly collectionId: string;
  readonly tlp: string;
  readonly authorOrg: string | null;
  readonly sharingGroup: string | null;
  readonly day: number;
  readonly killed: number;
  readonly lat: number | null;
  readonly lon: number | null;
  /** The filter values the incident holds (`filterKeysOf`). */
  readonly keys: readonly FilterKey[];
}

export function cellOf(lat: number, lon: number): { cy: number; cx: number } {
  return { cy: Math.floor((lat + 90) / CELL_DEGREES), cx: Math.floor((lon + 180) / CELL_DEGREES) };
}

const DAY_MS = 86_400_000;

/** The month of a day since the Unix epoch, as months since January 1970 (negative before). */
export function monthOfDay(day: number): number {
  const date = new Date(day * DAY_MS);
  return (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth();
}

/** The first day (since the Unix epoch) of a month counted as `monthOfDay` does. */
export function firstDayOfMonth(month: number): number {
  const year = 1970 + Math.floor(month / 12);
  return Date.UTC(year, month - Math.floor(month / 12) * 12, 1) / DAY_MS;
}

/** Which count tables a sum fills: all of them for the projector, some for a back-fill. */
export interface CountTables {
  /** `intel_day_counts` and `intel_cell_counts` (migration 0601). */
  readonly unfiltered: boolean;
  /** `intel_filter_day_counts` and `intel_filter_cell_counts` (migration 1400). */
  readonly filtered: boolean;
  /** `intel_cell_month_counts` (migration 1500). */
  readonly months: boolean;
}

const ALL_COUNTS: CountTables = { unfiltered: true, filtered: true, months: true };

/**
 * Contributions summed per count row before they are written, so a refresh of
 * many incidents writes each day and cell once (and a row's -1 and +1 cancel).
 */
export class ContributionSum {
  private readonly days = new Map<string, DayCountRow>();
  private readonly cells = new Map<string, CellCountRow>();
  private readonly filterDays = new Map<string, FilterDayCountRow>();
  private readonly filterCells = new Map<string, FilterCellCountRow>();
  private readonly monthCells = new Map<string, CellMonthCountRow>();

  /** A back-fill sums only the tables its migration fills (they may not exist yet when an earlier one runs). */
  constructor(private readonly tables: CountTables = ALL_COUNTS) {}

  /** Count rows held so far, to bound what a long back-fill keeps in memory. */
  get size(): number {
    return this.days.size + this.cells.size + this.filterDays.size + this.filterCells.size + this.monthCells.size;
  }

  /**
   * RED versions are counted too (migration 1401): a count row's visibility
   * lets the author's organisation see them and no recipient (its `date_added`
   * is 0, no row's recipients), so readers add a RED incident row by row only
   * for a viewer it was sent to.
   */
  add(c: Contribution, sign: 1 | -1): void {
    const visibility = { collection_id: c.collectionId, tlp: c.tlp, author_org: c.authorOrg ?? '', sharing_group: c.sharingGroup ?? '', date_added: 0 };
    const who = `${visibility.collection_id}\u0000${visibility.tlp}\u0000${visibility.author_org}\u0000${visibility.sharing_group}`;
    const { lat, lon } = c;
    const at = lat === null || lon === null ? undefined : cellOf(lat, lon);
    const count = <T extends { incidents: number; killed: number }>(rows: Map<string, T>, key: string, fresh: () => T): T => {
      const row = rows.get(key) ?? fresh();
      row.incidents += sign;
      row.killed += sign * c.killed;
      rows.set(key, row);
      return row;
    };
    const located = (row: { lat_sum: number; lon_sum: number }) => {
      row.lat_sum += sign * (lat ?? 0);
      row.lon_sum += sign * (lon ?? 0);
    };
    if (this.tables.unfiltered) {
      count(this.days, `${who}\u0000${c.day}`, () => ({ ...visibility, event_day: c.day, incidents: 0, killed: 0 }));
      if (at !== undefined) located(count(this.cells, `${who}\u0000${at.cy}\u0000${at.cx}`, () => ({ ...visibility, ...at, incidents: 0, killed: 0, lat_sum: 0, lon_sum: 0 })));
    }
    if (this.tables.months && at !== undefined) {
      const month = monthOfDay(c.day);
      located(count(this.monthCells, `${who}\u0000${month}\u0000${at.cy}\u0000${at.cx}`, () => ({ ...visibility, month, ...at, incidents: 0, killed: 0, lat_sum: 0, lon_sum: 0 })));
    }
    if (!this.tables.filtered) return;
    for (const { kind, value } of c.keys) {
      const filter = `${kind}\u0000${value}\u0000${who}`;
      count(this.filterDays, `${filter}\u0000${c.day}`, () => ({ kind, value, ...visibility, event_day: c.day, incidents: 0, killed: 0 }));
      if (at !== undefined) {
        located(count(this.filterCells, `${filter}\u0000${at.cy}\u0000${at.cx}`, () => ({ kind, value, ...visibility, ...at, incidents: 0, killed: 0, lat_sum: 0, lon_sum: 0 })));
      }
    }
  }

  /** Writes the sums as deltas, in key order (two projectors on PostgreSQL then lock count rows in the same order), and forgets them. */
  async apply(db: Kysely<DatabaseSchema & IncidentIndexTables>): Promise<void> {
    const changed = <T extends { incidents: number; killed: number }>(rows: Map<string, T>, more: (row: T) => boolean): T[] =>
      [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row).filter((row) => row.incidents !== 0 || row.killed !== 0 || more(row));
    const moved = (row: { lat_sum: number; lon_sum: number }) => row.lat_sum !== 0 || row.lon_sum !== 0;
    const days = changed(this.days, () => false);
    const cells = changed(this.cells, moved);
    const filterDays = changed(this.filterDays, () => false);
    const filterCells = changed(this.filterCells, moved);
    const monthCells = changed(this.monthCells, moved);
    for (const rows of [this.days, this.cells, this.filterDays, this.filterCells, this.monthCells]) rows.clear();
    await addDeltas(db, 'intel_day_counts', ['collection_id', 'event_day', 'tlp', 'author_org', 'sharing_group'], SUMS, days);
    await addDeltas(db, 'intel_cell_counts', ['collection_id', 'cy', 'cx', 'tlp', 'author_org', 'sharing_group'], CELL_SUMS, cells);
    await addDeltas(db, 'intel_filter_day_counts', ['kind', 'value', 'collection_id', 'event_day', 'tlp', 'author_org', 'sharing_group'], SUMS, filterDays);
    await addDeltas(db, 'intel_filter_cell_counts', ['kind', 'value', 'collection_id', 'cy', 'cx', 'tlp', 'author_org', 'sharing_group'], CELL_SUMS, filterCells);
    await addDeltas(db, 'intel_cell_month_counts', ['collection_id', 'month', 'cy', 'cx', 'tlp', 'author_org', 'sharing_group'], CELL_SUMS, monthCells);
  }
}

type CountTable = 'intel_day_counts' | 'intel_cell_counts' | 'intel_filter_day_counts' | 'intel_filter_cell_counts' | 'intel_cell_month_counts';
type SummedColumn = 'incidents' | 'killed' | 'lat_sum' | 'lon_sum';
const SUMS = ['incidents', 'killed'] as const;
const CELL_SUMS = ['incidents', 'killed', 'lat_sum', 'lon_sum'] as const;

/**
 * Kysely types an insert by its table's name and cannot resolve one named by
 * a type parameter, so `addDeltas` writes through this view, where every count
 * table holds rows of any count columns; its own signature still pairs each
 * table with its row type, key and sums.
 */
type AnyCountRow = Partial<FilterDayCountRow & FilterCellCountRow & CellMonthCountRow>;

/**
 * Adds `rows` to a count table as deltas, `ROWS_PER_STATEMENT` at a time: a
 * row new to the table is inserted, one whose `key` is there adds its
 * `summed` columns to the stored ones.
 */
async function addDeltas<T extends CountTable>(
  db: Kysely<DatabaseSchema & IncidentIndexTables>,
  table: T,
  key: readonly (keyof IncidentIndexTables[T] & keyof AnyCountRow)[],
  summed: readonly (SummedColumn & keyof IncidentIndexTables[T])[],
  rows: readonly IncidentIndexTables[T][],
): Promise<void> {
  const counts = db as unknown as Kysely<Record<CountTable, AnyCountRow>>;
  const name: CountTable = table;
  const sums = Object.fromEntries(summed.map((column) => [column, sql<number>`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`]));
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    await counts
      .insertInto(name)
      .values(rows.slice(start, start + ROWS_PER_STATEMENT))
      .onConflict((oc) => oc.columns(key).doUpdateSet(sums))
      .execute();
  }
}

/** The back-fill of migration 1400: the filtered counts of every latest version. */
export async function backfillFilterCounts(db: Kysely<DatabaseSchema & IncidentIndexTables>): Promise<void> {
  await backfillCounts(db, { unfiltered: false, filtered: true, months: false });
}

/** What a back-fill counts: every table it fills named, from the latest incident versions of `level` only when given. */
export interface Backfill extends CountTables {
  readonly level?: TlpLevel;
}

/**
 * Fills counts from the incident rows already indexed, with the projector's
 * own key and cell rules: each collection's rows walked by primary key in
 * chunks, the latest versions (of `backfill.level` when given) summed
 * into the tables `backfill` names, written whenever the sums grow large.
 */
export async function backfillCounts(db: Kysely<DatabaseSchema & IncidentIndexTables>, backfill: Backfill): Promise<void> {
  const collections = await db.selectFrom('intel_incidents').select('collection_id').distinct().execute();
  const { level, ...tables } = backfill;
  const sum = new ContributionSum(tables);
  for (const { collection_id: collectionId } of collections) {
    let after = -1;
    for (;;) {
      // No `latest` test in SQL: it would let the planner walk the feed index and sort the collection for each chunk.
      const rows = await db
        .selectFrom('intel_incidents as i')
        .innerJoin('objects as o', (join) => join.onRef('o.collection_id', '=', 'i.collection_id').onRef('o.date_added', '=', 'i.date_added'))
        .select([
          'i.date_added', 'i.latest', 'i.event_day', 'i.killed', 'i.lat', 'i.lon', 'i.country', 'i.region', 'i.attack_types', 'i.target_types', 'i.perpetrators', 'i.sources',
          'o.tlp', 'o.author_org', 'o.sharing_group', 'o.partner',
        ])
        .where('i.collection_id', '=', collectionId)
        .where('i.date_added', '>', after)
        .orderBy('i.date_added')
        .limit(BACKFILL_CHUNK)
        .execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        if (Number(row.latest) !== 1 || (level !== undefined && row.tlp !== level)) continue;
        sum.add({
          collectionId, tlp: row.tlp, authorOrg: row.author_org, sharingGroup: row.sharing_group,
          day: Number(row.event_day), killed: Number(row.killed ?? 0), lat: row.lat === null ? null : Number(row.lat), lon: row.lon === null ? null : Number(row.lon),
          keys: filterKeysOf(row satisfies FilterColumns, row.partner),
        }, 1);
      }
      after = Number(rows[rows.length - 1]?.date_added);
      if (sum.size >= BACKFILL_ROWS_HELD) await sum.apply(db);
    }
  }
  await sum.apply(db);
}

/** Incident rows read per back-fill statement, and count rows summed before they are written. */
const BACKFILL_CHUNK = 5000;
const BACKFILL_ROWS_HELD = 200_000;

/** Count rows per multi-row upsert (at most 14 columns: well under SQLite's parameter limit). */
const ROWS_PER_STATEMENT = 300;
