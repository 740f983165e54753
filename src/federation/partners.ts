import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ensureLocalOrganization } from '../access/bootstrap.js';
import { EntenteError } from '../errors.js';
import type { LeaseTables } from '../store/lease.js';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { openCredentials, sealCredentials, type PartnerCredentials } from './credentials.js';
import { withFederation, type FederationDb, type FederationTables } from './federation-schema.js';
import { partnerLeaseName } from './lease.js';

/**
 * Partners (issue 5): other TAXII 2.1 servers this instance exchanges with —
 * another entente, a MISP or OpenCTI with a TAXII server, the OASIS reference
 * server. A partner has a discovery URL, credentials (sealed at rest), the
 * local organisations it represents, a pull interval, health, and rules.
 */
export type RuleDirection = 'pull' | 'push';

/** Which objects a rule carries; an empty list does not filter. */
export interface RuleFilters {
  /** STIX types (sent to the server as `match[type]`). */
  readonly types: readonly string[];
  /** TLP level names (`clear`, `green`, `amber`, `amber+strict`, `red`, `none`) or marking-definition ids. */
  readonly markings: readonly string[];
  readonly labels: readonly string[];
}

export interface PartnerRule {
  readonly id: string;
  readonly direction: RuleDirection;
  /** The partner's collection: its id, alias or title. */
  readonly remoteCollection: string;
  /** The local collection id. */
  readonly localCollection: string;
  readonly filters: RuleFilters;
}

export interface PartnerHealth {
  /** Microseconds since the epoch, as every server-assigned time. */
  readonly lastRunAt: number | null;
  readonly lastSuccessAt: number | null;
  readonly consecutiveFailures: number;
  readonly lastError: string | null;
  /** Not run on schedule before this time, after repeated failures. */
  readonly unhealthyUntil: number | null;
}

export interface Partner {
  readonly id: string;
  readonly name: string;
  readonly discoveryUrl: string;
  readonly authKind: 'basic' | 'token';
  /** Local organisation ids the partner represents. */
  readonly orgIds: readonly string[];
  /**
   * Local organisation ids that receive what the partner sends: its AMBER
   * objects are shared with them (and the partner's organisations) through
   * the sharing group "received from <partner>" (received-group.ts).
   */
  readonly receiverOrgIds: readonly string[];
  readonly intervalSeconds: number;
  readonly createdAt: number;
  readonly health: PartnerHealth;
  readonly rules: readonly PartnerRule[];
}

export interface NewRule {
  readonly remoteCollection: string;
  readonly localCollection: string;
  readonly filters?: Partial<RuleFilters>;
}

export interface NewPartner {
  readonly name: string;
  readonly discoveryUrl: string;
  readonly credentials: PartnerCredentials;
  readonly orgIds?: readonly string[];
  /** Receiving local organisations (`--receive-as`); default: the instance's own organisation "local". */
  readonly receiverOrgIds?: readonly string[];
  readonly pull?: readonly NewRule[];
  readonly push?: readonly NewRule[];
  /** Default 300. */
  readonly intervalSeconds?: number;
}

