import type { Kysely } from 'kysely';
import { appendAudit } from '../access/audit-log.js';
import type { StoredTlp } from '../access/marking-policy.js';
import { partnerScope } from '../access/partner-scope.js';
import { SHARING_EXTENSION_ID } from '../access/sharing-extension.js';
import { groupIdsOfOrganization } from '../access/sharing-groups.js';
import { EntenteError } from '../errors.js';
import type { StixObject } from '../stix/stix-object.js';
import type { ObjectStore, ObjectText, ReadScope } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { visibilityCondition } from '../store/visibility-sql.js';
import type { StatusWaitOptions, TaxiiClient } from '../taxii/client/index.js';
import { pushAudienceKey, pushWatermarkKey, type Partner, type PartnerRule } from './partners.js';
import { passesFilters, storedFilterLevel } from './rule-filter.js';

/** One object version the partner did not take, as its status said (or why it was never sent). */
export interface PushFailure {
  readonly id: string;
  readonly version: string;
  readonly message: string;
}

/** What one push of one rule did. */
export interface PushCounts {
  /** Envelopes posted and followed to completion. */
  envelopes: number;
  /** Versions the partner's statuses list as successes. */
  pushed: number;
  /** Versions the partner refused, or too large for any envelope it accepts. */
  failed: number;
  /** Visible to the partner, but excluded by the rule's filters. */
  filtered: number;
  /**
   * Versions behind the watermark sent again because the partner's
   * organisations joined their sharing group since the last push (see
   * `pushRule`); they are counted in `pushed` as well.
   */
  backfilled: number;
  readonly failures: PushFailure[];
}

export interface PushDeps {
  readonly db: Kysely<DatabaseSchema>;
  readonly store: ObjectStore;
  readonly client: TaxiiClient;
  /** Most objects per envelope. Default 500. */
  readonly maxObjects?: number;
  readonly statusWait?: StatusWaitOptions;
  /** Stops the push between two envelopes (what was accepted stays behind the watermark). */
  readonly signal?: AbortSignal;
  /** Called after each envelope completes (progress, lease renewal). */
  readonly onEnvelope?: (counts: Readonly<PushCounts>) => void | Promise<void>;
}

/** Where a rule pushes to: the partner's API root, its max_content_length, and its collection's id. */
export interface PushTarget {
  readonly apiRootUrl: string;
  readonly maxContentLength: number;
  readonly collectionId: string;
}

export function emptyPushCounts(): PushCounts {
  return { envelopes: 0, pushed: 0, failed: 0, filtered: 0, backfilled: 0, failures: [] };
}

const DEFAULT_MAX_OBJECTS = 500;
/** `{"objects":[` and `]}` around the objects of an envelope. */
const ENVELOPE_OVERHEAD = 14;

/**
 * Pushes one rule (TAXII 2.1 §5.5 Add Objects): every version added to the
 * local collection after the rule's watermark that the partner may receive —
 * decided by the access policy's partner scope inside the store's query, never
 * here — in date_added order, in envelopes of at most `maxObjects` objects and
 * the partner's max_content_length bytes. Each envelope's status is followed
 * to completion (§4.3) before the watermark moves past it, so an interrupted
 * push resends at most the envelope in flight (the partner reports what it
 * already holds, and stores nothing twice). The entente-sharing extension is
 * left out of what is sent (see `outgoing`). Versions the partner's status
 * lists as failures are reported, not retried: resending the same version
 * cannot change the partner's answer.
 *
 * An object can become sendable after the watermark has passed it: when one
 * of the partner's organisations joins the object's sharing group. (Its level
 * cannot loosen in place — a looser marking is a new version, with a new
 * date_added, which the watermark has not passed.) So the rule remembers the
 * sharing groups the partner's organisations belonged to when it last
 * completed; on the next run, the AMBER versions behind the watermark shared
 * with a group joined since are sent first (backfill), through the same
 * partner scope. A backfill interrupted is redone whole on the next run: the
 * partner already holds what it took, and stores nothing twice.
 */
