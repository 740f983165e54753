import type { Transaction } from 'kysely';
import type { StixObject } from '../stix/stix-object.js';
import type { DatabaseSchema, TlpLevel } from './schema.js';

/**
 * The one storage contract. SQLite (default) and PostgreSQL implement it through
 * the same Kysely query layer (`open-store.ts` opens either); `contract-suite.ts`
 * is the one test suite, run on both by `sqlite.test.ts` and `postgres.test.ts`.
 *
 * Timestamps the server assigns (`dateAdded`) are integer microseconds since the
 * Unix epoch: unique and strictly increasing per collection, so keyset paging on
 * them never skips or repeats an object.
 */
export interface ObjectStore {
  /** Runs pending schema migrations; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  createCollection(input: NewCollection): Promise<Collection>;
  getCollection(id: string): Promise<Collection | undefined>;
  listCollections(): Promise<Collection[]>;

  /**
   * Adds objects in one transaction. A version already held (same id and
   * version) is reported as `duplicate` and not stored again. With
   * `options.watermark`, the key is set to the value in that same
   * transaction: a resume point never ahead of, nor behind, what is stored.
   */
  addObjects(collectionId: string, objects: readonly IncomingObject[], meta: WriteMeta, options?: AddOptions): Promise<AddResult[]>;
  /** The value `addObjects` last wrote for a watermark key. */
  getWatermark(key: string): Promise<string | undefined>;

  /** TAXII 2.1 §5.4 Get Objects: one page of object rows, filtered in SQL. */
  queryObjects(collectionId: string, query: ObjectQuery, scope: ReadScope): Promise<Page<StoredObject>>;
  /**
   * As queryObjects, with only what an object page sends (the JSON and
   * date_added): reading the manifest columns too doubled a page's query cost.
   */
  queryObjectTexts(collectionId: string, query: ObjectQuery, scope: ReadScope): Promise<Page<ObjectText>>;
  /**
   * As queryObjectTexts, as Get Objects sends a page: the texts in order and
   * the audit labels of the marked ones, without an item per object. On
   * PostgreSQL the server joins the texts itself (read-pages.ts).
   */
  queryJoinedTexts(collectionId: string, query: ObjectQuery, scope: ReadScope): Promise<JoinedTextPage>;
  /** TAXII 2.1 §5.3 Get Object Manifests: as queryObjects, without the JSON. */
  queryManifest(collectionId: string, query: ObjectQuery, scope: ReadScope): Promise<Page<ManifestRecord>>;
  /** TAXII 2.1 §5.8 Get Object Versions: the versions of one object, oldest first. */
  queryVersions(collectionId: string, objectId: string, query: ObjectQuery, scope: ReadScope): Promise<Page<ManifestRecord>>;
  /**
   * TAXII 2.1 §5.7 Delete An Object: removes the versions that `versions` and
   * `specVersions` select, exactly as queryObjects would select them (an empty
   * `versions` means `last`; absent `specVersions` means the latest
   * spec_version only); returns how many.
   */
  deleteObject(
    collectionId: string,
    objectId: string,
    versions: readonly VersionSelector[],
    specVersions?: readonly string[],
  ): Promise<number>;
  countObjects(collectionId?: string): Promise<number>;

  createStatus(status: NewStatus): Promise<StatusRecord>;
  getStatus(id: string): Promise<StatusRecord | undefined>;
}

export interface NewCollection {
  readonly id?: string;
  readonly title: string;
  readonly description?: string;
  readonly alias?: string;
}

export interface Collection {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly alias: string | null;
  readonly createdAt: number;
}

export interface IncomingObject {
  /**
   * The parsed object. `entente import` gives only what a write reads of it (cli/import-batches.ts
   * `ObjectHead`: type, id, spec_version, created, modified, the entente-sharing extension) and `tlp`;
   * anything else is read from `json`.
   */
  readonly object: StixObject;
  /** The object's JSON text, stored and served exactly as given. */
  readonly json: string;
  /** The effective TLP level the writer computed from the object's markings; `none` when absent. */
  readonly tlp?: TlpLevel;
}

/** What the platform knows about a write; stored beside the object, never in it. */
export interface WriteMeta {
  readonly authorOrg: string | null;
  readonly authorUser: string | null;
  readonly partner?: string | null;
  readonly sharingGroup?: string | null;
}

export interface AddOptions {
  readonly watermark?: { readonly key: string; readonly value: string };
  /**
   * Runs in the write's transaction once the collection's write lock is held,
   * before any row is stored; says which positions of `objects` to leave out
   * (they get no result). For checks another writer must not race past
   * (access/publication.ts: who first published an id). Throwing rolls back.
   */
  readonly beforeInsert?: (trx: Transaction<DatabaseSchema>) => Promise<BeforeInsertVerdict>;
  /** Runs in the same transaction after the rows are stored, with their results; throwing rolls the write back. */
  readonly afterInsert?: (trx: Transaction<DatabaseSchema>, results: readonly AddResult[]) => Promise<void>;
}

