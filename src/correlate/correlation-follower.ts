import type { Kysely } from 'kysely';
import type { StixObject } from '../stix/stix-object.js';
import { acquireNamedLease, processLeaseOwner, releaseNamedLease } from '../store/lease.js';
import { startPolling, TimeSlice, stopRequested, type PollingHandle, type StopSignal } from '../store/object-follower.js';
import type { ObjectStore } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { followerBatch } from '../store/follower-batch.js';
import { CampaignLinker } from './campaign-linker.js';
import { withCorrelation, type CorrelationDb } from './correlation-schema.js';
import { Correlator, type CorrelationAudit } from './correlator.js';

/**
 * Runs the correlator over every new report incident, whichever way it
 * arrived (ingest publish, TAXII POST, import, a partner pull; several
 * processes may write): it follows `objects` per collection by `date_added`,
 * which is unique and monotonic per collection, keeping its cursor in
 * `correlation_cursors`. A report that arrives after its incidents (a
 * partner's pages) has them correlated again, now with the report's outlet.
 *
 * Only one process per database correlates: a run starts only under the
 * named lease {@link CORRELATION_LEASE} (store/lease.ts), renewed as it goes
 * and given up on stop. Two servers on one PostgreSQL would otherwise both
 * correlate the same reports and write duplicate canonical versions. A holder
 * that dies stops renewing, and another server takes over from the cursors
 * once the lease expires (at once on the same host).
 */
export interface FollowerLog {
  warn(object: Record<string, unknown>, message: string): void;
}

export interface FollowerOptions {
  readonly pollMs?: number;
  readonly pageSize?: number;
  readonly log?: FollowerLog;
  /** Who holds the lease; by default this process (its followers share it). */
  readonly leaseOwner?: string;
  readonly leaseTtlMs?: number;
  /** Milliseconds since the epoch, for the lease. */
  readonly clock?: () => number;
  /**
   * Rewrites the campaigns of the canonical incidents each correlated group
   * touched, and of those an analyst split since (`entente serve` always has one).
   */
  readonly campaigns?: CampaignLinker;
}

export const CORRELATION_LEASE = 'correlation-follower';
/** Long enough to outlast a slow chunk on a loaded machine; how long a dead holder's work waits. */
const DEFAULT_LEASE_TTL_MS = 30_000;

const DEFAULT_POLL_MS = 200;
const DEFAULT_PAGE = 500;
/**
 * Incidents correlated between two looks at the time slice (object-follower.ts)
 * and two moves of the cursor: one incident costs a few milliseconds, so a
 * chunk stays within a slice.
 */
const CORRELATE_CHUNK = 8;
const FOLLOWED_TYPES = ['incident', 'report'] as const;

export class CorrelationFollower {
  private readonly cdb: CorrelationDb;
  private readonly pollMs: number;
  private readonly pageSize: number;
  private polling: PollingHandle | undefined;
  private running: Promise<number> | undefined;
  private readonly leaseOwner: string;
  private readonly leaseTtlMs: number;
  private readonly clock: () => number;
  /** When this follower last took or renewed the lease (ms), if it holds it. */
  private leasedAt: number | undefined;
  /** The last split (`correlation_merges.split_at`) whose campaigns were refreshed; 0 refreshes every split once after start. */
  private splitsSeen = 0;
  /**
   * The one stop signal of every run of this follower, whoever started it (the polling of `start()`,
   * another caller): aborted by `stop()`, so a run in progress returns after its chunk moves the cursor
   * and a run asked for later does nothing. `start()` after a stop starts a new one.
   */
  private stopping = new AbortController();

