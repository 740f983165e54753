import { markingLevels, type StoredMarkings } from '../access/marking-resolution.js';
import { EntenteError } from '../errors.js';
import type { StixObject } from '../stix/stix-object.js';
import { validateObject } from '../stix/validate.js';
import type { IncomingObject, ObjectStore } from '../store/object-store.js';
import type { TlpLevel as StoredTlp } from '../store/schema.js';
import type { Envelope, ObjectFilter, TaxiiClient } from '../taxii/client/index.js';
import { isLater, justBefore } from './added-after.js';
import { watermarkKey, type Partner, type PartnerRule } from './partners.js';
import { passesFilters } from './rule-filter.js';

/** What one pull of one rule did. */
export interface PullCounts {
  pages: number;
  /** Objects the partner sent (each once: see `refetched`). */
  received: number;
  /** Versions stored now. */
  added: number;
  /** Versions already held here (not stored again). */
  duplicate: number;
  /** Not valid STIX 2.1: not stored. */
  rejected: number;
  /** Valid, but excluded by the rule's filters. */
  filtered: number;
  /**
   * Sent again because a page is asked from just before the timestamp the
   * previous one ended at (or, for a run's first page, the watermark): already
   * on that page or held here, so not stored and not in `received`.
   */
  refetched: number;
  /**
   * Pages of a server without `next` that were one `date_added` and as full as
   * its pages get: objects beyond them with that same `date_added` cannot be
   * asked for (added_after alone cannot reach them) and may be missing.
   */
  overfull: number;
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
   * The stored marking-definitions that count for the partner's objects
   * (access/marking-resolution.ts `storedMarkings` for its organisation).
   * Without it, only the statement markings of the same page are known.
   */
  readonly storedMarkings?: StoredMarkings;
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
  return { pages: 0, received: 0, added: 0, duplicate: 0, rejected: 0, filtered: 0, refetched: 0, overfull: 0 };
}

/**
 * Pulls one rule incrementally (TAXII 2.1 §5.4 Get Objects, every version)
 * and stores each page together with the watermark that follows it in ONE
 * transaction, so a crash at any point resumes after the last stored page:
 * nothing is lost, and what is fetched again is a duplicate, never stored
 * twice. Objects keep their JSON text as received; the partner that
 * delivered them is recorded beside them (`partner`), not in them.
 *
 * Paging, for any TAXII 2.1 server (README "Federation", Incremental):
 * - the watermark is the last `date_added` of the stored pages
 *   (`X-TAXII-Date-Added-Last`, §3.4.2);
 * - `next` is followed while the server gives it;
 * - otherwise the next page is asked `added_after` one unit of that
 *   timestamp's own precision before it, because a server may give several
 *   objects the same `date_added` and end a page in the middle of them: they
 *   come again, and the ones already on the previous page are skipped
 *   (`refetched`); a run also starts there, from its stored watermark (what
 *   its first page brings that is held already is `refetched` too);
 * - a page whose last timestamp did not move on is made of that one
 *   timestamp: the next is asked `added_after` the timestamp itself, and a
 *   page asked that way that does not move on (a server ignoring
 *   `added_after`) or an empty page ends the run. Every request thus moves the
 *   timestamp forward or ends, so the pull cannot loop.
 * - A timestamp shared by more objects than one page of the server holds
 *   cannot be read past its first page without `next`; such pages are
 *   counted in `overfull`.
 * `more` decides nothing: it is optional (§3.7) and some servers leave it out.
 * Where to go next depends on a page alone, so the next page is asked before
 * this one is stored: the partner prepares it meanwhile.
 */