export async function pushRule(deps: PushDeps, partner: Partner, rule: PartnerRule, target: PushTarget): Promise<PushCounts> {
  if (rule.direction !== 'push') throw new EntenteError('invalid_input', `Rule ${rule.id} of partner ${partner.name} is not a push rule`);
  const key = pushWatermarkKey(rule.id);
  const stored = await deps.store.getWatermark(key);
  let watermark = stored === undefined ? 0 : Number(stored);
  const maxObjects = deps.maxObjects ?? DEFAULT_MAX_OBJECTS;
  const scope = partnerScope(partner.orgIds);
  const counts = emptyPushCounts();
  const audience = await sharingGroupsOf(deps.db, partner.orgIds);
  if (watermark > 0) {
    const known = parseAudience(await deps.store.getWatermark(pushAudienceKey(rule.id)));
    // A rule pushed before audiences were remembered does not know what changed: every group counts as joined.
    const joined = audience.filter((group) => known === undefined || !known.includes(group));
    if (joined.length > 0 && !(await backfill(deps, partner, rule, target, scope, joined, watermark, counts))) return counts;
  }
  let more = true;
  while (more && !aborted(deps)) {
    const page = await deps.store.queryObjectTexts(
      rule.localCollection,
      { addedAfter: watermark, versions: [{ kind: 'all' }], limit: maxObjects },
      scope,
    );
    more = page.more;
    const settle = async (upTo: number): Promise<void> => {
      watermark = await advance(deps.db, key, watermark, upTo);
    };
    if (!(await sendRows(deps, partner, rule, target, page.items, counts, settle))) return counts;
  }
  if (!aborted(deps)) await setValue(deps.db, pushAudienceKey(rule.id), JSON.stringify(audience));
  return counts;
}

/**
 * Sends the AMBER versions up to `upTo` shared with one of `groups`, that the
 * partner scope lets through, in date_added order. False when stopped early.
 */
async function backfill(
  deps: PushDeps,
  partner: Partner,
  rule: PartnerRule,
  target: PushTarget,
  scope: ReadScope,
  groups: readonly string[],
  upTo: number,
  counts: PushCounts,
): Promise<boolean> {
  const visible = visibilityCondition('o', scope);
  if (visible === undefined) throw new EntenteError('invalid_input', 'A push reads through a partner scope, which always restricts what is read');
  const limit = deps.maxObjects ?? DEFAULT_MAX_OBJECTS;
  let after = 0;
  for (;;) {
    const rows = await deps.db
      .selectFrom('objects as o')
      .select(['o.json', 'o.date_added', 'o.id', 'o.version_raw'])
      .where('o.collection_id', '=', rule.localCollection)
      .where('o.date_added', '>', after)
      .where('o.date_added', '<=', upTo)
      .where('o.tlp', '=', 'amber')
      .where('o.sharing_group', 'in', groups)
      .where(visible)
      .orderBy('o.date_added')
      .limit(limit)
      .execute();
    const items: ObjectText[] = rows.map((row) => ({ json: row.json, dateAdded: Number(row.date_added), auditLabel: `${row.id}@${row.version_raw} amber` }));
    const before = counts.pushed;
    const completed = await sendRows(deps, partner, rule, target, items, counts, async () => {});
    counts.backfilled += counts.pushed - before;
    if (!completed) return false;
    const last = items[items.length - 1];
    if (last === undefined || items.length < limit) return true;
    after = last.dateAdded;
  }
}

/**
 * Sends `rows` in envelopes bounded by count and bytes; after each envelope
 * completes, `settle` is told the date_added of the last row sent or set
 * aside. A rule's `markings` filter judges the level each row is stored at
 * (rule-filter.ts storedFilterLevel), read for the rows at once, as a pull
 * judges the level it stores. The versions of audited levels (AMBER: the only
 * one that may leave) sent in an envelope are written to the audit log once
 * it is posted, like any read of marked intelligence. False when stopped
 * early.
 */
async function sendRows(
  deps: PushDeps,
  partner: Partner,
  rule: PartnerRule,
  target: PushTarget,
  rows: readonly ObjectText[],
  counts: PushCounts,
  settle: (upTo: number) => Promise<void>,
): Promise<boolean> {
  let envelope: StixObject[] = [];
  let marked: string[] = [];
  let bytes = ENVELOPE_OVERHEAD;
  let considered: number | undefined;
  const levels = rule.filters.markings.length > 0 ? await storedLevels(deps.db, rule.localCollection, rows) : undefined;
  const flush = async (): Promise<void> => {
    if (envelope.length > 0) await send(deps, target, envelope, counts);
    if (marked.length > 0) {
      await appendAudit(deps.db, {
        action: 'federation.push-marked',
        target: rule.localCollection,
        address: new URL(target.apiRootUrl).host,
        path: `push to partner ${partner.name}`,
        details: { partner: partner.id, remoteCollection: target.collectionId, objects: marked },
      });
    }
    envelope = [];
    marked = [];
    bytes = ENVELOPE_OVERHEAD;
    if (considered !== undefined) await settle(considered);
    await deps.onEnvelope?.(counts);
  };
  for (const item of rows) {
    const object = outgoing(JSON.parse(item.json) as StixObject);
    const size = Buffer.byteLength(JSON.stringify(object)) + 1;
    // Without a `markings` filter the level is not looked at, and not read.
    if (!passesFilters(object, rule.filters, storedFilterLevel(object, levels?.get(item.dateAdded)))) {
      counts.filtered += 1;
    } else if (ENVELOPE_OVERHEAD + size > target.maxContentLength) {
      fail(counts, object, `larger than the partner's max_content_length (${target.maxContentLength} bytes): not sent`);
    } else {
      if (bytes + size > target.maxContentLength) {
        await flush();
        if (aborted(deps)) return false;
      }
      envelope.push(object);
      if (item.auditLabel !== null) marked.push(item.auditLabel);
      bytes += size;
    }
    considered = item.dateAdded;
  }
  await flush();
  return true;
}

