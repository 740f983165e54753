import { randomUUID } from 'node:crypto';
import { auditLabelColumn } from '../store/audited-reads.js';
import { microsToTimestamp } from '../store/timestamps.js';
import { visibilityCondition } from '../store/visibility-sql.js';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.js';
import { withAlerts, type AlertsDb } from './alerts-schema.js';
import type { AlertViewer } from './alert-viewer.js';

/** Rows per INSERT: 11 columns each, well under SQLite's 32,766 bound parameters. */
const ROWS_PER_STATEMENT = 500;

/** An alert as the REST API, the live stream and webhooks present it (REST.md "Alerts"). */
export interface AlertView {
  readonly id: string;
  readonly watchlistId: string;
  readonly watchlistName: string;
  readonly objectId: string;
  readonly incidentId?: string;
  readonly title: string;
  /** When the alert was raised (ISO 8601). */
  readonly at: string;
  readonly collection: string;
  /** The partner the object came from, when it was pulled from one. */
  readonly partner?: string;
  /** Why it matched: "group: Islamic State", "place: Chechnya (RU)". */
  readonly reasons: readonly string[];
}

/** An alert the follower decided to raise. */
export interface NewAlert {
  readonly watchlistId: string;
  readonly userId: string;
  readonly objectId: string;
  readonly objectAdded: number;
  readonly incidentId: string | null;
  readonly title: string;
  readonly reasons: readonly string[];
  /** The watchlist has a webhook: queue a delivery in the same transaction. */
  readonly webhook: boolean;
}

/**
 * Records a step: moves the collection's cursor from `from` to `to` only if
 * it is still at `from` (another server may have done this step), and in the
 * same transaction inserts the alerts, numbered from the alert sequence under
 * its row lock (so they commit in `seq` order), and their webhook deliveries.
 * An alert already raised for that watchlist and object is not raised again.
 * Returns how many alerts were inserted, or undefined when the step was
 * already recorded by someone else.
 */
export async function recordStep(
  db: AlertsDb,
  step: { readonly collectionId: string; readonly from: number; readonly to: number },
  alerts: readonly NewAlert[],
  now: number,
): Promise<number | undefined> {
  return await db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable('alert_cursors')
      .set({ last_added: step.to, updated_at: now })
      .where('collection_id', '=', step.collectionId)
      .where('last_added', '=', step.from)
      .executeTakeFirst();
    if (moved.numUpdatedRows === 0n) return undefined;
    if (alerts.length === 0) return 0;
    const reserved = await trx
      .updateTable('alert_sequence')
      .set((eb) => ({ last_seq: eb('last_seq', '+', alerts.length) }))
      .where('name', '=', 'alerts')
      .returning('last_seq')
      .executeTakeFirstOrThrow();
    const first = Number(reserved.last_seq) - alerts.length + 1;
    const rows = alerts.map((alert, i) => ({
      seq: first + i,
      id: randomUUID(),
      watchlist_id: alert.watchlistId,
      user_id: alert.userId,
      collection_id: step.collectionId,
      object_id: alert.objectId,
      object_added: alert.objectAdded,
      incident_id: alert.incidentId,
      title: alert.title,
      reasons: JSON.stringify(alert.reasons),
      at: now,
    }));
    let inserted = 0;
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const stored = await trx
        .insertInto('alerts')
        .values(rows.slice(start, start + ROWS_PER_STATEMENT))
        .onConflict((oc) => oc.columns(['watchlist_id', 'object_id']).doNothing())
        .returning('seq')
        .execute();
      inserted += stored.length;
      const deliveries = stored
        .map((row) => Number(row.seq))
        .filter((seq) => alerts[seq - first]?.webhook === true)
        .map((seq) => ({ alert_seq: seq, watchlist_id: alerts[seq - first]?.watchlistId ?? '', state: 'pending' as const, attempts: 0, next_attempt_at: now }));
      if (deliveries.length > 0) await trx.insertInto('alert_deliveries').values(deliveries).execute();
    }
    return inserted;
  });
}

