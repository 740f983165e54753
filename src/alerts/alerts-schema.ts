import type { Kysely } from 'kysely';
import type { SharingTables } from '../access/sharing-schema.js';
import type { DatabaseSchema } from '../store/schema.js';

/**
 * The tables of migration 0700-alerts, as Kysely sees them, joined to the
 * store's schema (and the sharing tables the visibility condition reads) with
 * `withAlerts(db)`. A type alias: Kysely's `withTables` needs an
 * index-signature-compatible type.
 */
export type AlertTables = {
  watchlists: {
    id: string;
    user_id: string;
    name: string;
    /** JSON text: the match as the user gave it (normalised), shown back by GET /watchlists. */
    match: string;
    /** JSON text: WatchTerms, the match resolved for the matcher. */
    terms: string;
    webhook_url: string | null;
    /** Sealed by webhook-secret.ts; never the clear secret. */
    webhook_secret: string | null;
    created_at: number;
  };
  alert_cursors: {
    collection_id: string;
    /** The last objects.date_added of this collection already matched (µs). */
    last_added: number;
    updated_at: number;
  };
  alert_sequence: {
    name: string;
    last_seq: number;
  };
  alerts: {
    seq: number;
    id: string;
    watchlist_id: string;
    user_id: string;
    collection_id: string;
    object_id: string;
    /** date_added of the matched object's row: with collection_id, the row every read re-checks. */
    object_added: number;
    incident_id: string | null;
    title: string;
    /** JSON text: string[], why it matched ("group: Islamic State"). */
    reasons: string;
    at: number;
    /** The partner the alerted object was pulled from when the alert was raised (migration 1200); kept when the alert moves. */
    partner: string | null;
  };
  alert_deliveries: {
    alert_seq: number;
    watchlist_id: string;
    state: DeliveryState;
    attempts: number;
    next_attempt_at: number;
    /** `host:pid:random` of the process sending it now, if any. */
    lease_owner: string | null;
    lease_until: number | null;
    last_status: number | null;
    last_error: string | null;
    delivered_at: number | null;
  };
  /** Federation's table (migration 0200), read only to name the partner an object came from. */
  partners: {
    id: string;
    name: string;
  };
};

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export type AlertsDb = Kysely<DatabaseSchema & SharingTables & AlertTables>;

export function withAlerts(db: Kysely<DatabaseSchema>): AlertsDb {
  return db.withTables<SharingTables & AlertTables>();
}