/** Rows whose level is read per statement. */
const ROWS_PER_LOOKUP = 500;

/** The level each of `rows` of `collectionId` is stored at, by date_added (unique in a collection). */
async function storedLevels(db: Kysely<DatabaseSchema>, collectionId: string, rows: readonly ObjectText[]): Promise<Map<number, StoredTlp>> {
  const levels = new Map<number, StoredTlp>();
  for (let start = 0; start < rows.length; start += ROWS_PER_LOOKUP) {
    const found = await db
      .selectFrom('objects')
      .select(['date_added', 'tlp'])
      .where('collection_id', '=', collectionId)
      .where('date_added', 'in', rows.slice(start, start + ROWS_PER_LOOKUP).map((row) => row.dateAdded))
      .execute();
    for (const row of found) levels.set(row.date_added, row.tlp);
  }
  return levels;
}

/** The sharing groups any of `orgIds` belongs to, sorted. */
async function sharingGroupsOf(db: Kysely<DatabaseSchema>, orgIds: readonly string[]): Promise<string[]> {
  const groups = new Set<string>();
  for (const orgId of orgIds) for (const group of await groupIdsOfOrganization(db, orgId)) groups.add(group);
  return [...groups].sort();
}

function parseAudience(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const parsed: unknown = JSON.parse(value);
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : undefined;
}

/** Posts one envelope and waits for its status; counts what the status lists. */
async function send(deps: PushDeps, target: PushTarget, envelope: readonly StixObject[], counts: PushCounts): Promise<void> {
  const initial = await deps.client.addObjects(target.apiRootUrl, target.collectionId, envelope);
  const status = await deps.client.waitForStatus(target.apiRootUrl, initial, deps.statusWait);
  counts.envelopes += 1;
  counts.pushed += status.success_count;
  const listed = status.failures ?? [];
  for (const failure of listed) counts.failures.push({ id: failure.id, version: failure.version, message: failure.message ?? 'refused by the partner' });
  counts.failed += Math.max(status.failure_count, listed.length);
}

/**
 * The object as a partner receives it: without the entente-sharing extension,
 * whose sharing group ids and usernames name things of this instance only (a
 * partner would refuse or misread them); the partner decides its own audience
 * from the TLP markings, which travel unchanged.
 */
function outgoing(object: StixObject): StixObject {
  const extensions = object.extensions;
  if (typeof extensions !== 'object' || extensions === null || !(SHARING_EXTENSION_ID in extensions)) return object;
  const rest = Object.fromEntries(Object.entries(extensions).filter(([key]) => key !== SHARING_EXTENSION_ID));
  const { extensions: _dropped, ...others } = object;
  return Object.keys(rest).length > 0 ? { ...others, extensions: rest } : others;
}

function aborted(deps: PushDeps): boolean {
  return deps.signal?.aborted === true;
}

function fail(counts: PushCounts, object: StixObject, message: string): void {
  counts.failed += 1;
  counts.failures.push({ id: object.id, version: typeof object.modified === 'string' ? object.modified : '', message });
}

/** Stores the push watermark when it moves (never backwards). */
async function advance(db: Kysely<DatabaseSchema>, key: string, current: number, next: number): Promise<number> {
  if (next <= current) return current;
  await setValue(db, key, String(next));
  return next;
}

async function setValue(db: Kysely<DatabaseSchema>, key: string, value: string): Promise<void> {
  const row = { key, value, updated_at: nowMicros() };
  await db
    .insertInto('watermarks')
    .values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at }))
    .execute();
}
