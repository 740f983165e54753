import { sql, type Kysely } from 'kysely';
import type { CellCountRow, DayCountRow, IncidentIndexTables } from './incident-index-schema.js';
import type { DatabaseSchema } from './schema.js';

/**
 * The counts behind the zoomed-out map and the unfiltered timeline
 * (migration 0601): what one latest, non-RED incident version adds to
 * `intel_day_counts` and `intel_cell_counts`, summed over a batch and applied
 * as deltas by the projector when rows are indexed or recomputed, in the same
 * transaction.
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
}

export function cellOf(lat: number, lon: number): { cy: number; cx: number } {
  return { cy: Math.floor((lat + 90) / CELL_DEGREES), cx: Math.floor((lon + 180) / CELL_DEGREES) };
}

/**
 * Contributions summed per count row before they are written, so a refresh of
 * many incidents writes each day and cell once (and a row's -1 and +1 cancel).
 */
export class ContributionSum {
  private readonly days = new Map<string, DayCountRow>();
  private readonly cells = new Map<string, CellCountRow>();

  add(c: Contribution, sign: 1 | -1): void {
    if (c.tlp === 'red') return;
    const visibility = { collection_id: c.collectionId, tlp: c.tlp, author_org: c.authorOrg ?? '', sharing_group: c.sharingGroup ?? '', date_added: 0 };
    const who = `${visibility.collection_id}\u0000${visibility.tlp}\u0000${visibility.author_org}\u0000${visibility.sharing_group}`;
    const dayKey = `${who}\u0000${c.day}`;
    const day = this.days.get(dayKey) ?? { ...visibility, event_day: c.day, incidents: 0, killed: 0 };
    day.incidents += sign;
    day.killed += sign * c.killed;
    this.days.set(dayKey, day);
    const { lat, lon } = c;
    if (lat === null || lon === null) return;
    const at = cellOf(lat, lon);
    const cellKey = `${who}\u0000${at.cy}\u0000${at.cx}`;
    const cell = this.cells.get(cellKey) ?? { ...visibility, ...at, incidents: 0, killed: 0, lat_sum: 0, lon_sum: 0 };
    cell.incidents += sign;
    cell.killed += sign * c.killed;
    cell.lat_sum += sign * lat;
    cell.lon_sum += sign * lon;
    this.cells.set(cellKey, cell);
  }

  /** Writes the sums as deltas, in key order (two projectors on PostgreSQL then lock count rows in the same order). */
  async apply(db: Kysely<DatabaseSchema & IncidentIndexTables>): Promise<void> {
    const changed = <T extends { incidents: number; killed: number }>(rows: Map<string, T>, more: (row: T) => boolean): T[] =>
      [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row).filter((row) => row.incidents !== 0 || row.killed !== 0 || more(row));
    const days = changed(this.days, () => false);
    const cells = changed(this.cells, (row) => row.lat_sum !== 0 || row.lon_sum !== 0);
    for (let start = 0; start < days.length; start += ROWS_PER_STATEMENT) {
      await db
        .insertInto('intel_day_counts')
        .values(days.slice(start, start + ROWS_PER_STATEMENT))
        .onConflict((oc) =>
          oc.columns(['collection_id', 'event_day', 'tlp', 'author_org', 'sharing_group']).doUpdateSet({
            incidents: sql`intel_day_counts.incidents + excluded.incidents`,
            killed: sql`intel_day_counts.killed + excluded.killed`,
          }))
        .execute();
    }
    for (let start = 0; start < cells.length; start += ROWS_PER_STATEMENT) {
      await db
        .insertInto('intel_cell_counts')
        .values(cells.slice(start, start + ROWS_PER_STATEMENT))
        .onConflict((oc) =>
          oc.columns(['collection_id', 'cy', 'cx', 'tlp', 'author_org', 'sharing_group']).doUpdateSet({
            incidents: sql`intel_cell_counts.incidents + excluded.incidents`,
            killed: sql`intel_cell_counts.killed + excluded.killed`,
            lat_sum: sql`intel_cell_counts.lat_sum + excluded.lat_sum`,
            lon_sum: sql`intel_cell_counts.lon_sum + excluded.lon_sum`,
          }))
        .execute();
    }
  }
}

/** Count rows per multi-row upsert (10 columns: well under SQLite's parameter limit). */
const ROWS_PER_STATEMENT = 300;
