import type { Kysely } from 'kysely';
import { partnerScope } from '../access/partner-scope.js';
import { SHARING_EXTENSION_ID } from '../access/sharing-extension.js';
import { EntenteError } from '../errors.js';
import type { StixObject } from '../stix/stix-object.js';
import type { ObjectStore } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import type { StatusWaitOptions, TaxiiClient } from '../taxii/client/index.js';
import { pushWatermarkKey, type Partner, type PartnerRule } from './partners.js';
import { passesFilters } from './rule-filter.js';

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
  return { envelopes: 0, pushed: 0, failed: 0, filtered: 0, failures: [] };
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
 */
export async function pushRule(deps: PushDeps, partner: Partner, rule: PartnerRule, target: PushTarget): Promise<PushCounts> {
  if (rule.direction !== 'push') throw new EntenteError('invalid_input', `Rule ${rule.id} of partner ${partner.name} is not a push rule`);
  const key = pushWatermarkKey(rule.id);
  const stored = await deps.store.getWatermark(key);
  let watermark = stored === undefined ? 0 : Number(stored);
  const maxObjects = deps.maxObjects ?? DEFAULT_MAX_OBJECTS;
  const scope = partnerScope(partner.orgIds);
  const counts = emptyPushCounts();
  let more = true;
  while (more && !aborted(deps)) {
    const page = await deps.store.queryObjectTexts(
      rule.localCollection,
      { addedAfter: watermark, versions: [{ kind: 'all' }], limit: maxObjects },
      scope,
    );
    more = page.more;
    let envelope: StixObject[] = [];
    let bytes = ENVELOPE_OVERHEAD;
    // The date_added of the last row sent or set aside: everything up to it is settled once the envelope completes.
    let considered = watermark;
    const flush = async (): Promise<void> => {
      if (envelope.length > 0) await send(deps, target, envelope, counts);
      envelope = [];
      bytes = ENVELOPE_OVERHEAD;
      watermark = await advance(deps.db, key, watermark, considered);
      await deps.onEnvelope?.(counts);
    };
    for (const item of page.items) {
      const object = outgoing(JSON.parse(item.json) as StixObject);
      const size = Buffer.byteLength(JSON.stringify(object)) + 1;
      if (!passesFilters(object, rule.filters)) {
        counts.filtered += 1;
      } else if (ENVELOPE_OVERHEAD + size > target.maxContentLength) {
        fail(counts, object, `larger than the partner's max_content_length (${target.maxContentLength} bytes): not sent`);
      } else {
        if (bytes + size > target.maxContentLength) {
          await flush();
          if (aborted(deps)) return counts;
        }
        envelope.push(object);
        bytes += size;
      }
      considered = item.dateAdded;
    }
    await flush();
  }
  return counts;
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
  const row = { key, value: String(next), updated_at: nowMicros() };
  await db
    .insertInto('watermarks')
    .values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at }))
    .execute();
  return next;
}