  constructor(
    private readonly db: Kysely<DatabaseSchema>,
    private readonly correlator: Correlator,
    private readonly options: FollowerOptions = {},
  ) {
    this.cdb = withCorrelation(db);
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE;
    this.leaseOwner = options.leaseOwner ?? processLeaseOwner();
    this.leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Correlates everything stored since the cursors; resolves to how many
   * incidents it correlated (0 while another process holds the lease).
   * Concurrent calls share one run. Once `stop()` is called the run returns
   * after the chunk in progress has moved the cursor, and later calls resolve
   * to 0 at once, correlating nothing (nor taking the lease), until `start()`;
   * the next run resumes from the cursors.
   */
  catchUp(): Promise<number> {
    const stop = this.stopping.signal;
    if (stopRequested(stop)) return Promise.resolve(0);
    this.running ??= this.run(stop).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(): void {
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
    this.polling ??= startPolling(() => this.catchUp(), this.pollMs, (error) => this.options.log?.warn({ err: error }, 'correlation: catching up failed; retrying'));
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    const polling = this.polling;
    this.polling = undefined;
    await polling?.stop();
    await this.running?.catch(() => undefined);
    if (this.leasedAt !== undefined) {
      this.leasedAt = undefined;
      await releaseNamedLease(this.db, CORRELATION_LEASE, this.leaseOwner);
    }
  }

  /**
   * Takes the lease, or renews it once a third of its time has passed; false
   * when another process holds it (then this one must not correlate).
   */
  private async holdLease(): Promise<boolean> {
    const now = this.clock();
    if (this.leasedAt !== undefined && now - this.leasedAt < this.leaseTtlMs / 3) return true;
    const held = await acquireNamedLease(this.db, CORRELATION_LEASE, this.leaseOwner, this.leaseTtlMs * 1000, now * 1000);
    this.leasedAt = held ? now : undefined;
    return held;
  }

  private async run(stop: StopSignal): Promise<number> {
    if (!(await this.holdLease())) return 0;
    await this.refreshSplitCampaigns();
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
        if (stopRequested(stop)) return done.size;
        const rows = (await followerBatch(collectionId, after, this.pageSize, FOLLOWED_TYPES).execute(this.db)).rows;
        if (rows.length === 0) break;
        // Rows in groups of about CORRELATE_CHUNK incidents; the cursor moves after each, so a holder that dies redoes at most one group.
        let ids = new Set<string>();
        for (const [index, row] of rows.entries()) {
          for (const id of row.type === 'incident' ? [row.id] : row.json === null ? [] : incidentRefs(row.json)) if (!done.has(id)) ids.add(id);
          if (ids.size < CORRELATE_CHUNK && index < rows.length - 1) continue;
          // Lost (this process stalled past the lease): the new holder resumes from the cursor. Stopped: the next run does.
          if (stopRequested(stop) || !(await this.holdLease())) return done.size;
          if (ids.size > 0) {
            const outcomes = await this.correlator.correlateIncidents([...ids]);
            for (const outcome of outcomes) done.add(outcome.incidentId);
            await this.options.campaigns?.refresh(outcomes.flatMap((o) => [o.canonicalId, ...o.absorbed]));
          }
          ids = new Set();
          after = Number(row.date_added);
          await this.moveCursor(collectionId, after);
          await slice.pause();
        }
        if (rows.length < this.pageSize) break;
      }
    }
    return done.size;
  }

  /** Splits are made by an analyst (REST, CLI), not by this follower: their campaigns are refreshed here. */
  private async refreshSplitCampaigns(): Promise<void> {
    const campaigns = this.options.campaigns;
    if (campaigns === undefined) return;
    const splits = await this.cdb.selectFrom('correlation_merges').select(['canonical_id', 'split_at']).where('split_at', '>', this.splitsSeen).execute();
    if (splits.length === 0) return;
    await campaigns.refresh([...new Set(splits.map((s) => s.canonical_id))]);
    this.splitsSeen = Math.max(...splits.map((s) => Number(s.split_at)));
  }

  private async moveCursor(collectionId: string, dateAdded: number): Promise<void> {
    const at = nowMicros();
    await this.cdb.insertInto('correlation_cursors').values({ collection_id: collectionId, date_added: dateAdded, updated_at: at })
      .onConflict((oc) => oc.column('collection_id').doUpdateSet({ date_added: dateAdded, updated_at: at })).execute();
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
  const campaigns = new CampaignLinker(deps.db, deps.store, () => correlator.canonicalCollection());
  const follower = new CorrelationFollower(deps.db, correlator, { campaigns, ...(deps.log !== undefined ? { log: deps.log } : {}) });
  follower.start();
  return { follower, stop: () => follower.stop() };
}
