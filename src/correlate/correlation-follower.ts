import type { Kysely } from 'kysely';
import type { StixObject } from '../stix/stix-object.js';
import { startPolling, TimeSlice, type PollingHandle } from '../store/object-follower.js';
import type { ObjectStore } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { withCorrelation, type CorrelationDb } from './correlation-schema.js';
import { Correlator, type CorrelationAudit } from './correlator.js';

/**
 * Runs the correlator over every new report incident, whichever way it
 * arrived (ingest publish, TAXII POST, import, a partner pull; several
 * processes may write): it follows `objects` per collection by `date_added`,
 * which is unique and monotonic per collection, keeping its cursor in
 * `correlation_cursors`. A report that arrives after its incidents (a
 * partner's pages) has them correlated again, now with the report's outlet.
 */
export interface FollowerLog {
  warn(object: Record<string, unknown>, message: string): void;
}

export interface FollowerOptions {
  readonly pollMs?: number;
  readonly pageSize?: number;
  readonly log?: FollowerLog;
}

const DEFAULT_POLL_MS = 200;
const DEFAULT_PAGE = 500;
/**
 * Incidents correlated between two looks at the time slice (object-follower.ts):
 * one incident costs a few milliseconds, so a chunk stays within a slice.
 */
const CORRELATE_CHUNK = 8;

export class CorrelationFollower {
  private readonly cdb: CorrelationDb;
  private readonly pollMs: number;
  private readonly pageSize: number;
  private polling: PollingHandle | undefined;
  private running: Promise<number> | undefined;

  constructor(
    db: Kysely<DatabaseSchema>,
    private readonly correlator: Correlator,
    private readonly options: FollowerOptions = {},
  ) {
    this.cdb = withCorrelation(db);
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE;
  }

  /** Correlates everything stored since the cursors; resolves to how many incidents it correlated. Concurrent calls share one run. */
  catchUp(): Promise<number> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(): void {
    this.polling ??= startPolling(() => this.catchUp(), this.pollMs, (error) => this.options.log?.warn({ err: error }, 'correlation: catching up failed; retrying'));
  }

  async stop(): Promise<void> {
    await this.polling?.stop();
    this.polling = undefined;
    await this.running?.catch(() => undefined);
  }

  private async run(): Promise<number> {
    const canonical = await this.correlator.canonicalCollection();
    const collections = (await this.cdb.selectFrom('collections').select('id').execute()).map((c) => c.id).filter((id) => id !== canonical);
    const cursors = new Map((await this.cdb.selectFrom('correlation_cursors').select(['collection_id', 'date_added']).execute()).map((c) => [c.collection_id, Number(c.date_added)]));
    // A report and its incidents usually share a page; when they do not, the incident is correlated once per run.
    const done = new Set<string>();
    // Time-sliced (object-follower.ts): the server answers between chunks of a page.
    const slice = new TimeSlice();
    for (const collectionId of collections) {
      let after = cursors.get(collectionId) ?? 0;
      for (;;) {
        const rows = await this.cdb.selectFrom('objects').select(['id', 'type', 'json', 'date_added'])
          .where('collection_id', '=', collectionId).where('date_added', '>', after).where('type', 'in', ['incident', 'report'])
          .orderBy('date_added').limit(this.pageSize).execute();
        if (rows.length === 0) break;
        const ids = new Set<string>();
        for (const row of rows) {
          for (const id of row.type === 'incident' ? [row.id] : incidentRefs(row.json)) if (!done.has(id)) ids.add(id);
        }
        const pending = [...ids];
        for (let start = 0; start < pending.length; start += CORRELATE_CHUNK) {
          for (const outcome of await this.correlator.correlateIncidents(pending.slice(start, start + CORRELATE_CHUNK))) done.add(outcome.incidentId);
          await slice.pause();
        }
        after = Number(rows[rows.length - 1]?.date_added);
        const at = nowMicros();
        await this.cdb.insertInto('correlation_cursors').values({ collection_id: collectionId, date_added: after, updated_at: at })
          .onConflict((oc) => oc.column('collection_id').doUpdateSet({ date_added: after, updated_at: at })).execute();
        await slice.pause();
        if (rows.length < this.pageSize) break;
      }
    }
    return done.size;
  }
}

function incidentRefs(json: string): string[] {
  const report = JSON.parse(json) as StixObject;
  return Array.isArray(report.object_refs) ? report.object_refs.filter((r): r is string => typeof r === 'string' && r.startsWith('incident--')) : [];
}

export interface RunningCorrelation {
  readonly follower: CorrelationFollower;
  stop(): Promise<void>;
}

/** Starts correlating everything stored, now and as it arrives (`entente serve`). */
export function startCorrelationFollower(deps: {
  readonly db: Kysely<DatabaseSchema>;
  readonly store: ObjectStore;
  readonly log?: FollowerLog;
  readonly audit?: CorrelationAudit;
}): RunningCorrelation {
  const correlator = new Correlator(deps.db, deps.store, deps.audit !== undefined ? { audit: deps.audit } : {});
  const follower = new CorrelationFollower(deps.db, correlator, deps.log !== undefined ? { log: deps.log } : {});
  follower.start();
  return { follower, stop: () => follower.stop() };
}
