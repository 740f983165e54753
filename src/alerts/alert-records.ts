import { randomUUID } from 'node:crypto';
import { auditLabelColumn } from '../store/audited-reads.js';
import { microsToTimestamp } from '../store/timestamps.js';
import { visibilityCondition } from '../store/visibility-sql.js';
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { DatabaseSchema } from '../store/schema.js';
import { withAlerts, type AlertsDb } from './alerts-schema.js';
import { planAlerts, type HeldAlert, type NewAlert } from './alert-plan.js';
import type { AlertViewer } from './alert-viewer.js';

/** Rows per INSERT: 12 columns each, well under SQLite's 32,766 bound parameters. */
const ROWS_PER_STATEMENT = 500;
/** Watchlists and object ids per look-up of held alerts. */
const IDS_PER_STATEMENT = 400;

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

/**
 * Records a step: moves the collection's cursor from `from` to `to` only if
 * it is still at `from` (another server may have done this step), and in the
 * same transaction records the step's alerts as alert-plan.ts plans them
 * against the alerts already held for their events — one alert per watchlist
 * and event. Alerts raised (new, or again) are numbered from the alert
 * sequence under its row lock (so they commit in `seq` order) and get their
 * webhook deliveries. Returns how many alerts were raised, or undefined when
 * the step was already recorded by someone else.
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
    const actions = planAlerts(await heldAlerts(trx, alerts), alerts);
    for (const action of actions) {
      if (action.kind !== 'update') continue;
      const { alert } = action;
      await trx
        .updateTable('alerts')
        .set({ collection_id: step.collectionId, object_id: alert.objectId, object_added: alert.objectAdded, incident_id: alert.incidentId, title: alert.title })
        .where('seq', '=', action.held.seq)
        .execute();
    }
    const raised = actions.filter((a) => a.kind !== 'update');
    if (raised.length === 0) return 0;
    // Raised again: the same alert (same id) under a new number; its earlier delivery gives way to the new one.
    const again = raised.flatMap((a) => (a.kind === 'raise-again' ? [a.held.seq] : []));
    if (again.length > 0) {
      await trx.deleteFrom('alert_deliveries').where('alert_seq', 'in', again).execute();
      await trx.deleteFrom('alerts').where('seq', 'in', again).execute();
    }
    const reserved = await trx
      .updateTable('alert_sequence')
      .set((eb) => ({ last_seq: eb('last_seq', '+', raised.length) }))
      .where('name', '=', 'alerts')
      .returning('last_seq')
      .executeTakeFirstOrThrow();
    const first = Number(reserved.last_seq) - raised.length + 1;
    const partners = await partnersOf(trx, step.collectionId, raised.map((a) => a.alert.objectAdded));
    const rows = raised.map((action, i) => ({
      seq: first + i,
      id: action.kind === 'raise-again' ? action.held.id : randomUUID(),
      watchlist_id: action.alert.watchlistId,
      user_id: action.alert.userId,
      collection_id: step.collectionId,
      object_id: action.alert.objectId,
      object_added: action.alert.objectAdded,
      incident_id: action.alert.incidentId,
      title: action.alert.title,
      reasons: JSON.stringify(action.reasons),
      at: now,
      // Raised again on another object (the canonical incident): still from the partner it first came from.
      partner: (action.kind === 'raise-again' ? action.held.partner : null) ?? partners.get(action.alert.objectAdded) ?? null,
    }));
    let inserted = 0;
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      // Another server recording another collection's step may have raised one of these since: that one stands.
      const stored = await trx
        .insertInto('alerts')
        .values(rows.slice(start, start + ROWS_PER_STATEMENT))
        .onConflict((oc) => oc.columns(['watchlist_id', 'object_id']).doNothing())
        .returning('seq')
        .execute();
      inserted += stored.length;
      const deliveries = stored
        .map((row) => Number(row.seq))
        .filter((seq) => raised[seq - first]?.alert.webhook === true)
        .map((seq) => ({ alert_seq: seq, watchlist_id: raised[seq - first]?.alert.watchlistId ?? '', state: 'pending' as const, attempts: 0, next_attempt_at: now }));
      if (deliveries.length > 0) await trx.insertInto('alert_deliveries').values(deliveries).execute();
    }
    return inserted;
  });
}

/** The alerts the step's watchlists hold on any object of the step's events (the unique key (watchlist_id, object_id) finds them). */
async function heldAlerts(trx: AlertsDb, alerts: readonly NewAlert[]): Promise<HeldAlert[]> {
  const watchlists = [...new Set(alerts.map((a) => a.watchlistId))];
  const ids = [...new Set(alerts.flatMap((a) => a.event.ids))];
  const held: HeldAlert[] = [];
  for (let w = 0; w < watchlists.length; w += IDS_PER_STATEMENT) {
    for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
      const rows = await trx
        .selectFrom('alerts')
        .select(['seq', 'id', 'watchlist_id', 'object_id', 'reasons', 'partner'])
        .where('watchlist_id', 'in', watchlists.slice(w, w + IDS_PER_STATEMENT))
        .where('object_id', 'in', ids.slice(i, i + IDS_PER_STATEMENT))
        .execute();
      for (const row of rows) {
        held.push({ seq: Number(row.seq), id: row.id, watchlistId: row.watchlist_id, objectId: row.object_id, reasons: JSON.parse(row.reasons) as string[], partner: row.partner });
      }
    }
  }
  return held;
}

/** The partner (id) each of a collection's rows was pulled from, by date_added; rows stored locally are absent. */
async function partnersOf(trx: AlertsDb, collectionId: string, added: readonly number[]): Promise<Map<number, string>> {
  const partners = new Map<number, string>();
  const unique = [...new Set(added)];
  for (let i = 0; i < unique.length; i += IDS_PER_STATEMENT) {
    const rows = await trx
      .selectFrom('objects')
      .select(['date_added', 'partner'])
      .where('collection_id', '=', collectionId)
      .where('date_added', 'in', unique.slice(i, i + IDS_PER_STATEMENT))
      .where('partner', 'is not', null)
      .execute();
    for (const row of rows) if (row.partner !== null) partners.set(Number(row.date_added), row.partner);
  }
  return partners;
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
    // The partner the alert was raised for (kept when it moved to a canonical incident), else its object's (alerts before migration 1200).
    .leftJoin('partners as p', (join) => join.on(sql<SqlBool>`p.id = coalesce(a.partner, o.partner)`))
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
