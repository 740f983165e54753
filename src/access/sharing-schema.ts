import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.js';

/**
 * The tables of migration 0100-sharing-and-audit, as Kysely sees them. Kept
 * here, beside the code that owns them, and joined to the store's schema with
 * `withSharing(db)`. A type alias, not an interface: Kysely's `withTables`
 * needs an index-signature-compatible type.
 */
export type SharingTables = {
  sharing_groups: {
    id: string;
    name: string;
    owner_org: string;
    created_at: number;
  };
  sharing_group_members: {
    group_id: string;
    org_id: string;
    /** 0 or 1: may add organisations to the group. */
    can_extend: number;
  };
  object_recipients: {
    collection_id: string;
    /** The recipient's object row is (collection_id, date_added). */
    date_added: number;
    recipient_kind: 'user' | 'org';
    recipient_id: string;
  };
  audit_log: {
    seq: number;
    at: number;
    actor_user: string | null;
    actor_org: string | null;
    action: string;
    target: string | null;
    address: string | null;
    path: string | null;
    /** JSON text; never holds a secret. */
    details: string;
    prev_hash: string;
    hash: string;
  };
};

export type AccessDb = Kysely<DatabaseSchema & SharingTables>;

export function withSharing(db: Kysely<DatabaseSchema>): AccessDb {
  return db.withTables<SharingTables>();
}
