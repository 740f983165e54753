import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { collectionPermissions } from '../access/permissions.js';
import type { Principal } from '../access/principal.js';
import { readScopeOf } from '../access/read-scope.js';
import type { DatabaseSchema } from '../store/schema.js';
import { SLICE_BUDGET_MS, startPolling, TimeSlice, stopRequested, type PollingHandle, type StopSignal } from '../store/object-follower.js';
import { nowMicros } from '../store/timestamps.js';
import { visibilityCondition } from '../store/visibility-sql.js';
import { eventsOf } from './alert-events.js';
import type { NewAlert } from './alert-plan.js';
import { recordStep } from './alert-records.js';
import { ownerPrincipal } from './alert-viewer.js';
import { withAlerts, type AlertsDb } from './alerts-schema.js';
import { matchSubject } from './matcher.js';
import { buildStepContext, readStepRows } from './step-context.js';
import { subjectsOf, elsewhereKey, type Subject } from './subjects.js';
import type { WatchTerms } from './watchlist-input.js';

/** Rows matched per step of one collection, at most. */
export const STEP_ROWS = 500;
/** The fewest rows a step shrinks to when steps overrun the time slice (many watchlists, large incidents). */
const MIN_STEP_ROWS = 25;
/**
 * How often `start()` polls for new rows (REST.md "Following new objects"
 * says ~200 ms; alerts poll at 100 ms so that with the stream's own 100 ms an
 * alert reaches a browser well within a second). A poll with nothing new is
 * one query over the collections.
 */
export const FOLLOW_INTERVAL_MS = 100;

export interface FollowerDeps {
  readonly db: Kysely<DatabaseSchema>;
  readonly log?: Logger;
  /** Called after a step recorded alerts, so the live stream of this process looks at once. */
  readonly onAlerts?: () => void;
  readonly stepRows?: number;
}

interface WatchlistRow {
  readonly id: string;
  readonly userId: string;
  readonly terms: WatchTerms;
  readonly createdAt: number;
  readonly webhook: boolean;
}

/**
 * Follows the `objects` table per collection by `date_added` (REST.md
 * "Following new objects"), whatever wrote the rows — TAXII POST, ingest
 * publish, CLI import, federation pull, in this process or another — and
 * raises alerts for the watchlists they match.
 *
 * A step reads up to STEP_ROWS rows after the collection's cursor (fewer
 * while steps overrun the time slice of store/object-follower.ts), matches
 * them as a whole (an incident's pieces arrive together), keeps for each
 * watchlist owner only what their collection grant and the store's
 * visibility condition let them see, and records the alerts with the
 * cursor's move in one transaction (alert-records.ts `recordStep`); when
 * another server recorded that step first, this one's result is dropped.
 *
 * A collection's cursor starts just before the oldest watchlist (nothing
 * older can match), and a watchlist fires only on rows added after it, once
 * per event (alert-events.ts, alert-plan.ts): a canonical incident and its
 * later versions update the alert its reports raised.
 */
export class AlertFollower {
  private readonly db: AlertsDb;
  private polling: PollingHandle | undefined;
  /** Rows per step now: halved when a step overran the time slice, doubled back when it took under half of it. */
  private stepRows: number;

  constructor(private readonly deps: FollowerDeps) {
    this.db = withAlerts(deps.db);
    this.stepRows = deps.stepRows ?? STEP_ROWS;
  }

  /** Polls every `intervalMs` until `stop()`. */
  start(intervalMs = FOLLOW_INTERVAL_MS): void {
    this.polling ??= startPolling((signal) => this.catchUp(signal), intervalMs, (error) => this.deps.log?.error({ err: error }, 'alert follower step failed'));
  }

  async stop(): Promise<void> {
    await this.polling?.stop();
    this.polling = undefined;
  }

