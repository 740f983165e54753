import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.js';

/**
 * The tables of migration 0200-federation that federation alone uses, as
 * Kysely sees them (the `watermarks` table belongs to the store, which writes
 * it with the objects). A type alias: Kysely's `withTables` needs an
 * index-signature-compatible type.
 */
export type FederationTables = {
  partners: {
    id: string;
    name: string;
    discovery_url: string;
    auth_kind: 'basic' | 'token';
    /** Sealed by credentials.ts; never the clear secret. */
    credentials: string;
    interval_seconds: number;
    created_at: number;
    last_run_at: number | null;
    last_success_at: number | null;
    consecutive_failures: number;
    last_error: string | null;
    unhealthy_until: number | null;
    /** The sharing group "received from <partner>" its AMBER objects are stored with (migration 0900). */
    received_group: string | null;
  };
  partner_organizations: {
    partner_id: string;
    org_id: string;
  };
  /** The local organisations that receive what a partner sends (migration 0900). */
  partner_receivers: {
    partner_id: string;
    org_id: string;
  };
  partner_rules: {
    id: string;
    partner_id: string;
    direction: 'pull' | 'push';
    remote_collection: string;
    local_collection: string;
    /** JSON text: string[] */
    types: string;
    markings: string;
    labels: string;
    /** Order of the rule within its partner, as given. */
    position: number;
  };
};

export type FederationDb = Kysely<DatabaseSchema & FederationTables>;

export function withFederation(db: Kysely<DatabaseSchema>): FederationDb {
  return db.withTables<FederationTables>();
}
