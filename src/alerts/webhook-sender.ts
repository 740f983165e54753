import { createHmac, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { AccessAudit } from '../access/access-audit.js';
import type { Logger } from 'pino';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { visibleAlerts } from './alert-records.js';
import { alertViewerOf, ownerPrincipal } from './alert-viewer.js';
import { withAlerts, type AlertsDb } from './alerts-schema.js';
import { openWebhookSecret } from './webhook-secret.js';

/** Limits of webhook delivery (README "Alerts"). */
export interface WebhookOptions {
  /** One POST may take this long before it counts as failed. Default 5 s. */
  readonly timeoutMs?: number;
  /** Tries per alert, the first included. Default 5. */
  readonly maxAttempts?: number;
  /** Wait before the second try; doubled for each further try, with jitter. Default 2 s. */
  readonly baseDelayMs?: number;
  /** Longest wait between two tries. Default 5 min. */
  readonly maxDelayMs?: number;
  /** How often due deliveries are looked for. Default 200 ms. */
  readonly pollMs?: number;
}

const DEFAULTS = { timeoutMs: 5000, maxAttempts: 5, baseDelayMs: 2000, maxDelayMs: 300_000, pollMs: 200 } as const;
/** Deliveries sent per pass, one after the other. */
const BATCH = 20;
const MAX_ERROR_LENGTH = 300;

export const SIGNATURE_HEADER = 'x-entente-signature';

/** `sha256=<hex HMAC-SHA256 of the body>`, what a receiver recomputes with its secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** The wait before try `attempt + 1`: exponential, capped, with "equal jitter" (half fixed, half random). */
export function backoffMs(attempt: number, base: number, max: number, random: () => number = Math.random): number {
  const delay = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(delay / 2 + (random() * delay) / 2);
}

export interface WebhookSenderDeps {
  readonly db: Kysely<DatabaseSchema>;
  readonly secretKey: string | undefined;
  /** Records each delivered alert about a marked object as a read (access/access-audit.ts). */
  readonly audit?: AccessAudit;
  readonly log?: Logger;
  readonly options?: WebhookOptions;
}

/**
 * Sends the alerts of watchlists that have a webhook: POST of the alert JSON
 * signed `X-Entente-Signature: sha256=<HMAC-SHA256 hex>` with the
 * watchlist's secret. Deliveries live in `alert_deliveries`; a process takes
 * one by a lease (compare-and-set), so several servers never send one twice
 * at once. A non-2xx answer, a redirect, a timeout or a network error is
 * retried with exponential backoff and jitter until `maxAttempts`, then the
 * delivery is `failed`; the state is shown by GET /watchlists.
 *
 * Before each try the alert is read again through the access policy
 * (`visibleAlerts`): an object hidden from the owner since is not sent.
 */
export class WebhookSender {
  private readonly db: AlertsDb;
  private readonly options: Required<WebhookOptions>;
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: WebhookSenderDeps) {
    this.db = withAlerts(deps.db);
    this.options = { ...DEFAULTS, ...deps.options };
  }

  start(): void {
    const tick = () => {
      this.running = this.deliverDue()
        .catch((error: unknown) => this.deps.log?.error({ err: error }, 'webhook delivery pass failed'))
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.options.pollMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    const timer = this.timer;
    this.timer = undefined;
    clearTimeout(timer);
    await this.running;
  }

  /** One pass: tries every delivery that is due; returns how many were tried. */
  async deliverDue(): Promise<number> {
    const now = nowMicros();
    const due = await this.db
      .selectFrom('alert_deliveries as d')
      .innerJoin('alerts as a', 'a.seq', 'd.alert_seq')
      .innerJoin('watchlists as w', 'w.id', 'd.watchlist_id')
      .select(['d.alert_seq', 'd.attempts', 'a.user_id', 'w.id as watchlist_id', 'w.webhook_url', 'w.webhook_secret'])
      .where('d.state', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<', now)]))
      .orderBy('d.next_attempt_at')
      .limit(BATCH)
      .execute();
    let tried = 0;
    for (const delivery of due) {
      if (!(await this.claim(delivery.alert_seq))) continue;
      tried += 1;
      await this.attempt({ ...delivery, alert_seq: Number(delivery.alert_seq), attempts: Number(delivery.attempts) });
    }
    return tried;
  }

  private async claim(seq: number): Promise<boolean> {
    const now = nowMicros();
    const claimed = await this.db
      .updateTable('alert_deliveries')
      .set({ lease_owner: this.owner, lease_until: now + (this.options.timeoutMs + 5000) * 1000 })
      .where('alert_seq', '=', seq)
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    return claimed.numUpdatedRows > 0n;
  }

  private async attempt(delivery: {
    alert_seq: number;
    attempts: number;
    user_id: string;
    watchlist_id: string;
    webhook_url: string | null;
    webhook_secret: string | null;
  }): Promise<void> {
    const attempts = delivery.attempts + 1;
    if (delivery.webhook_url === null || delivery.webhook_secret === null) {
      return await this.finish(delivery.alert_seq, { state: 'failed', attempts, error: 'the watchlist no longer has a webhook' });
    }
    const principal = await ownerPrincipal(this.deps.db, delivery.user_id);
    const [alert] =
      principal === undefined
        ? []
        : await visibleAlerts(this.deps.db, await alertViewerOf(this.deps.db, principal), { seqs: [delivery.alert_seq], limit: 1, order: 'oldest' });
    if (alert === undefined) {
      return await this.finish(delivery.alert_seq, { state: 'failed', attempts, error: 'the alerted object is no longer visible to the watchlist owner' });
    }
    const body = JSON.stringify(alert.view);
    let status: number | undefined;
    let error: string | undefined;
    try {
      const secret = openWebhookSecret(this.deps.secretKey, delivery.webhook_secret, delivery.watchlist_id);
      const response = await fetch(delivery.webhook_url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signBody(secret, body),
          'x-entente-alert': alert.view.id,
          'x-entente-attempt': String(attempts),
        },
        body,
        // A redirect could lead the signed alert elsewhere: it counts as a failure.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.status;
      await response.body?.cancel();
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (caught) {
      error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
    }
    if (error === undefined) {
      if (principal !== undefined) {
        await this.deps.audit?.readsOf(principal, alert.view.collection, [alert.auditLabel], { address: null, path: `webhook ${new URL(delivery.webhook_url).host}` });
      }
      return await this.finish(delivery.alert_seq, { state: 'delivered', attempts, status });
    }
    const last = attempts >= this.options.maxAttempts;
    this.deps.log?.warn({ alert: alert.view.id, attempts, error }, last ? 'webhook delivery failed for good' : 'webhook delivery failed; will retry');
    return await this.finish(delivery.alert_seq, {
      state: last ? 'failed' : 'pending',
      attempts,
      status,
      error,
      retryInMs: last ? undefined : backoffMs(attempts, this.options.baseDelayMs, this.options.maxDelayMs),
    });
  }

  private async finish(
    seq: number,
    outcome: { state: 'pending' | 'delivered' | 'failed'; attempts: number; status?: number | undefined; error?: string; retryInMs?: number | undefined },
  ): Promise<void> {
    const now = nowMicros();
    await this.db
      .updateTable('alert_deliveries')
      .set({
        state: outcome.state,
        attempts: outcome.attempts,
        last_status: outcome.status ?? null,
        last_error: outcome.error?.slice(0, MAX_ERROR_LENGTH) ?? null,
        lease_owner: null,
        lease_until: null,
        ...(outcome.retryInMs !== undefined ? { next_attempt_at: now + outcome.retryInMs * 1000 } : {}),
        ...(outcome.state === 'delivered' ? { delivered_at: now } : {}),
      })
      .where('alert_seq', '=', seq)
      .where('lease_owner', '=', this.owner)
      .execute();
  }
}
