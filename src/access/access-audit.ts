import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { appendAudit, chainedRow, entryHash, GENESIS_HASH, type AuditEvent } from './audit-log.js';
import type { Principal } from './principal.js';
import { withSharing, type SharingTables } from './sharing-schema.js';

/** Where a request came from, for the audit trail. */
export interface RequestOrigin {
  readonly address: string | null;
  /** `METHOD /url` or `cli <command>`. */
  readonly path: string;
}

/** What the HTTP server records (issue 4 "Audit"). */
export interface AccessAudit {
  record(event: AuditEvent): Promise<void>;
  /**
   * Records that `principal` was served, from `collectionId`, the rows of a
   * page (objects, manifest records or versions) whose `auditLabel`s are given:
   * the store labels the AMBER, AMBER+STRICT, RED and unknown-level rows
   * (store/audited-reads.ts) and leaves the others null. One entry per page
   * naming those objects; nothing at all when the page has none.
   */
  readsOf(principal: Principal, collectionId: string, auditLabels: readonly (string | null | undefined)[], origin: RequestOrigin): Promise<void>;
}

type AuditRow = SharingTables['audit_log'];

interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

const APPEND_ATTEMPTS = 20;

/**
 * Appends read entries to the hash chain in one statement: the head this
 * process last wrote is remembered, so the next entry needs no read of the
 * head first. When anyone else has appended since (a write's entry, another
 * server on the same PostgreSQL, the CLI), the INSERT collides on `seq`, the
 * primary key, and the head is read again, so the chain stays one line.
 *
 * Appends made inside a write's transaction update `audit_append_lock` before
 * reading the head (migration 0800). On PostgreSQL this statement updates that
 * row too, in the same statement, so it waits for such a transaction to commit
 * and can never take the `seq` it read; on SQLite the one writer at a time
 * already keeps it out of such a transaction.
 */
class ReadAuditChain {
  private head: ChainHead | undefined;

  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async append(event: AuditEvent): Promise<void> {
    const at = nowMicros();
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      const head = this.head ?? (await this.readHead());
      const row = chainedRow(event, at, head);
      const hash = entryHash(row);
      try {
        await this.insert({ ...row, hash });
        this.head = { seq: row.seq, hash };
        return;
      } catch (error) {
        this.head = undefined;
        if (!isUniqueViolation(error)) throw error;
      }
    }
    throw new EntenteError('unavailable', `The audit log stayed busy for ${APPEND_ATTEMPTS} attempts; the read was not recorded, retry it`);
  }

  private async insert(row: AuditRow): Promise<void> {
    if (!(this.db.getExecutor().adapter instanceof PostgresAdapter)) {
      await withSharing(this.db).insertInto('audit_log').values(row).execute();
      return;
    }
    // The INSERT selects from the UPDATE, so the lock row is taken first and held until the statement commits.
    await sql`
      with lock as (update audit_append_lock set appends = appends + 1 where id = 1 returning appends)
      insert into audit_log (seq, at, actor_user, actor_org, action, target, address, path, details, prev_hash, hash)
      select ${row.seq}::bigint, ${row.at}::bigint, ${row.actor_user}::text, ${row.actor_org}::text, ${row.action}::text,
        ${row.target}::text, ${row.address}::text, ${row.path}::text, ${row.details}::text, ${row.prev_hash}::text, ${row.hash}::text
      from lock
    `.execute(this.db);
  }

  private async readHead(): Promise<ChainHead> {
    const head = await withSharing(this.db)
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return head === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: Number(head.seq), hash: head.hash };
  }
}

export function createAccessAudit(db: Kysely<DatabaseSchema>): AccessAudit {
  const reads = new ReadAuditChain(db);
  return {
    record: (event) => appendAudit(db, event),
    async readsOf(principal, collectionId, auditLabels, origin) {
      const marked = auditLabels.filter((label): label is string => typeof label === 'string');
      if (marked.length === 0) return;
      await reads.append({
        action: 'objects.read-marked',
        actorUser: principal.userId,
        actorOrg: principal.orgId,
        target: collectionId,
        address: origin.address,
        path: origin.path,
        details: { objects: marked },
      });
    },
  };
}