  /**
   * Matches every row added so far, in every collection; returns how many alerts were raised. Once `signal`
   * is aborted it returns after the step in progress (recorded with its cursor move in one transaction).
   */
  async catchUp(signal?: StopSignal): Promise<number> {
    let raised = 0;
    // Time-sliced (object-follower.ts): the server answers between steps.
    const slice = new TimeSlice();
    for (;;) {
      const behind = await this.collectionsBehind();
      if (behind.length === 0) return raised;
      for (const collection of behind) {
        if (stopRequested(signal)) return raised;
        const started = performance.now();
        raised += await this.step(collection);
        this.resize(performance.now() - started);
        await slice.pause();
      }
    }
  }

  private resize(stepMs: number): void {
    const most = this.deps.stepRows ?? STEP_ROWS;
    if (stepMs > SLICE_BUDGET_MS) this.stepRows = Math.max(Math.min(MIN_STEP_ROWS, most), Math.floor(this.stepRows / 2));
    else if (stepMs < SLICE_BUDGET_MS / 2) this.stepRows = Math.min(most, this.stepRows * 2);
  }

  private async collectionsBehind(): Promise<{ id: string; lastAdded: number; cursor: number | undefined }[]> {
    const rows = await this.db
      .selectFrom('collections as c')
      .leftJoin('alert_cursors as ac', 'ac.collection_id', 'c.id')
      .select(['c.id', 'c.last_added', 'ac.last_added as cursor'])
      .execute();
    return rows
      .map((row) => ({ id: row.id, lastAdded: Number(row.last_added), cursor: row.cursor === null ? undefined : Number(row.cursor) }))
      .filter((row) => row.cursor === undefined || row.lastAdded > row.cursor);
  }

  private async step(collection: { id: string; lastAdded: number; cursor: number | undefined }): Promise<number> {
    const watchlists = await this.watchlists();
    const from = collection.cursor ?? (await this.startCursor(collection.id, collection.lastAdded, watchlists));
    if (watchlists.length === 0) {
      // Nothing can match: move past what is there without reading it.
      await recordStep(this.db, { collectionId: collection.id, from, to: Math.max(from, collection.lastAdded) }, [], nowMicros());
      return 0;
    }
    const rows = await readStepRows(this.db, collection.id, from, this.stepRows);
    const last = rows[rows.length - 1]?.dateAdded;
    if (last === undefined) {
      // Rows were deleted after last_added moved (TAXII delete): nothing left to match.
      await recordStep(this.db, { collectionId: collection.id, from, to: collection.lastAdded }, [], nowMicros());
      return 0;
    }
    const subjects = subjectsOf(await buildStepContext(this.db, collection.id, rows));
    const alerts = await this.decide(collection.id, subjects, watchlists);
    const inserted = await recordStep(this.db, { collectionId: collection.id, from, to: last }, alerts, nowMicros());
    if (inserted !== undefined && inserted > 0) this.deps.onAlerts?.();
    return inserted ?? 0;
  }

