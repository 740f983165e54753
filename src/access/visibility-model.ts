import type { ManifestRecord, Page, VersionSelector } from '../store/object-store.js';
import { canSee, type StoredTlp, type Viewer } from './marking-policy.js';

/**
 * Test support: what every read path must return for a viewer, computed from
 * the pure policy (marking-policy.ts) over an in-memory copy of the rows.
 * The property suites compare the store's SQL answers with it.
 */
export interface ModelRow {
  readonly id: string;
  readonly type: string;
  /** As written (`modified`); fixed-width, so it sorts as text. */
  readonly version: string;
  readonly dateAdded: number;
  readonly tlp: StoredTlp;
  readonly authorOrg: string | null;
  readonly sharingGroup: string | null;
  readonly recipientUsers: ReadonlySet<string>;
  readonly recipientOrgs: ReadonlySet<string>;
}

export interface ModelQuery {
  readonly addedAfter?: number;
  readonly ids?: readonly string[];
  readonly types?: readonly string[];
  readonly versions: readonly VersionSelector[];
}

export function visibleTo(rows: readonly ModelRow[], viewer: Viewer): ModelRow[] {
  return rows.filter((row) => canSee(viewer, row));
}

/**
 * TAXII 2.1 §3.4 over the visible rows: `first`/`last` compare a row with the
 * visible versions of its object added after `addedAfter` (as the store reads
 * the specification), then the other filters; date_added order.
 */
export function expectedRows(visible: readonly ModelRow[], query: ModelQuery): ModelRow[] {
  const inWindow = visible.filter((row) => query.addedAfter === undefined || row.dateAdded > query.addedAfter);
  const selectors = query.versions.length > 0 ? query.versions : [{ kind: 'last' } as const];
  const chosen = inWindow.filter((row) => {
    const peers = inWindow.filter((peer) => peer.id === row.id).map((peer) => peer.version);
    return selectors.some((selector) => {
      switch (selector.kind) {
        case 'all':
          return true;
        case 'last':
          return peers.every((version) => version <= row.version);
        case 'first':
          return peers.every((version) => version >= row.version);
        case 'at':
          return row.version === selector.version;
      }
    });
  });
  return chosen
    .filter((row) => !query.ids || query.ids.length === 0 || query.ids.includes(row.id))
    .filter((row) => !query.types || query.types.length === 0 || query.types.includes(row.type))
    .sort((a, b) => a.dateAdded - b.dateAdded);
}

/** A page as the store must answer it: `limit` rows from `offset`, `more` and the date headers over visible rows only. */
export function expectedPage(rows: readonly ModelRow[], offset: number, limit: number): Page<{ id: string; version: string; dateAdded: number }> {
  const items = rows.slice(offset, offset + limit).map((row) => ({ id: row.id, version: row.version, dateAdded: row.dateAdded }));
  const first = items[0];
  const last = items[items.length - 1];
  return {
    items,
    more: rows.length > offset + limit,
    ...(first ? { firstAdded: first.dateAdded } : {}),
    ...(last ? { lastAdded: last.dateAdded } : {}),
  };
}

/** The parts of a store page the model predicts (the cursor itself is opaque). */
export function comparablePage(page: Page<ManifestRecord>): Page<{ id: string; version: string; dateAdded: number }> {
  return {
    items: page.items.map((item) => ({ id: item.id, version: item.version, dateAdded: item.dateAdded })),
    more: page.more,
    ...(page.firstAdded === undefined ? {} : { firstAdded: page.firstAdded }),
    ...(page.lastAdded === undefined ? {} : { lastAdded: page.lastAdded }),
  };
}