export interface BeforeInsertVerdict {
  /** Positions of the objects not to store. */
  readonly skip: ReadonlySet<number>;
  /**
   * When the check has already read them under the write lock: for each id
   * of the objects kept, normalised version → date_added of every version the
   * collection holds (ids holding none may be absent). The store then does
   * not read them again.
   */
  readonly held?: HeldVersions;
}

/** id → (normalised version → date_added) of the versions one collection holds. */
export type HeldVersions = ReadonlyMap<string, ReadonlyMap<string, number>>;

export interface AddResult {
  readonly id: string;
  readonly version: string;
  readonly status: 'added' | 'duplicate';
  readonly dateAdded: number;
}

/**
 * `match[version]` selectors (TAXII 2.1 §3.4.1): `last` (the default),
 * `first`, `all`, or an exact version timestamp.
 */
export type VersionSelector =
  | { readonly kind: 'last' }
  | { readonly kind: 'first' }
  | { readonly kind: 'all' }
  | { readonly kind: 'at'; readonly version: string };

export interface ObjectQuery {
  /** Only rows added strictly after this time (microseconds). */
  readonly addedAfter?: number;
  readonly ids?: readonly string[];
  readonly types?: readonly string[];
  /** Empty or absent means `last`. */
  readonly versions?: readonly VersionSelector[];
  readonly specVersions?: readonly string[];
  /** Already clamped by the caller to the configured maximum. */
  readonly limit: number;
  /** Opaque cursor from a previous page's `next`. */
  readonly next?: string;
}

/**
 * Who is reading, as the store needs it to filter rows inside SQL. Built by
 * `access/` from the authenticated principal; the store never decides policy.
 * `all`: every row (the instance operator's own tools). `viewer`: the rows
 * access/marking-policy.ts lets this user see; the sharing groups of `orgId`
 * are read inside the same query (store/visibility-sql.ts), so a membership
 * change applies to the very next query on every server.
 */
export type ReadScope =
  | { readonly kind: 'all' }
  | {
      readonly kind: 'viewer';
      readonly userId: string;
      readonly orgId: string;
      /** Sees TLP:GREEN (this instance's organisations and connected partners). */
      readonly community: boolean;
    }
  | {
      /**
       * What may be sent to a partner (access/partner-scope.ts): CLEAR, GREEN,
       * and AMBER shared with a group one of `orgIds` belongs to — never by
       * authorship or as a RED recipient.
       */
      readonly kind: 'partner';
      readonly orgIds: readonly string[];
    };

export interface ManifestRecord {
  readonly id: string;
  readonly type: string;
  readonly version: string;
  readonly specVersion: string;
  readonly dateAdded: number;
  readonly mediaType: string;
  /** Set by page queries: `id@version level` when reads of this version are audited (store/audited-reads.ts), else null. */
  readonly auditLabel?: string | null;
}

export interface StoredObject extends ManifestRecord {
  readonly json: string;
}

/** An object as a page of objects serves it: its stored JSON and when it was added. */
export interface ObjectText {
  readonly json: string;
  readonly dateAdded: number;
  /** `id@version level` when reads of this version are audited (store/audited-reads.ts), else null. */
  readonly auditLabel: string | null;
}

/** A page of object texts as Get Objects serves it (ObjectStore.queryJoinedTexts). */
export interface JoinedTextPage extends Omit<Page<never>, 'items'> {
  /** How many objects the page serves. */
  readonly count: number;
  /** The served objects' JSON texts in `date_added` order, as pieces to join with commas (one piece on PostgreSQL). */
  readonly texts: readonly string[];
  /** The audit labels (ObjectText.auditLabel) of the served objects whose reads are audited, in order. */
  readonly auditLabels: readonly string[];
}

export interface Page<T> {
  readonly items: T[];
  readonly more: boolean;
  /** Opaque cursor for the following page; present only when `more`. */
  readonly next?: string;
  /** `dateAdded` of the first and last item of this page (TAXII date headers). */
  readonly firstAdded?: number;
  readonly lastAdded?: number;
}

export interface NewStatus {
  readonly collectionId: string;
  readonly requestTimestamp: number;
  readonly successes: readonly StatusDetail[];
  readonly failures: readonly StatusDetail[];
  readonly pendings: readonly StatusDetail[];
  /** Who made the request; the TAXII server shows the status to that organisation only. */
  readonly owner?: StatusOwner;
}

export interface StatusOwner {
  readonly userId: string | null;
  readonly orgId: string;
}

/** TAXII 2.1 §4.3.1 status-details. */
export interface StatusDetail {
  readonly id: string;
  readonly version: string;
  readonly message?: string;
}

export interface StatusRecord extends NewStatus {
  readonly id: string;
  readonly status: 'complete' | 'pending';
}
