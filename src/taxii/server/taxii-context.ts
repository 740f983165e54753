import type { Authenticator, CollectionPermissions, Principal } from '../../access/principal.js';
import type { AccessAudit } from '../../access/access-audit.js';
import type { DeletionRights } from '../../access/deletion-rights.js';
import type { ObjectPublisher } from '../../access/publication.js';
import type { ObjectStore, ReadScope } from '../../store/object-store.js';

/** The settings the TAXII endpoints read (a subset of the application settings). */
export interface TaxiiServerSettings {
  /** Discovery title (TAXII 2.1 §4.1.1). */
  readonly title: string;
  readonly apiRootTitle: string;
  readonly apiRootDescription: string;
  /** Base URL partners use, when it differs from the address requests arrive on. */
  readonly publicUrl?: string | undefined;
  readonly maxBodyBytes: number;
  readonly maxObjectsPerEnvelope: number;
  readonly maxJsonDepth: number;
  readonly maxPageSize: number;
  readonly defaultPageSize: number;
}

/** Everything a TAXII endpoint depends on, passed in once when routes are registered. */
export interface TaxiiContext {
  readonly settings: TaxiiServerSettings;
  readonly store: ObjectStore;
  readonly authenticator: Authenticator;
  /** The one collection-level access decision (access/permissions.ts). */
  readonly permissions: (principal: Principal, collectionId: string) => Promise<CollectionPermissions>;
  /** What of a collection this principal may see, applied inside the store's SQL. */
  readonly readScope: (principal: Principal) => ReadScope;
  /**
   * Writes Add Objects under the sharing rules (access/publication.ts). Absent:
   * objects go straight to the store with the principal's organisation as author.
   */
  readonly publish?: ObjectPublisher;
  /** Who may delete which visible versions (access/deletion-rights.ts). Absent: whoever may write the collection. */
  readonly deletionRights?: DeletionRights;
  /** The audit trail (access/access-audit.ts): deletions and reads of marked objects. Absent: nothing recorded. */
  readonly audit?: AccessAudit;
}

/** The one API root this server has (TAXII 2.1 §1.6.2), relative to the server's base URL. */
export const API_ROOT_PATH = '/api/v21/';
/** TAXII 2.1 §4.1 Server Discovery. */
export const DISCOVERY_PATH = '/taxii2/';
