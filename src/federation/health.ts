import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.js';
import { withFederation } from './federation-schema.js';
import type { Partner, PartnerHealth } from './partners.js';

/**
 * When a failing partner is set aside. After `failuresBeforeUnhealthy`
 * consecutive failed runs the partner is unhealthy: the scheduler skips it
 * until a backoff that doubles with each further failure (with jitter, so
 * partners that failed together do not retry together), up to a cap.
 */
export interface HealthPolicy {
  readonly failuresBeforeUnhealthy: number;
  readonly baseBackoffSeconds: number;
  readonly maxBackoffSeconds: number;
}

export const DEFAULT_HEALTH_POLICY: HealthPolicy = Object.freeze({
  failuresBeforeUnhealthy: 3,
  baseBackoffSeconds: 60,
  maxBackoffSeconds: 6 * 3600,
});

const MICROS = 1_000_000;
const MAX_ERROR_LENGTH = 2000;

/** A successful run: failures forgotten, health restored. */
export async function recordSuccess(db: Kysely<DatabaseSchema>, partnerId: string, now: number): Promise<void> {
  await withFederation(db)
    .updateTable('partners')
    .set({ last_run_at: now, last_success_at: now, consecutive_failures: 0, last_error: null, unhealthy_until: null })
    .where('id', '=', partnerId)
    .execute();
}

/** A failed run: counted, its error kept, and the partner set aside once it keeps failing. */
export async function recordFailure(
  db: Kysely<DatabaseSchema>,
  partnerId: string,
  error: string,
  now: number,
  policy: HealthPolicy = DEFAULT_HEALTH_POLICY,
  random: () => number = Math.random,
): Promise<void> {
  const fdb = withFederation(db);
  const row = await fdb
    .updateTable('partners')
    .set((eb) => ({ last_run_at: now, last_error: error.slice(0, MAX_ERROR_LENGTH), consecutive_failures: eb('consecutive_failures', '+', 1) }))
    .where('id', '=', partnerId)
    .returning('consecutive_failures')
    .executeTakeFirst();
  if (row === undefined) return;
  const delay = backoffSeconds(policy, Number(row.consecutive_failures), random);
  if (delay === undefined) return;
  await fdb.updateTable('partners').set({ unhealthy_until: now + Math.round(delay * MICROS) }).where('id', '=', partnerId).execute();
}

/** Seconds to set a partner aside after `failures` consecutive failures; undefined while still healthy. */
export function backoffSeconds(policy: HealthPolicy, failures: number, random: () => number = Math.random): number | undefined {
  const beyond = failures - policy.failuresBeforeUnhealthy;
  if (beyond < 0) return undefined;
  const ceiling = Math.min(policy.maxBackoffSeconds, policy.baseBackoffSeconds * 2 ** beyond);
  // Between half and all of the ceiling: spread out, but never much sooner than the policy says.
  return ceiling / 2 + random() * (ceiling / 2);
}

export function isUnhealthy(health: PartnerHealth, now: number): boolean {
  return health.unhealthyUntil !== null && health.unhealthyUntil > now;
}

/** Whether the scheduler should run the partner now: its interval has passed and it is not set aside. */
export function isDue(partner: Partner, now: number): boolean {
  if (isUnhealthy(partner.health, now)) return false;
  const last = partner.health.lastRunAt;
  return last === null || now >= last + partner.intervalSeconds * MICROS;
}
