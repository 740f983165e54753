import { EntenteError } from '../errors.js';
import type { StixObject } from '../stix/stix-object.js';
import { tlpLevelOf } from '../stix/tlp.js';
import { validateObject } from '../stix/validate.js';
import type { IncomingObject, ObjectStore } from '../store/object-store.js';
import type { TlpLevel as StoredTlp } from '../store/schema.js';
import type { ObjectFilter, TaxiiClient } from '../taxii/client/index.js';
import { watermarkKey, type Partner, type PartnerRule } from './partners.js';
import { passesFilters } from './rule-filter.js';

/** What one pull of one rule did. */
export interface PullCounts {
  pages: number;
  /** Objects the partner sent. */
  received: number;
  /** Versions stored now. */
  added: number;
  /** Versions already held here (not stored again). */
  duplicate: number;
  /** Not valid STIX 2.1: not stored. */
  rejected: number;
  /** Valid, but excluded by the rule's filters. */
  filtered: number;
}

export interface PullDeps {
  readonly store: ObjectStore;
  readonly client: TaxiiClient;
  /** `limit` asked of the partner per page; the partner may give fewer. Default 1000. */
  readonly pageSize?: number;
  /**
   * The level of an object that carries no TLP marking: the default of the
   * organisation the partner represents (DESIGN: an unmarked object takes its
   * publishing organisation's default). Default `none`: its organisation only.
   */
  readonly unmarkedTlp?: StoredTlp;
  /**
   * The sharing group "received from <partner>" (received-group.ts) stored
   * with what is pulled: an AMBER object is then visible to the partner's
   * receiving organisations, not to the whole instance. Consulted for AMBER
   * only (access/marking-policy.ts). Without one, AMBER stays with the
   * partner's organisation.
   */
  readonly receivedGroup?: string;
  /** Stops the pull between two pages (what is stored stays stored, with its watermark). */
  readonly signal?: AbortSignal;
  /** Called after each page is stored (progress, lease renewal). */
  readonly onPage?: (counts: Readonly<PullCounts>) => void | Promise<void>;
}

/** Where a rule pulls from: the API root and the remote collection's id. */
export interface PullSource {
  readonly apiRootUrl: string;
  readonly collectionId: string;
}

export function emptyCounts(): PullCounts {
  return { pages: 0, received: 0, added: 0, duplicate: 0, rejected: 0, filtered: 0 };
}

/**
 * Pulls one rule incrementally (TAXII 2.1 §5.4 Get Objects, every version):
 * resumes `added_after` the rule's watermark, follows `next` or, from servers
 * that give none, the page's `X-TAXII-Date-Added-Last` (§3.4.2) — and walks
 * again from where a walk ended until one brings nothing new — and stores
 * each page together with the watermark that follows it in ONE transaction.
 * A crash at any point therefore resumes exactly after the last stored page:
 * nothing is lost, and a re-fetched page's versions are duplicates, never
 * stored twice. Objects keep their JSON text as received; the partner that
 * delivered them is recorded beside them (`partner`), not in them.
 */
export async function pullRule(deps: PullDeps, partner: Partner, rule: PartnerRule, source: PullSource): Promise<PullCounts> {
  if (rule.direction !== 'pull') throw new EntenteError('invalid_input', `Rule ${rule.id} of partner ${partner.name} is not a pull rule`);
  const key = watermarkKey(rule.id);
  let watermark = await deps.store.getWatermark(key);
  const filter: ObjectFilter = {
    version: 'all',
    limit: deps.pageSize ?? 1000,
    ...(rule.filters.types.length > 0 ? { type: rule.filters.types } : {}),
  };
  const meta = { authorOrg: partner.orgIds[0] ?? null, authorUser: null, partner: partner.id, sharingGroup: deps.receivedGroup ?? null };
  const counts = emptyCounts();
  for (;;) {
    const walkedFrom = watermark;
    for await (const page of deps.client.pages(source.apiRootUrl, source.collectionId, { ...filter, ...(watermark !== undefined ? { addedAfter: watermark } : {}) })) {
      counts.pages += 1;
      counts.received += page.items.length;
      const incoming: IncomingObject[] = [];
      page.items.forEach((item, index) => {
        if (validateObject(item).length > 0) {
          counts.rejected += 1;
        } else if (!passesFilters(item, rule.filters)) {
          counts.filtered += 1;
        } else {
          incoming.push(toIncoming(item, page.texts?.[index], deps.unmarkedTlp ?? 'none'));
        }
      });
      // Without a date header the page gives no resume point: keep the last one (a restart re-reads, finding duplicates).
      const next = page.dateAddedLast ?? watermark;
      const moved = next !== undefined && next !== watermark;
      if (incoming.length > 0 || moved) {
        const results = await deps.store.addObjects(rule.localCollection, incoming, meta, moved ? { watermark: { key, value: next } } : {});
        for (const result of results) counts[result.status === 'added' ? 'added' : 'duplicate'] += 1;
      }
      watermark = next;
      await deps.onPage?.(counts);
      if (deps.signal?.aborted === true) return counts;
    }
    // `more` is optional in TAXII 2.1 (§3.7): a server that caps its pages and leaves it out seems to end after one page.
    // So a walk that moved the watermark is followed by another from there, until one brings nothing new.
    if (watermark === walkedFrom) break;
  }
  return counts;
}

function toIncoming(object: StixObject, text: string | undefined, unmarked: StoredTlp): IncomingObject {
  return { object, json: text ?? JSON.stringify(object), tlp: tlpLevelOf(object.object_marking_refs) ?? unmarked };
}
