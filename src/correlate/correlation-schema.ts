import { PostgresAdapter, sql, type Compilable, type Kysely, type OperationNodeSource } from 'kysely';
import type { DatabaseSchema } from '../store/schema.js';

/**
 * The tables of migration 0400-correlation, as Kysely sees them, joined to the
 * store's schema with `withCorrelation(db)`. Times are microseconds since the
 * Unix epoch; JSON is text. A type alias: Kysely's `withTables` needs an
 * index-signature-compatible type.
 */
export type CorrelationTables = {
  correlation_block_keys: { key: string; incident_id: string; added: number };
  correlation_members: {
    incident_id: string;
    canonical_id: string;
    report_id: string;
    collection_id: string;
    /** JSON text: IncidentFeatures. */
    features: string;
    added_at: number;
  };
  correlation_canonicals: { canonical_id: string; cluster_key: string; modified: string | null; updated_at: number };
  correlation_merges: {
    id: string;
    canonical_id: string;
    incident_id: string;
    /** JSON text: the canonical incidents this join absorbed, `{canonicalId, members}[]`. */
    absorbed: string;
    score: number;
    /** JSON text: string[] */
    reasons: string;
    at: number;
    split_at: number | null;
  };
  correlation_cannot_link: { a: string; b: string; at: number };
  correlation_links: { a: string; b: string; at: number };
  entity_mentions: {
    mention_id: string;
    entity_id: string;
    kind: string;
    name: string;
    role: string | null;
    country: string | null;
    added_at: number;
  };
  entity_keys: { key: string; mention_id: string };
  entity_aliases: { mention_id: string; alias: string; report_id: string; partner: string; added_at: number };
  entity_merges: {
    id: string;
    entity_id: string;
    /** JSON text: mention ids. */
    left_ids: string;
    right_ids: string;
    reason: string;
    confidence: number;
    at: number;
    split_at: number | null;
  };
  entity_split_sides: { mention_id: string; merge_id: string; side: 'left' | 'right' };
  correlation_sources: {
    id: string;
    name: string;
    name_key: string;
    kind: 'outlet' | 'agency' | 'partner';
    reliability: string;
    created_at: number;
    updated_at: number;
  };
  correlation_cursors: { collection_id: string; date_added: number; updated_at: number };
};

export type CorrelationDb = Kysely<DatabaseSchema & CorrelationTables>;

export function withCorrelation(db: Kysely<DatabaseSchema>): CorrelationDb {
  return db.withTables<CorrelationTables>();
}

/** A write statement built but not yet run (an insert, update or delete query builder). */
export type PendingWrite = Compilable & OperationNodeSource;

/**
 * Runs `writes` in order, all or none. On PostgreSQL in a single statement
 * (each a data-modifying WITH query): one round trip instead of one per write
 * plus BEGIN and COMMIT. Every part sees the data as it was before the
 * statement, so no write may depend on another's effect or touch its rows.
 * On SQLite (in process, where a statement costs no round trip) in one
 * transaction.
 */
export async function writeAtomically<DB>(db: Kysely<DB>, writes: readonly PendingWrite[]): Promise<void> {
  if (writes.length === 0) return;
  if (writes.length === 1) {
    await db.executeQuery((writes[0] as PendingWrite).compile());
    return;
  }
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const parts = writes.map((write, i) => sql`${sql.id(`write_${i}`)} as (${write})`);
    await sql`with ${sql.join(parts)} select 1 as written`.execute(db);
    return;
  }
  await db.transaction().execute(async (trx) => {
    for (const write of writes) await trx.executeQuery(write.compile());
  });
}
