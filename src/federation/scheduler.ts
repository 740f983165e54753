import { nowMicros } from '../store/timestamps.js';
import { isDue } from './health.js';
import { newLeaseOwner } from './lease.js';
import { listPartners, type Partner } from './partners.js';
import { syncPartner, type PartnerReport, type SyncDeps } from './sync.js';

/** What the scheduler tells; pino's logger fits it. */
export interface SchedulerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface SchedulerOptions {
  readonly sync: Omit<SyncDeps, 'leaseOwner' | 'signal'>;
  readonly log?: SchedulerLog;
  /** How often due partners are looked for. Default 1000 ms. */
  readonly tickMs?: number;
  /** Told after each run (tests, metrics). */
  readonly onRun?: (report: PartnerReport) => void;
}

export interface PartnerScheduler {
  /** Stops looking for due partners, ends running pulls after their current page, and waits for them. */
  stop(): Promise<void>;
}

/**
 * Runs every partner on its interval inside `entente serve` (issue 5). Each
 * partner runs on its own, so a slow or failing partner never holds up the
 * others; a partner is never run twice at once in this process (the set of
 * running ones) nor across processes sharing the database (its lease, taken
 * by syncPartner). Unhealthy partners wait out their backoff (health.ts).
 */
export function startPartnerScheduler(options: SchedulerOptions): PartnerScheduler {
  const owner = newLeaseOwner();
  const controller = new AbortController();
  const running = new Map<string, Promise<void>>();
  const tickMs = options.tickMs ?? 1000;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> = Promise.resolve();

  const run = (partner: Partner): void => {
    const done = syncPartner({ ...options.sync, leaseOwner: owner, signal: controller.signal }, partner)
      .then((report) => {
        options.onRun?.(report);
        if (report.outcome === 'failed') options.log?.warn({ partner: partner.name, error: report.error }, 'partner sync failed');
        else if (report.outcome === 'ok') {
          const added = report.rules.reduce((sum, rule) => sum + rule.counts.added, 0);
          const pushed = report.rules.reduce((sum, rule) => sum + (rule.pushed?.pushed ?? 0), 0);
          const pushFailed = report.rules.reduce((sum, rule) => sum + (rule.pushed?.failed ?? 0), 0);
          if (added + pushed + pushFailed > 0) options.log?.info({ partner: partner.name, added, pushed, pushFailed }, 'partner synced');
        }
      })
      .catch((error: unknown) => options.log?.warn({ partner: partner.name, error: String(error) }, 'partner sync failed'))
      .finally(() => running.delete(partner.id));
    running.set(partner.id, done);
  };

  const tick = async (): Promise<void> => {
    try {
      const now = nowMicros();
      for (const partner of await listPartners(options.sync.db)) {
        if (!controller.signal.aborted && !running.has(partner.id) && isDue(partner, now)) run(partner);
      }
    } catch (error) {
      options.log?.warn({ error: String(error) }, 'cannot list partners to sync');
    }
    if (!controller.signal.aborted) timer = setTimeout(schedule, tickMs);
  };
  const schedule = (): void => {
    ticking = tick();
  };
  timer = setTimeout(schedule, 0);

  return {
    async stop() {
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
      await ticking;
      await Promise.all(running.values());
    },
  };
}
