import type { Kysely } from 'kysely';
import { effectiveTlp } from '../access/marking-policy.js';
import { storedMarkings } from '../access/marking-resolution.js';
import { getOrganization } from '../access/organizations.js';
import { isEntenteError } from '../errors.js';
import type { ObjectStore } from '../store/object-store.js';
import type { DatabaseSchema, TlpLevel as StoredTlp } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { TaxiiClient, type TaxiiAuth, type TransportOptions } from '../taxii/client/index.js';
import type { PartnerCredentials } from './credentials.js';
import { DEFAULT_HEALTH_POLICY, recordFailure, recordSuccess, type HealthPolicy } from './health.js';
import { acquireLease, leaseHolder, releaseLease } from './lease.js';
import { partnerCredentials, type Partner, type PartnerRule } from './partners.js';
import { emptyCounts, pullRule, type PullCounts } from './pull.js';
import { ensureReceivedGroup } from './received-group.js';
import { emptyPushCounts, pushRule, type PushCounts } from './push.js';
import { findRemoteCollection, partnerApiRoot } from './remote.js';

export interface RuleReport {
  readonly rule: PartnerRule;
  /** What a pull rule did (all zero for a push rule). */
  readonly counts: PullCounts;
  /** What a push rule did; absent for a pull rule. */
  readonly pushed?: PushCounts;
  /** Why the rule stopped early, if it did (what it stored before stays stored). */
  readonly error?: string;
}

export interface PartnerReport {
  readonly partner: string;
  /** `ok`: every rule (pull, then push) completed; `failed`: the partner or a rule failed; `busy`: another process holds its lease. */
  readonly outcome: 'ok' | 'failed' | 'busy';
  readonly rules: readonly RuleReport[];
  readonly error?: string;
}

export interface SyncDeps {
  readonly db: Kysely<DatabaseSchema>;
  readonly store: ObjectStore;
  /** ENTENTE_SECRET_KEY, to open the partners' credentials. */
  readonly secretKey: string | undefined;
  /** This process's lease owner (lease.ts newLeaseOwner). */
  readonly leaseOwner: string;
  /** Transport settings (retry policy, timeouts) for the partners' TAXII clients. */
  readonly transport?: Omit<TransportOptions, 'auth'>;
  readonly pageSize?: number;
  /** Most objects per pushed envelope (push.ts; default 500). */
  readonly envelopeSize?: number;
  readonly health?: HealthPolicy;
  /** Ends runs between two pages (shutdown). */
  readonly signal?: AbortSignal;
  /** Told after every stored page. */
  readonly onProgress?: (partner: Partner, rule: PartnerRule, counts: Readonly<PullCounts>) => void;
}

/** A lease outlives the longest pause between two pages (retries included) several times over. */
const LEASE_MICROS = 10 * 60 * 1_000_000;

/**
 * Runs every pull rule of one partner under its lease, and records the run in
 * the partner's health. Never throws for a partner's failure: it is reported
 * and recorded, so a caller looping over partners goes on to the next one.
 */
export async function syncPartner(deps: SyncDeps, partner: Partner): Promise<PartnerReport> {
  if (!(await acquireLease(deps.db, partner.id, deps.leaseOwner, LEASE_MICROS, nowMicros()))) {
    const holder = (await leaseHolder(deps.db, partner.id)) ?? 'another process';
    return { partner: partner.name, outcome: 'busy', rules: [], error: `partner ${partner.name} is being pulled by ${holder}` };
  }
  const rules: RuleReport[] = [];
  let failure: string | undefined;
  let client: TaxiiClient | undefined;
  try {
    const credentials = await partnerCredentials(deps.db, deps.secretKey, partner);
    client = new TaxiiClient({ ...deps.transport, auth: toAuth(credentials) });
    const apiRootUrl = await partnerApiRoot(client, partner.discoveryUrl);
    const unmarkedTlp = await unmarkedLevel(deps.db, partner);
    const receivedGroup = partner.rules.some((rule) => rule.direction === 'pull') ? await ensureReceivedGroup(deps.db, partner) : undefined;
    for (const rule of partner.rules.filter((r) => r.direction === 'pull')) {
      if (deps.signal?.aborted === true) break;
      rules.push(await runRule(deps, client, partner, rule, apiRootUrl, unmarkedTlp, receivedGroup));
    }
    const pushRules = partner.rules.filter((r) => r.direction === 'push');
    if (pushRules.length > 0) {
      const maxContentLength = usableContentLength((await client.getApiRoot(apiRootUrl)).max_content_length);
      for (const rule of pushRules) {
        if (deps.signal?.aborted === true) break;
        rules.push(await runPushRule(deps, client, partner, rule, apiRootUrl, maxContentLength));
      }
    }
    const failed = rules.filter((r) => r.error !== undefined);
    if (failed.length > 0) failure = failed.map((r) => `${ruleName(r.rule)}: ${r.error ?? ''}`).join('; ');
  } catch (error) {
    failure = messageOf(error);
  } finally {
    await client?.close();
  }
  const now = nowMicros();
  try {
    if (failure === undefined) await recordSuccess(deps.db, partner.id, now);
    else await recordFailure(deps.db, partner.id, failure, now, deps.health ?? DEFAULT_HEALTH_POLICY);
  } finally {
    await releaseLease(deps.db, partner.id, deps.leaseOwner);
  }
  return { partner: partner.name, outcome: failure === undefined ? 'ok' : 'failed', rules, ...(failure !== undefined ? { error: failure } : {}) };
}

