import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import { runPrepared } from '../store/prepared-statements.js';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { appendAudit, chainedRow, entryHash, GENESIS_HASH, type AuditEvent } from './audit-log.js';
import type { JoinedTextPage, ObjectQuery, ReadScope } from '../store/object-store.js';
import { joinedTextsPage, joinedTextsStatement, resolveFilter, type JoinedRow } from '../store/read-pages.js';
import { presentedToken } from './authenticator.js';
import type { Principal } from './principal.js';
import { readGuardSql, StatementParameters } from './read-guard.js';
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
  /**
   * PostgreSQL: reads a page of object texts and appends its `readsOf` entry
   * in the same statement, so a page of marked objects costs one round trip,
   * not two. The entry is appended only while the request's token is, at the
   * statement's snapshot, live and `principal`'s, and `principal` may read the
   * collection (read-guard.ts), so a read begun before the header is verified
   * again (taxii/server/verified-read.ts) records nothing unless the token
   * stood. `appended` says whether the entry was written (false also when the
   * page names no marked object); when it was not, the caller still owes
   * `readsOf` for what it serves. Undefined when the page cannot be read this
   * way (SQLite, a password, a chain head not yet known, another such read in
   * flight): read it as usual.
   */
  objectTextsWithAudit?(read: AuditedRead, query: ObjectQuery, scope: ReadScope): Promise<AuditedPage | undefined>;
}

/** Who reads which collection through which request, for `objectTextsWithAudit`. */
export interface AuditedRead {
  readonly principal: Principal;
  readonly authorization: string | undefined;
  readonly collectionId: string;
  readonly origin: RequestOrigin;
}

export interface AuditedPage {
  readonly page: JoinedTextPage;
  readonly appended: boolean;
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
  /** An append inside a page statement is in flight: another would take the same `seq` and fail. */
  private inlineBusy = false;

  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  /**
   * Reads the page and appends `event` with its details `{ objects: labels
   * of the served rows }` in one statement (see `objectTextsWithAudit`). The
   * hash is computed by PostgreSQL from the same JSON text `entryHash` hashes:
   * the entry's other fields are written into that text here, and the details
   * are built with `to_json`, which escapes strings as JSON.stringify does.
   */
  async readWithAppend(read: AuditedRead, event: AuditEvent, query: ObjectQuery, scope: ReadScope): Promise<AuditedPage | undefined> {
    const head = this.head;
    const token = presentedToken(read.authorization);
    if (head === undefined || token === undefined || read.principal.via !== 'token' || this.inlineBusy) return undefined;
    const at = nowMicros();
    const row = chainedRow(event, at, head);
    // Resolved first: a cursor this server did not issue is refused before anything runs.
    const filter = resolveFilter(read.collectionId, query, scope);
    const page = joinedTextsStatement(this.db, filter, query.limit);
    const params = new StatementParameters(page.parameters.length);
    const guard = readGuardSql(params, token, read.principal, read.collectionId);
    const content = JSON.stringify([row.seq, row.at, row.actor_user, row.actor_org, row.action, row.target, row.address, row.path]);
    const text = `with page as (${page.sql}),
marked as (
  select '{"objects":[' || (select string_agg(to_json(l.label)::text, ',' order by l.n) from unnest(string_to_array(p."auditLabels", E'\\n')) with ordinality as l(label, n)) || ']}' as details
  from page p where p."auditLabels" is not null),
lock as (update audit_append_lock set appends = appends + 1 where id = 1 and exists (select 1 from marked) and ${guard} returning appends),
entry as (
  insert into audit_log (seq, at, actor_user, actor_org, action, target, address, path, details, prev_hash, hash)
  select ${params.add(row.seq, 'bigint')}, ${params.add(row.at, 'bigint')}, ${params.add(row.actor_user, 'text')},
    ${params.add(row.actor_org, 'text')}, ${params.add(row.action, 'text')}, ${params.add(row.target, 'text')},
    ${params.add(row.address, 'text')}, ${params.add(row.path, 'text')}, m.details, ${params.add(row.prev_hash, 'text')},
    encode(sha256(convert_to(${params.add(`${content.slice(0, -1)},`, 'text')} || to_json(m.details)::text || ${params.add(`,${JSON.stringify(row.prev_hash)}]`, 'text')}, 'UTF8')), 'hex')
  from marked m cross join lock
  returning seq)
select page.*, (select count(*) from entry)::int as "auditAppended" from page`;
    runPrepared(text);
    this.inlineBusy = true;
    try {
      const { rows } = await this.db.executeQuery<JoinedRow & { auditAppended: number }>({ ...page, sql: text, parameters: [...page.parameters, ...params.values] });
      const served = joinedTextsPage(rows[0], query.limit);
      const appended = rows[0]?.auditAppended === 1;
      if (appended) {
        const written = chainedRow({ ...event, details: { objects: [...served.auditLabels] } }, at, head);
        this.head = { seq: written.seq, hash: entryHash(written) };
      }
      return { page: served, appended };
    } catch (error) {
      this.head = undefined;
      // Someone appended since (a write, another server): nothing was written or read; read it as usual.
      if (isUniqueViolation(error)) return undefined;
      throw error;
    } finally {
      this.inlineBusy = false;
    }
  }

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
    const statement = sql`
      with lock as (update audit_append_lock set appends = appends + 1 where id = 1 returning appends)
      insert into audit_log (seq, at, actor_user, actor_org, action, target, address, path, details, prev_hash, hash)
      select ${row.seq}::bigint, ${row.at}::bigint, ${row.actor_user}::text, ${row.actor_org}::text, ${row.action}::text,
        ${row.target}::text, ${row.address}::text, ${row.path}::text, ${row.details}::text, ${row.prev_hash}::text, ${row.hash}::text
      from lock
    `.compile(this.db);
    runPrepared(statement.sql);
    await this.db.executeQuery(statement);
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

/** The labels of the marked objects among those served (an unmarked one has none). */
function markedLabels(auditLabels: readonly (string | null | undefined)[]): string[] {
  return auditLabels.filter((label): label is string => typeof label === 'string');
}

function readEvent(principal: Principal, collectionId: string, origin: RequestOrigin, marked: readonly string[]): AuditEvent {
  return {
    action: 'objects.read-marked',
    actorUser: principal.userId,
    actorOrg: principal.orgId,
    target: collectionId,
    address: origin.address,
    path: origin.path,
    details: { objects: marked },
  };
}

export function createAccessAudit(db: Kysely<DatabaseSchema>): AccessAudit {
  const reads = new ReadAuditChain(db);
  const onPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return {
    record: (event) => appendAudit(db, event),
    async readsOf(principal, collectionId, auditLabels, origin) {
      const marked = markedLabels(auditLabels);
      if (marked.length === 0) return;
      await reads.append(readEvent(principal, collectionId, origin, marked));
    },
    ...(onPostgres
      ? {
          objectTextsWithAudit: (read: AuditedRead, query: ObjectQuery, scope: ReadScope) =>
            reads.readWithAppend(read, readEvent(read.principal, read.collectionId, read.origin, []), query, scope),
        }
      : {}),
  };
}
