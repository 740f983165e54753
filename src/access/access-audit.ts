import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.js';
import { appendAudit, type AuditEvent } from './audit-log.js';
import type { Principal } from './principal.js';
import { withSharing } from './sharing-schema.js';

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
   * Records that `principal` was served the rows (collection_id, date_added)
   * of a page, when any of them is AMBER, AMBER+STRICT, RED or of a level
   * entente cannot read: one entry per page naming those objects.
   */
  readsOf(principal: Principal, collectionId: string, datesAdded: readonly number[], origin: RequestOrigin): Promise<void>;
}

const MARKED = ['amber', 'amber+strict', 'red', 'unknown', 'none'] as const;

export function createAccessAudit(db: Kysely<DatabaseSchema>): AccessAudit {
  return {
    record: (event) => appendAudit(db, event),
    async readsOf(principal, collectionId, datesAdded, origin) {
      if (datesAdded.length === 0) return;
      // One index range over (collection_id, date_added) rather than a list of a thousand parameters;
      // rows in the range that the page did not hold are dropped here.
      const served = new Set(datesAdded);
      const rows = await withSharing(db)
        .selectFrom('objects')
        .select(['id', 'version_raw', 'tlp', 'date_added'])
        .where('collection_id', '=', collectionId)
        .where('date_added', '>=', Math.min(...datesAdded))
        .where('date_added', '<=', Math.max(...datesAdded))
        .where('tlp', 'in', [...MARKED])
        .execute();
      const marked = rows.filter((row) => served.has(Number(row.date_added))).map((row) => `${row.id}@${row.version_raw} ${row.tlp}`);
      if (marked.length === 0) return;
      await appendAudit(db, {
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