/** Syncs partners one after another; one partner's failure never stops the others. */
export async function syncPartners(deps: SyncDeps, partners: readonly Partner[]): Promise<PartnerReport[]> {
  const reports: PartnerReport[] = [];
  for (const partner of partners) reports.push(await syncPartner(deps, partner));
  return reports;
}

/** The level unmarked objects from `partner` take: its (first) organisation's default, as for a local publisher. */
async function unmarkedLevel(db: Kysely<DatabaseSchema>, partner: Partner): Promise<StoredTlp> {
  const orgId = partner.orgIds[0];
  const org = orgId === undefined ? undefined : await getOrganization(db, orgId);
  return org === undefined ? 'none' : effectiveTlp(undefined, org.defaultTlp);
}

async function runRule(
  deps: SyncDeps,
  client: TaxiiClient,
  partner: Partner,
  rule: PartnerRule,
  apiRootUrl: string,
  unmarkedTlp: StoredTlp,
  receivedGroup: string | undefined,
): Promise<RuleReport> {
  let last: PullCounts | undefined;
  try {
    const remote = await findRemoteCollection(client, apiRootUrl, rule.remoteCollection);
    const counts = await pullRule(
      {
        store: deps.store,
        client,
        unmarkedTlp,
        storedMarkings: storedMarkings(deps.db, partner.orgIds[0] ?? null),
        ...(receivedGroup !== undefined ? { receivedGroup } : {}),
        ...(deps.pageSize !== undefined ? { pageSize: deps.pageSize } : {}),
        ...(deps.signal !== undefined ? { signal: deps.signal } : {}),
        onPage: async (progress) => {
          last = { ...progress };
          deps.onProgress?.(partner, rule, progress);
          await acquireLease(deps.db, partner.id, deps.leaseOwner, LEASE_MICROS, nowMicros());
        },
      },
      partner,
      rule,
      { apiRootUrl, collectionId: remote.id },
    );
    return { rule, counts };
  } catch (error) {
    return { rule, counts: last ?? emptyCounts(), error: messageOf(error) };
  }
}

async function runPushRule(
  deps: SyncDeps,
  client: TaxiiClient,
  partner: Partner,
  rule: PartnerRule,
  apiRootUrl: string,
  maxContentLength: number,
): Promise<RuleReport> {
  let last: PushCounts | undefined;
  try {
    const remote = await findRemoteCollection(client, apiRootUrl, rule.remoteCollection);
    const pushed = await pushRule(
      {
        db: deps.db,
        store: deps.store,
        client,
        ...(deps.envelopeSize !== undefined ? { maxObjects: deps.envelopeSize } : {}),
        ...(deps.signal !== undefined ? { signal: deps.signal } : {}),
        onEnvelope: async (progress) => {
          last = { ...progress, failures: [...progress.failures] };
          await acquireLease(deps.db, partner.id, deps.leaseOwner, LEASE_MICROS, nowMicros());
        },
      },
      partner,
      rule,
      { apiRootUrl, maxContentLength, collectionId: remote.id },
    );
    return { rule, counts: emptyCounts(), pushed };
  } catch (error) {
    return { rule, counts: emptyCounts(), pushed: last ?? emptyPushCounts(), error: messageOf(error) };
  }
}

/**
 * TAXII 2.1 §4.2 requires max_content_length; to a server that gives none
 * (or nonsense), envelopes stay within a conservative 10 MiB.
 */
const FALLBACK_CONTENT_LENGTH = 10 * 1024 * 1024;

function usableContentLength(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : FALLBACK_CONTENT_LENGTH;
}

/** A rule as people write it: REMOTE→LOCAL for a pull, LOCAL→REMOTE for a push. */
export function ruleName(rule: PartnerRule): string {
  return rule.direction === 'pull' ? `${rule.remoteCollection}→${rule.localCollection}` : `${rule.localCollection}→${rule.remoteCollection}`;
}

export function toAuth(credentials: PartnerCredentials): TaxiiAuth {
  return credentials.kind === 'basic'
    ? { kind: 'basic', username: credentials.username, password: credentials.password }
    : { kind: 'bearer', token: credentials.token };
}

function messageOf(error: unknown): string {
  if (isEntenteError(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}
