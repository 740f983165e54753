import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import type { DatabaseSchema } from '../store/schema.js';
import { microsToTimestamp, nowMicros } from '../store/timestamps.js';
import { withAlerts } from './alerts-schema.js';
import { sealWebhookSecret } from './webhook-secret.js';
import { resolveTerms, type GroupResolver, type WatchlistInput, type WatchMatch } from './watchlist-input.js';

/** Most watchlists one user may have (README "Alerts"). */
export const MAX_WATCHLISTS_PER_USER = 100;

/** A watchlist as GET /watchlists shows it: never the webhook secret. */
export interface WatchlistView {
  readonly id: string;
  readonly name: string;
  readonly match: WatchMatch;
  readonly createdAt: string;
  readonly webhook?: {
    readonly url: string;
    readonly deliveries: { readonly pending: number; readonly delivered: number; readonly failed: number };
    readonly lastDeliveredAt?: string;
    readonly lastError?: string;
  };
}

export interface WatchlistDeps {
  readonly db: Kysely<DatabaseSchema>;
  /** settings.secretKey: seals webhook secrets. */
  readonly secretKey: string | undefined;
  readonly resolveGroup?: GroupResolver;
}

/** Creates a watchlist for `userId` from input validated by `watchlistInputSchema`. */
export async function createWatchlist(deps: WatchlistDeps, userId: string, input: WatchlistInput): Promise<WatchlistView> {
  const db = withAlerts(deps.db);
  const held = await db
    .selectFrom('watchlists')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  if (Number(held.n) >= MAX_WATCHLISTS_PER_USER) {
    throw new EntenteError('conflict', `You already have ${MAX_WATCHLISTS_PER_USER} watchlists, the most one user may have; delete one first`);
  }
  const id = randomUUID();
  const createdAt = nowMicros();
  await db
    .insertInto('watchlists')
    .values({
      id,
      user_id: userId,
      name: input.name,
      match: JSON.stringify(input.match),
      terms: JSON.stringify(resolveTerms(input.match, deps.resolveGroup)),
      webhook_url: input.webhook?.url ?? null,
      webhook_secret: input.webhook === undefined ? null : sealWebhookSecret(deps.secretKey, input.webhook.secret, id),
      created_at: createdAt,
    })
    .execute();
  const view = await listWatchlists(deps.db, userId).then((all) => all.find((w) => w.id === id));
  if (view === undefined) throw new EntenteError('conflict', `Watchlist ${id} was deleted while being created`);
  return view;
}

/** The user's watchlists, oldest first, with each webhook's delivery state. */
export async function listWatchlists(database: Kysely<DatabaseSchema>, userId: string): Promise<WatchlistView[]> {
  const db = withAlerts(database);
  const rows = await db
    .selectFrom('watchlists')
    .select(['id', 'name', 'match', 'created_at', 'webhook_url'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const withHooks = rows.filter((row) => row.webhook_url !== null).map((row) => row.id);
  const counts =
    withHooks.length === 0
      ? []
      : await db
          .selectFrom('alert_deliveries')
          .select(['watchlist_id', 'state', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('delivered_at').as('last_delivered')])
          .where('watchlist_id', 'in', withHooks)
          .groupBy(['watchlist_id', 'state'])
          .execute();
  const errors =
    withHooks.length === 0
      ? []
      : await db
          .selectFrom('alert_deliveries')
          .select(['watchlist_id', 'last_error'])
          .where('watchlist_id', 'in', withHooks)
          .where('last_error', 'is not', null)
          .orderBy('alert_seq', 'desc')
          .execute();
  return rows.map((row) => {
    const view: WatchlistView = {
      id: row.id,
      name: row.name,
      match: JSON.parse(row.match) as WatchMatch,
      createdAt: microsToTimestamp(Number(row.created_at)),
    };
    if (row.webhook_url === null) return view;
    const mine = counts.filter((c) => c.watchlist_id === row.id);
    const count = (state: string) => Number(mine.find((c) => c.state === state)?.n ?? 0);
    const lastDelivered = mine.find((c) => c.state === 'delivered')?.last_delivered;
    const lastError = errors.find((e) => e.watchlist_id === row.id)?.last_error;
    return {
      ...view,
      webhook: {
        url: row.webhook_url,
        deliveries: { pending: count('pending'), delivered: count('delivered'), failed: count('failed') },
        ...(lastDelivered !== null && lastDelivered !== undefined ? { lastDeliveredAt: microsToTimestamp(Number(lastDelivered)) } : {}),
        ...(lastError !== null && lastError !== undefined ? { lastError } : {}),
      },
    };
  });
}

/** Deletes one of the user's watchlists with its alerts; another user's answers as missing (404). */
export async function deleteWatchlist(database: Kysely<DatabaseSchema>, userId: string, id: string): Promise<void> {
  const db = withAlerts(database);
  const deleted = await db.transaction().execute(async (trx) => {
    const owned = await trx.selectFrom('watchlists').select('id').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    if (owned === undefined) return false;
    // Explicitly, not by cascade: SQLite enforces foreign keys only when asked to.
    await trx.deleteFrom('alert_deliveries').where('watchlist_id', '=', id).execute();
    await trx.deleteFrom('alerts').where('watchlist_id', '=', id).execute();
    await trx.deleteFrom('watchlists').where('id', '=', id).execute();
    return true;
  });
  if (!deleted) throw new EntenteError('not_found', `You have no watchlist with id ${id}`);
}
