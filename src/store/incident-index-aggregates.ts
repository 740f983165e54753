import { sql, type Kysely } from 'kysely';
import type { CellCountRow, DayCountRow, IncidentIndexTables } from './incident-index-schema.js';
import type { DatabaseSchema } from './schema.js';

/**
 * The counts behind the zoomed-out map and the unfiltered timeline
 * (migration 0601): what one latest, non-RED incident version adds to
 * `intel_day_counts` and `intel_cell_counts`, applied as deltas by the
 * projector when a row is indexed or recomputed, in the same transaction.
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

/** Adds (`sign` 1) or removes (-1) one incident's contribution. RED rows are never counted here. */
export async function applyContribution(db: Kysely<DatabaseSchema & IncidentIndexTables>, c: Contribution, sign: 1 | -1): Promise<void> {
  if (c.tlp === 'red') return;
  const visibility = { collection_id: c.collectionId, tlp: c.tlp, author_org: c.authorOrg ?? '', sharing_group: c.sharingGroup ?? '', date_added: 0 };
  const day: DayCountRow = { ...visibility, event_day: c.day, incidents: sign, killed: sign * c.killed };
  await db
    .insertInto('intel_day_counts')
    .values(day)
    .onConflict((oc) =>
      oc.columns(['collection_id', 'event_day', 'tlp', 'author_org', 'sharing_group']).doUpdateSet({
        incidents: sql`intel_day_counts.incidents + ${sign}`,
        killed: sql`intel_day_counts.killed + ${sign * c.killed}`,
      }))
    .execute();
  const { lat, lon } = c;
  if (lat === null || lon === null) return;
  const cell: CellCountRow = { ...visibility, ...cellOf(lat, lon), incidents: sign, killed: sign * c.killed, lat_sum: sign * lat, lon_sum: sign * lon };
  await db
    .insertInto('intel_cell_counts')
    .values(cell)
    .onConflict((oc) =>
      oc.columns(['collection_id', 'cy', 'cx', 'tlp', 'author_org', 'sharing_group']).doUpdateSet({
        incidents: sql`intel_cell_counts.incidents + ${sign}`,
        killed: sql`intel_cell_counts.killed + ${sign * c.killed}`,
        lat_sum: sql`intel_cell_counts.lat_sum + ${sign * lat}`,
        lon_sum: sql`intel_cell_counts.lon_sum + ${sign * lon}`,
      }))
    .execute();
}
