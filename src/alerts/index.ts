import type { Kysely } from 'kysely';
import { createAccessAudit } from '../access/access-audit.js';
import type { Logger } from 'pino';
import type { DatabaseSchema } from '../store/schema.js';
import { AlertFollower } from './follower.js';
import { WebhookSender, type WebhookOptions } from './webhook-sender.js';

export { AlertFollower } from './follower.js';
export { AlertStream, type AlertSink, type StreamOptions } from './alert-stream.js';
export { visibleAlerts, type AlertRow, type AlertView } from './alert-records.js';
export { alertViewerOf } from './alert-viewer.js';
export { WebhookSender, signBody, SIGNATURE_HEADER, type WebhookOptions } from './webhook-sender.js';
export { createWatchlist, deleteWatchlist, listWatchlists, type WatchlistView } from './watchlists.js';
export { watchlistInputSchema, type GroupResolver, type WatchlistInput } from './watchlist-input.js';

export interface AlertServices {
  readonly follower: AlertFollower;
  readonly webhooks: WebhookSender;
  stop(): Promise<void>;
}

/**
 * Starts what `entente serve` runs for alerts: the follower that raises them
 * from every new object, and the webhook sender. Both are safe to run in
 * several processes on one database. The live stream belongs to the HTTP
 * server (http/rest/alerts-routes.ts) and reads the alerts table itself.
 */
export function startAlerts(deps: {
  readonly db: Kysely<DatabaseSchema>;
  readonly secretKey: string | undefined;
  readonly log?: Logger;
  readonly webhooks?: WebhookOptions;
}): AlertServices {
  const follower = new AlertFollower({ db: deps.db, ...(deps.log ? { log: deps.log } : {}) });
  const webhooks = new WebhookSender({
    db: deps.db,
    secretKey: deps.secretKey,
    audit: createAccessAudit(deps.db),
    ...(deps.log ? { log: deps.log } : {}),
    ...(deps.webhooks ? { options: deps.webhooks } : {}),
  });
  follower.start();
  webhooks.start();
  return {
    follower,
    webhooks,
    async stop() {
      await Promise.all([follower.stop(), webhooks.stop()]);
    },
  };
}