export interface AlertQuery {
  /** Only alerts numbered after this (the live stream's position). */
  readonly afterSeq?: number;
  /** Only alerts numbered before this (the list's cursor). */
  readonly beforeSeq?: number;
  /** Only alerts numbered up to this (the live stream: what the sequence says is committed). */
  readonly upToSeq?: number;
  /** Only these alerts (a webhook delivery re-checks its alert). */
  readonly seqs?: readonly number[];
  readonly limit: number;
  /** `newest`: the list, newest first; `oldest`: the stream, in order. */
  readonly order: 'newest' | 'oldest';
}

export interface AlertRow {
  readonly seq: number;
  readonly view: AlertView;
  /** Set when the alerted object's level has its reads audited (store/audited-reads.ts): pass to `AccessAudit.readsOf`. */
  readonly auditLabel: string | null;
}

/**
 * A user's alerts that they may still see: the alerted object's row must be
 * in a collection they may read (`readableCollections`, from
 * access/permissions.ts) and pass the store's visibility condition for their
 * scope — in SQL, the same condition every other read applies. An alert whose
 * object has since been hidden from them, or deleted, is not shown.
 */
export async function visibleAlerts(
  database: Kysely<DatabaseSchema>,
  user: AlertViewer,
  query: AlertQuery,
): Promise<AlertRow[]> {
  if (user.readableCollections.length === 0) return [];
  const visible = visibilityCondition('o', user.scope);
  let select = withAlerts(database)
    .selectFrom('alerts as a')
    .innerJoin('watchlists as w', 'w.id', 'a.watchlist_id')
    .innerJoin('objects as o', (join) => join.onRef('o.collection_id', '=', 'a.collection_id').onRef('o.date_added', '=', 'a.object_added'))
    .leftJoin('partners as p', 'p.id', 'o.partner')
    .select(['a.seq', 'a.id', 'a.watchlist_id', 'w.name as watchlist_name', 'a.object_id', 'a.incident_id', 'a.title', 'a.reasons', 'a.at'])
    .select(['a.collection_id', 'p.name as partner_name', auditLabelColumn().as('audit_label')])
    .where('a.user_id', '=', user.userId)
    .where('a.collection_id', 'in', [...user.readableCollections]);
  if (visible !== undefined) select = select.where(visible);
  if (query.afterSeq !== undefined) select = select.where('a.seq', '>', query.afterSeq);
  if (query.beforeSeq !== undefined) select = select.where('a.seq', '<', query.beforeSeq);
  if (query.upToSeq !== undefined) select = select.where('a.seq', '<=', query.upToSeq);
  if (query.seqs !== undefined) select = select.where('a.seq', 'in', query.seqs.length > 0 ? [...query.seqs] : [-1]);
  const rows = await select
    .orderBy('a.seq', query.order === 'newest' ? 'desc' : 'asc')
    .limit(query.limit)
    .execute();
  return rows.map((row) => ({
    seq: Number(row.seq),
    auditLabel: row.audit_label,
    view: {
      id: row.id,
      watchlistId: row.watchlist_id,
      watchlistName: row.watchlist_name,
      objectId: row.object_id,
      ...(row.incident_id !== null ? { incidentId: row.incident_id } : {}),
      title: row.title,
      at: microsToTimestamp(Number(row.at)),
      collection: row.collection_id,
      ...(row.partner_name !== null ? { partner: row.partner_name } : {}),
      reasons: JSON.parse(row.reasons) as string[],
    },
  }));
}

/** The highest alert number handed out so far (a new live stream starts after it). */
export async function lastAlertSeq(db: AlertsDb): Promise<number> {
  const row = await db.selectFrom('alert_sequence').select('last_seq').where('name', '=', 'alerts').executeTakeFirst();
  return Number(row?.last_seq ?? 0);
}