export async function pullRule(deps: PullDeps, partner: Partner, rule: PartnerRule, source: PullSource): Promise<PullCounts> {
  if (rule.direction !== 'pull') throw new EntenteError('invalid_input', `Rule ${rule.id} of partner ${partner.name} is not a pull rule`);
  const key = watermarkKey(rule.id);
  let watermark = await deps.store.getWatermark(key);
  const limit = deps.pageSize ?? 1000;
  const filter: ObjectFilter = { version: 'all', limit, ...(rule.filters.types.length > 0 ? { type: rule.filters.types } : {}) };
  const meta = { authorOrg: partner.orgIds[0] ?? null, authorUser: null, partner: partner.id, sharingGroup: deps.receivedGroup ?? null };
  const counts = emptyCounts();
  const resumed = watermark !== undefined;
  let ask: Ask = watermark === undefined ? { filter: {}, exact: false } : askFrom(watermark);
  let previousTexts = new Set<string>();
  let fullest = 0;
  const fetchPage = (next: Ask): Promise<Envelope<StixObject>> => {
    const pending = deps.client.getObjects(source.apiRootUrl, source.collectionId, { ...filter, ...next.filter });
    // Asked while the page before is stored; its failure surfaces when awaited (never if the pull stops first).
    pending.catch(() => undefined);
    return pending;
  };
  let pending: Promise<Envelope<StixObject>> | undefined = fetchPage(ask);
  while (pending !== undefined) {
    const page = await pending;
    counts.pages += 1;
    const texts = page.items.map((item, index) => page.texts?.[index] ?? JSON.stringify(item));
    const valid: { object: StixObject; json: string }[] = [];
    page.items.forEach((item, index) => {
      const text = texts[index] ?? '';
      if (previousTexts.has(text)) {
        counts.refetched += 1;
        return;
      }
      counts.received += 1;
      if (validateObject(item).length > 0) counts.rejected += 1;
      else valid.push({ object: item, json: text });
    });
    // Resolved before the rule's filters, so that a `markings` filter judges the level the object is stored with.
    const unmarked = deps.unmarkedTlp ?? 'none';
    const levels = await markingLevels(valid.map(({ object }) => object), deps.storedMarkings, () => unmarked);
    const incoming: IncomingObject[] = [];
    valid.forEach(({ object, json }, i) => {
      const level = levels[i];
      if (passesFilters(object, rule.filters, level ?? 'none')) incoming.push({ object, json, tlp: level ?? unmarked });
      else counts.filtered += 1;
    });
    const last = page.dateAddedLast;
    const moved = last !== undefined && (watermark === undefined || isLater(last, watermark));
    const step = following(page, ask, { watermark, moved, limit, fullestBefore: fullest }, source.collectionId);
    fullest = Math.max(fullest, page.items.length);
    if (step.overfull) counts.overfull += 1;
    // What comes next depends on this page alone: asked now, the partner prepares it while this page is stored.
    pending = step.ask === undefined ? undefined : fetchPage(step.ask);
    if (incoming.length > 0 || moved) {
      const results = await deps.store.addObjects(rule.localCollection, incoming, meta, moved ? { watermark: { key, value: last } } : {});
      for (const result of results) {
        if (result.status === 'added') counts.added += 1;
        else if (counts.pages === 1 && resumed) {
          // The run's first page re-reads the objects at the watermark's own timestamp, held since the last run.
          counts.received -= 1;
          counts.refetched += 1;
        } else counts.duplicate += 1;
      }
    }
    if (moved) watermark = last;
    previousTexts = new Set(texts);
    await deps.onPage?.(counts);
    if (deps.signal?.aborted === true) return counts;
    if (step.problem !== undefined) throw step.problem;
    if (step.ask !== undefined) ask = step.ask;
  }
  return counts;
}

interface Step {
  /** The request after this page; none when the run ends. */
  readonly ask?: Ask;
  /** The page was one date_added that filled the server's page (PullCounts.overfull). */
  readonly overfull: boolean;
  /** The server cannot be paged past this page (thrown once the page is stored). */
  readonly problem?: EntenteError;
}

/** Where to go after `page` (asked with `ask`): the paging rule of pullRule. */
function following(
  page: Envelope<StixObject>,
  ask: Ask,
  at: { readonly watermark: string | undefined; readonly moved: boolean; readonly limit: number; readonly fullestBefore: number },
  collectionId: string,
): Step {
  if (page.more && page.next !== undefined && page.next !== '') {
    if (page.next === ask.filter.next) {
      return { overfull: false, problem: new EntenteError('remote_error', `Collection ${collectionId}: the server repeated the same next cursor`, { next: page.next }) };
    }
    return { ask: { filter: { ...ask.filter, next: page.next }, exact: ask.exact }, overfull: false };
  }
  const last = page.dateAddedLast;
  if (page.items.length === 0) return { overfull: false };
  if (last === undefined) {
    if (!page.more) return { overfull: false };
    return {
      overfull: false,
      problem: new EntenteError('remote_error', `Collection ${collectionId}: the server says more objects follow but gives neither next nor X-TAXII-Date-Added-Last`),
    };
  }
  if (at.moved) return { ask: askFrom(last), overfull: false };
  if (ask.exact || at.watermark === undefined) return { overfull: false };
  // Asked from just before the watermark, the page is that one timestamp: step past it.
  const oneTimestamp = page.dateAddedFirst === undefined || page.dateAddedFirst === last;
  const full = page.more || page.items.length >= at.limit || (at.fullestBefore > 0 && page.items.length >= at.fullestBefore);
  return { ask: { filter: { addedAfter: at.watermark }, exact: true }, overfull: oneTimestamp && full };
}

/** The next request's paging parameters; `exact` when `added_after` is the watermark itself rather than just before it. */
interface Ask {
  readonly filter: Pick<ObjectFilter, 'addedAfter' | 'next'>;
  readonly exact: boolean;
}

/** Asks from just before `timestamp`, so objects added at that same timestamp come (again). */
function askFrom(timestamp: string): Ask {
  const before = justBefore(timestamp);
  return before === undefined ? { filter: { addedAfter: timestamp }, exact: true } : { filter: { addedAfter: before }, exact: false };
}