  /** The alerts of a step: matched on everything, then re-matched per owner on the rows that owner may see. */
  private async decide(collectionId: string, subjects: readonly Subject[], watchlists: readonly WatchlistRow[]): Promise<NewAlert[]> {
    const byOwner = new Map<string, { watchlist: WatchlistRow; subject: Subject }[]>();
    for (const watchlist of watchlists) {
      for (const subject of subjects) {
        if (subject.newestInStep <= watchlist.createdAt || matchSubject(watchlist.terms, subject) === undefined) continue;
        byOwner.set(watchlist.userId, [...(byOwner.get(watchlist.userId) ?? []), { watchlist, subject }]);
      }
    }
    const events = await eventsOf(this.deps.db, [...new Set([...byOwner.values()].flat().map((c) => c.subject))]);
    const alerts: NewAlert[] = [];
    for (const [userId, candidates] of byOwner) {
      const principal = await ownerPrincipal(this.deps.db, userId);
      if (principal === undefined || !(await collectionPermissions(this.deps.db, principal, collectionId)).canRead) continue;
      const rows = new Set<number>();
      const elsewhere = new Set<string>();
      for (const { subject } of candidates) {
        rows.add(subject.row.dateAdded);
        for (const feature of [...subject.groups, ...subject.persons, ...subject.places]) feature.rows.forEach((r) => rows.add(r));
        for (const place of subject.places) place.elsewhere?.forEach((key) => elsewhere.add(key));
      }
      const visible = await this.visibleRows(collectionId, [...rows], principal);
      const visibleElsewhere = await this.visibleElsewhere([...elsewhere], principal);
      for (const { watchlist, subject } of candidates) {
        const reasons = matchSubject(watchlist.terms, subject, visible, visibleElsewhere);
        if (reasons === undefined) continue;
        alerts.push({
          watchlistId: watchlist.id,
          userId,
          objectId: subject.row.object.id,
          objectAdded: subject.row.dateAdded,
          incidentId: subject.kind === 'incident' ? subject.row.object.id : null,
          title: subject.title,
          reasons,
          webhook: watchlist.webhook,
          event: events.get(subject.row.object.id) ?? { ids: [subject.row.object.id], canonical: false },
        });
      }
    }
    return alerts;
  }

  /** Which of these rows the user may see: the store's visibility condition for their scope, in SQL. */
  private async visibleRows(collectionId: string, rows: readonly number[], principal: Principal): Promise<Set<number>> {
    const visible = new Set<number>();
    const condition = visibilityCondition('o', readScopeOf(principal));
    for (let start = 0; start < rows.length; start += 500) {
      let query = this.db
        .selectFrom('objects as o')
        .select('o.date_added')
        .where('o.collection_id', '=', collectionId)
        .where('o.date_added', 'in', rows.slice(start, start + 500));
      if (condition !== undefined) query = query.where(condition);
      for (const row of await query.execute()) visible.add(Number(row.date_added));
    }
    return visible;
  }

  /**
   * Which rows of other collections (elsewhereKey: a canonical incident's
   * location, held with its reports) the user may see: those of collections
   * their grant lets them read, under the same visibility condition.
   */
  private async visibleElsewhere(keys: readonly string[], principal: Principal): Promise<Set<string>> {
    const byCollection = new Map<string, number[]>();
    for (const key of keys) {
      const at = key.lastIndexOf(' ');
      const collectionId = key.slice(0, at);
      byCollection.set(collectionId, [...(byCollection.get(collectionId) ?? []), Number(key.slice(at + 1))]);
    }
    const visible = new Set<string>();
    for (const [collectionId, rows] of byCollection) {
      if (!(await collectionPermissions(this.deps.db, principal, collectionId)).canRead) continue;
      for (const row of await this.visibleRows(collectionId, rows, principal)) visible.add(elsewhereKey(collectionId, row));
    }
    return visible;
  }

  private async watchlists(): Promise<WatchlistRow[]> {
    const rows = await this.db.selectFrom('watchlists').select(['id', 'user_id', 'terms', 'created_at', 'webhook_url']).execute();
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      terms: JSON.parse(row.terms) as WatchTerms,
      createdAt: Number(row.created_at),
      webhook: row.webhook_url !== null,
    }));
  }

  /** Creates the collection's cursor just before the oldest watchlist (or at its end when there is none); returns where it is. */
  private async startCursor(collectionId: string, lastAdded: number, watchlists: readonly WatchlistRow[]): Promise<number> {
    const oldest = Math.min(...watchlists.map((w) => w.createdAt));
    const start = watchlists.length === 0 ? lastAdded : Math.min(lastAdded, oldest - 1);
    await this.db
      .insertInto('alert_cursors')
      .values({ collection_id: collectionId, last_added: start, updated_at: nowMicros() })
      .onConflict((oc) => oc.column('collection_id').doNothing())
      .execute();
    const row = await this.db.selectFrom('alert_cursors').select('last_added').where('collection_id', '=', collectionId).executeTakeFirstOrThrow();
    return Number(row.last_added);
  }
}