export const DEFAULT_INTERVAL_SECONDS = 300;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Adds a partner with its rules in one transaction; its credentials are sealed with `secretKey` (ENTENTE_SECRET_KEY). */
export async function addPartner(db: Kysely<DatabaseSchema>, secretKey: string | undefined, input: NewPartner): Promise<Partner> {
  const fdb = withFederation(db);
  if (!NAME.test(input.name)) {
    throw new EntenteError('invalid_input', `Partner name "${input.name}": use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  const discoveryUrl = checkUrl(input.discoveryUrl);
  checkCredentials(input.credentials);
  const interval = input.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  if (!Number.isInteger(interval) || interval < 1) {
    throw new EntenteError('invalid_input', `The interval must be a whole number of seconds, at least 1 (got ${interval})`);
  }
  const rules = [...(input.pull ?? []).map((r) => ({ ...r, direction: 'pull' as const })), ...(input.push ?? []).map((r) => ({ ...r, direction: 'push' as const }))];
  const receivers = input.receiverOrgIds !== undefined && input.receiverOrgIds.length > 0 ? input.receiverOrgIds : [(await ensureLocalOrganization(db)).id];
  await checkReferences(fdb, [...(input.orgIds ?? []), ...receivers], rules);
  if ((await findPartner(db, input.name)) !== undefined) throw duplicateName(input.name);

  const id = randomUUID();
  const credentials = sealCredentials(secretKey, input.credentials, id);
  try {
    await fdb.transaction().execute(async (trx) => {
      await trx
        .insertInto('partners')
        .values({
          id,
          name: input.name,
          discovery_url: discoveryUrl,
          auth_kind: input.credentials.kind,
          credentials,
          interval_seconds: interval,
          created_at: nowMicros(),
          last_run_at: null,
          last_success_at: null,
          consecutive_failures: 0,
          last_error: null,
          unhealthy_until: null,
          received_group: null,
        })
        .execute();
      for (const orgId of new Set(input.orgIds ?? [])) await trx.insertInto('partner_organizations').values({ partner_id: id, org_id: orgId }).execute();
      for (const orgId of new Set(receivers)) await trx.insertInto('partner_receivers').values({ partner_id: id, org_id: orgId }).execute();
      let position = 0;
      for (const rule of rules) {
        await trx
          .insertInto('partner_rules')
          .values({
            id: randomUUID(),
            partner_id: id,
            direction: rule.direction,
            remote_collection: rule.remoteCollection,
            local_collection: rule.localCollection,
            types: JSON.stringify(cleanList(rule.filters?.types)),
            markings: JSON.stringify(cleanList(rule.filters?.markings).map((m) => m.toLowerCase())),
            labels: JSON.stringify(cleanList(rule.filters?.labels)),
            position: position++,
          })
          .execute();
      }
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(input.name);
    throw error;
  }
  return await requirePartner(db, id);
}

export async function listPartners(db: Kysely<DatabaseSchema>): Promise<Partner[]> {
  const fdb = withFederation(db);
  const rows = await fdb.selectFrom('partners').selectAll().orderBy('name').execute();
  return await Promise.all(rows.map((row) => complete(fdb, row)));
}

/** The partner named or with id `nameOrId`, if any. */
export async function findPartner(db: Kysely<DatabaseSchema>, nameOrId: string): Promise<Partner | undefined> {
  const fdb = withFederation(db);
  const row =
    (await fdb.selectFrom('partners').selectAll().where('name', '=', nameOrId).executeTakeFirst()) ??
    (await fdb.selectFrom('partners').selectAll().where('id', '=', nameOrId).executeTakeFirst());
  return row === undefined ? undefined : await complete(fdb, row);
}

/** Like findPartner; throws `not_found` naming what was asked for. */
export async function requirePartner(db: Kysely<DatabaseSchema>, nameOrId: string): Promise<Partner> {
  const found = await findPartner(db, nameOrId);
  if (found === undefined) throw new EntenteError('not_found', `No partner named or with id "${nameOrId}" (see: entente partner list)`);
  return found;
}

/** Removes a partner, its rules and their watermarks. */
export async function removePartner(db: Kysely<DatabaseSchema>, nameOrId: string): Promise<Partner> {
  const partner = await requirePartner(db, nameOrId);
  await withFederation(db)
    .transaction()
    .execute(async (trx) => {
      const keys = partner.rules.flatMap((rule) => (rule.direction === 'pull' ? [watermarkKey(rule.id)] : [pushWatermarkKey(rule.id), pushAudienceKey(rule.id)]));
      if (keys.length > 0) await trx.deleteFrom('watermarks').where('key', 'in', keys).execute();
      await trx.deleteFrom('partner_rules').where('partner_id', '=', partner.id).execute();
      await trx.deleteFrom('partner_organizations').where('partner_id', '=', partner.id).execute();
      await trx.deleteFrom('partner_receivers').where('partner_id', '=', partner.id).execute();
      await trx.withTables<LeaseTables>().deleteFrom('leases').where('name', '=', partnerLeaseName(partner.id)).execute();
      await trx.deleteFrom('partners').where('id', '=', partner.id).execute();
    });
  return partner;
}

/** The partner's credentials, opened with `secretKey`. */
export async function partnerCredentials(db: Kysely<DatabaseSchema>, secretKey: string | undefined, partner: Partner): Promise<PartnerCredentials> {
  const row = await withFederation(db).selectFrom('partners').select('credentials').where('id', '=', partner.id).executeTakeFirst();
  if (row === undefined) throw new EntenteError('not_found', `Partner ${partner.name} no longer exists`);
  return openCredentials(secretKey, row.credentials, partner.id);
}

/** The store watermark key of a pull rule: where the pull resumes. */
export function watermarkKey(ruleId: string): string {
  return `pull:${ruleId}`;
}

/** The store watermark key of a push rule: the local date_added it has sent up to. */
export function pushWatermarkKey(ruleId: string): string {
  return `push:${ruleId}`;
}

/** The store watermark key of a push rule's audience: the sharing groups its partner belonged to at the last completed push. */
export function pushAudienceKey(ruleId: string): string {
  return `push-audience:${ruleId}`;
}

async function complete(fdb: FederationDb, row: FederationTables['partners']): Promise<Partner> {
  const [orgs, receivers, rules] = await Promise.all([
    fdb.selectFrom('partner_organizations').select('org_id').where('partner_id', '=', row.id).orderBy('org_id').execute(),
    fdb.selectFrom('partner_receivers').select('org_id').where('partner_id', '=', row.id).orderBy('org_id').execute(),
    fdb.selectFrom('partner_rules').selectAll().where('partner_id', '=', row.id).orderBy('position').execute(),
  ]);
  return {
    id: row.id,
    name: row.name,
    discoveryUrl: row.discovery_url,
    authKind: row.auth_kind,
    orgIds: orgs.map((o) => o.org_id),
    receiverOrgIds: receivers.map((o) => o.org_id),
    intervalSeconds: Number(row.interval_seconds),
    createdAt: Number(row.created_at),
    health: {
      lastRunAt: nullableNumber(row.last_run_at),
      lastSuccessAt: nullableNumber(row.last_success_at),
      consecutiveFailures: Number(row.consecutive_failures),
      lastError: row.last_error,
      unhealthyUntil: nullableNumber(row.unhealthy_until),
    },
    rules: rules.map((rule) => ({
      id: rule.id,
      direction: rule.direction,
      remoteCollection: rule.remote_collection,
      localCollection: rule.local_collection,
      filters: {
        types: JSON.parse(rule.types) as string[],
        markings: JSON.parse(rule.markings) as string[],
        labels: JSON.parse(rule.labels) as string[],
      },
    })),
  };
}

function nullableNumber(value: number | null): number | null {
  return value === null ? null : Number(value);
}

function checkUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.username === '' && parsed.password === '') return parsed.href;
  } catch {
    // Reported below with the rest.
  }
  throw new EntenteError('invalid_input', `"${url}" is not a TAXII discovery URL: give http(s)://host[:port]/path/, with credentials in --user/--password or --token, not in the URL`);
}

function checkCredentials(credentials: PartnerCredentials): void {
  const missing = credentials.kind === 'basic' ? credentials.username === '' || credentials.password === '' : credentials.token === '';
  if (missing) throw new EntenteError('invalid_input', 'Give a partner either --user and --password, or --token, none of them empty');
}

async function checkReferences(fdb: FederationDb, orgIds: readonly string[], rules: readonly NewRule[]): Promise<void> {
  for (const orgId of orgIds) {
    const found = await fdb.selectFrom('organizations').select('id').where('id', '=', orgId).executeTakeFirst();
    if (found === undefined) throw new EntenteError('not_found', `No organisation with id ${orgId}`);
  }
  for (const rule of rules) {
    if (rule.remoteCollection.trim() === '' || rule.localCollection.trim() === '') {
      throw new EntenteError('invalid_input', 'A rule needs both collections: REMOTE:LOCAL for --pull, LOCAL:REMOTE for --push');
    }
    const local = await fdb.selectFrom('collections').select('id').where('id', '=', rule.localCollection).executeTakeFirst();
    if (local === undefined) throw new EntenteError('not_found', `No local collection with id ${rule.localCollection} (see: entente collection list)`);
  }
}

function cleanList(values: readonly string[] | undefined): string[] {
  return [...new Set((values ?? []).map((v) => v.trim()).filter((v) => v !== ''))];
}

function duplicateName(name: string): EntenteError {
  return new EntenteError('conflict', `A partner named "${name}" already exists (remove it first, or choose another name)`, { name });
}
