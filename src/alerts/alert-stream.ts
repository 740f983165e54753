import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Principal } from '../access/principal.js';
import type { DatabaseSchema } from '../store/schema.js';
import { lastAlertSeq, visibleAlerts, type AlertRow } from './alert-records.js';
import { alertViewerOf, ownerPrincipal } from './alert-viewer.js';
import { withAlerts, type AlertsDb } from './alerts-schema.js';

/** Limits of the live stream (README "Alerts"). */
export interface StreamOptions {
  /** Open streams one user may hold on this server; one more answers 429. Default 5. */
  readonly maxPerUser?: number;
  /** How often the alerts table is looked at while someone listens. Default 100 ms (one indexed read of one row). */
  readonly pollMs?: number;
}

const DEFAULTS = { maxPerUser: 5, pollMs: 100 } as const;
/** Alerts sent to one listener per look; the rest follow at the next. */
const PER_LOOK = 100;

/** Where a listener's events go (the SSE route writes them to the response). */
export interface AlertSink {
  /** `seq` orders the alerts: the SSE route sends it as the event id, so a reconnecting browser resumes after it. */
  send(alert: AlertRow): void;
  /** The listener's account was disabled or removed: end the stream. */
  close(): void;
}

interface Listener {
  readonly principal: Principal;
  readonly sink: AlertSink;
  lastSeq: number;
}

/**
 * The live stream of one server: tails the `alerts` table by `seq` (handed
 * out under a row lock, so alerts commit in `seq` order and a tail never
 * skips one, whichever server's follower recorded them) and sends each
 * listener the new alerts it may see — through `visibleAlerts`, the access
 * policy in SQL, at the moment of sending. Looks every `pollMs` while
 * anyone listens, and at once when this server's follower raised alerts.
 */
export class AlertStream {
  private readonly db: AlertsDb;
  private readonly options: Required<StreamOptions>;
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  private looking: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly database: Kysely<DatabaseSchema>,
    options: StreamOptions = {},
    private readonly log?: Logger,
  ) {
    this.db = withAlerts(database);
    this.options = { ...DEFAULTS, ...options };
  }

  get maxPerUser(): number {
    return this.options.maxPerUser;
  }

  /** How many streams the user holds on this server. */
  openFor(userId: string): number {
    let n = 0;
    for (const listener of this.listeners) if (listener.principal.userId === userId) n += 1;
    return n;
  }

  /**
   * Starts sending the principal's alerts raised from now on (or after
   * `afterSeq`, the last event id a reconnecting browser saw) to `sink`;
   * returns the function that stops.
   */
  async listen(principal: Principal, sink: AlertSink, afterSeq?: number): Promise<() => void> {
    const last = await lastAlertSeq(this.db);
    const listener: Listener = { principal, sink, lastSeq: afterSeq !== undefined && afterSeq < last ? afterSeq : last };
    this.listeners.add(listener);
    this.schedule();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Looks at once (this server's follower has just raised alerts). */
  wake(): void {
    if (this.listeners.size > 0) void this.look();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.looking;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.look().finally(() => {
        if (this.listeners.size > 0) this.schedule();
      });
    }, this.options.pollMs);
  }

  /** One look for every listener; a wake during a look makes another right after. */
  private async look(): Promise<void> {
    if (this.looking !== undefined) {
      this.again = true;
      return await this.looking;
    }
    this.looking = (async () => {
      do {
        this.again = false;
        await this.lookOnce().catch((error: unknown) => this.log?.error({ err: error }, 'alert stream look failed'));
      } while (this.again && !this.stopped);
    })();
    try {
      await this.looking;
    } finally {
      this.looking = undefined;
    }
  }

  private async lookOnce(): Promise<void> {
    // Everything up to the sequence's value has committed: read it first, then the alerts up to it.
    const upTo = await lastAlertSeq(this.db);
    for (const listener of [...this.listeners]) {
      if (listener.lastSeq >= upTo) continue;
      // The account as it is now: a user disabled since the stream opened gets nothing more.
      const current = await ownerPrincipal(this.database, listener.principal.userId);
      if (current === undefined || current.orgId !== listener.principal.orgId) {
        this.listeners.delete(listener);
        listener.sink.close();
        continue;
      }
      const viewer = await alertViewerOf(this.database, { ...listener.principal, role: current.role });
      const rows = await visibleAlerts(this.database, viewer, { afterSeq: listener.lastSeq, upToSeq: upTo, limit: PER_LOOK, order: 'oldest' });
      if (!this.listeners.has(listener)) continue;
      for (const row of rows) listener.sink.send(row);
      const last = rows[rows.length - 1];
      listener.lastSeq = rows.length === PER_LOOK && last !== undefined ? last.seq : upTo;
    }
  }
}
