import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.js';

/**
 * The tables of migration 0800-ownership that access/ reads and writes, as
 * Kysely sees them (the statuses' owner columns are in store/schema.ts, as
 * the store writes them). Joined to the store's schema with `withOwnership`.
 */
export type OwnershipTables = {
  object_publishers: {
    object_id: string;
    /** The organisation that first published the id; only it publishes new versions. */
    org_id: string;
  };
  audit_append_lock: {
    id: number;
    /** Bumped by every append: the row lock orders appenders. */
    appends: number;
  };
};

export function withOwnership(db: Kysely<DatabaseSchema>): Kysely<DatabaseSchema & OwnershipTables> {
  return db.withTables<OwnershipTables>();
}
