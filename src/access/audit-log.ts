import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { withOwnership } from './ownership-schema.js';
import { withSharing, type SharingTables } from './sharing-schema.js';

/**
 * The append-only, hash-chained audit log (issue 4 "Audit"): every write,
 * permission change, authentication failure and read of AMBER, AMBER+STRICT
 * or RED intelligence — who, which organisation, what, when, from which
 * address, through which path.
 *
 * Entry n's `hash` is SHA-256 over entry n's own columns and entry n-1's
 * hash, and `seq` runs 1, 2, 3… without gaps, so changing, removing or
 * reordering any entry breaks the chain at that entry (`verifyAuditChain`).
 * Removing entries from the very end leaves a shorter valid chain: the head
 * hash and count that `verifyAuditChain` reports are what an operator anchors
 * elsewhere to detect that.
 *
 * Callers never pass secrets: no password, no token, no Authorization header.
 */
export interface AuditEvent {
  /** Dotted verb, e.g. `objects.add`, `auth.failure`, `group.member-add`, `objects.read-marked`. */
  readonly action: string;
  readonly actorUser?: string | null;
  readonly actorOrg?: string | null;
  /** What was acted on: a collection, object, group, user… id. */
  readonly target?: string | null;
  /** The client's network address. */
  readonly address?: string | null;
  /** Through which path: an HTTP method and URL path, or `cli <command>`. */
  readonly path?: string | null;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditRecord extends Required<Omit<AuditEvent, 'details'>> {
  readonly seq: number;
  readonly at: number;
  readonly details: Record<string, unknown>;
  readonly prevHash: string;
  readonly hash: string;
}

type AuditRow = SharingTables['audit_log'];

export const GENESIS_HASH = '0'.repeat(64);

/** The hash of one entry: its columns, in a fixed order, and the previous entry's hash. */
export function entryHash(row: Omit<AuditRow, 'hash'>): string {
  const content = JSON.stringify([
    Number(row.seq),
    Number(row.at),
    row.actor_user,
    row.actor_org,
    row.action,
    row.target,
    row.address,
    row.path,
    row.details,
    row.prev_hash,
  ]);
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Appends one entry after the current last one. Given a transaction, the
 * entry commits (or not) with whatever else that transaction writes: a write
 * and its audit entry are never separated by a crash. Every append first
 * updates the one row of `audit_append_lock` and holds it until commit, so
 * appenders take `seq` one after the other on SQLite and on PostgreSQL, and
 * the chain stays one line. Inside a longer transaction, append last: the
 * lock is held from there to the commit.
 */
export async function appendAudit(db: Kysely<DatabaseSchema>, event: AuditEvent, at: number = nowMicros()): Promise<void> {
  if (db.isTransaction) return appendLocked(db, event, at);
  await db.transaction().execute((trx) => appendLocked(trx, event, at));
}

async function appendLocked(trx: Kysely<DatabaseSchema>, event: AuditEvent, at: number): Promise<void> {
  const locked = await withOwnership(trx)
    .updateTable('audit_append_lock')
    .set((eb) => ({ appends: eb('appends', '+', 1) }))
    .where('id', '=', 1)
    .executeTakeFirst();
  if (locked.numUpdatedRows !== 1n) {
    throw new EntenteError('unavailable', 'The audit log has no append lock row (migration 0800-ownership); the action was not recorded');
  }
  const sharing = withSharing(trx);
  const head = await sharing.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const row = chainedRow(event, at, head === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: Number(head.seq), hash: head.hash });
  await sharing.insertInto('audit_log').values({ ...row, hash: entryHash(row) }).execute();
}

export type ChainReport =
  | { readonly ok: true; readonly entries: number; readonly head: string }
  | { readonly ok: false; readonly entries: number; readonly seq: number; readonly problem: string };

const VERIFY_PAGE = 1000;
const STIX_ID = /^[a-z0-9-]+--[0-9a-f-]{36}$/;

/**
 * Walks the whole chain in `seq` order and reports the first entry that was
 * altered, removed or reordered, or the number of entries and the head hash.
 */
export async function verifyAuditChain(db: Kysely<DatabaseSchema>): Promise<ChainReport> {
  const sharing = withSharing(db);
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  for (;;) {
    const rows = await sharing
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(VERIFY_PAGE)
      .execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      const checked = expectedSeq - 1;
      if (seq !== expectedSeq) {
        return { ok: false, entries: checked, seq: expectedSeq, problem: `entry ${expectedSeq} is missing: it was removed, or the entries were renumbered` };
      }
      if (row.prev_hash !== prev) {
        return { ok: false, entries: checked, seq, problem: `entry ${seq} does not follow entry ${seq - 1}: an entry before it was removed, inserted or reordered` };
      }
      const { hash, ...content } = row;
      if (entryHash(content) !== hash) {
        return { ok: false, entries: checked, seq, problem: `entry ${seq} does not match its hash: it was altered or moved` };
      }
      prev = hash;
      expectedSeq++;
    }
    if (rows.length < VERIFY_PAGE) return { ok: true, entries: expectedSeq - 1, head: prev };
  }
}

export interface AuditQuery {
  readonly user?: string;
  readonly org?: string;
  /** Entries whose target is this id, or whose details mention it. */
  readonly object?: string;
  /** Microseconds since the epoch. */
  readonly since?: number;
  readonly limit?: number;
}

/** The entries matching every given criterion, oldest first. */
export async function queryAudit(db: Kysely<DatabaseSchema>, query: AuditQuery): Promise<AuditRecord[]> {
  let select = withSharing(db).selectFrom('audit_log').selectAll();
  if (query.user !== undefined) select = select.where('actor_user', '=', query.user);
  if (query.org !== undefined) select = select.where('actor_org', '=', query.org);
  if (query.since !== undefined) select = select.where('at', '>=', query.since);
  const object = query.object;
  if (object !== undefined) {
    // A STIX id holds only [a-z0-9-], so it cannot carry a LIKE wildcard.
    if (!STIX_ID.test(object)) throw new EntenteError('invalid_input', `"${object}" is not a STIX identifier (type--UUID)`);
    select = select.where((eb) => eb.or([eb('target', '=', object), eb('details', 'like', `%${object}%`)]));
  }
  const rows = await select.orderBy('seq').limit(query.limit ?? 1000).execute();
  return rows.map((row) => ({
    seq: Number(row.seq),
    at: Number(row.at),
    actorUser: row.actor_user,
    actorOrg: row.actor_org,
    action: row.action,
    target: row.target,
    address: row.address,
    path: row.path,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  }));
}

/** The entry that follows `head` in the chain (its hash still to compute). */
export function chainedRow(event: AuditEvent, at: number, head: { readonly seq: number; readonly hash: string }): Omit<AuditRow, 'hash'> {
  return {
    seq: head.seq + 1,
    at,
    actor_user: event.actorUser ?? null,
    actor_org: event.actorOrg ?? null,
    action: event.action,
    target: event.target ?? null,
    address: event.address ?? null,
    path: event.path ?? null,
    details: JSON.stringify(event.details ?? {}),
    prev_hash: head.hash,
  };
}
