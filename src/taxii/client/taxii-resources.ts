/** The TAXII 2.1 media type (TAXII 2.1 §1.6.8) sent in Accept and Content-Type. */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';

/** TAXII 2.1 §4.1.1 discovery resource. */
export interface DiscoveryResource {
  readonly title: string;
  readonly description?: string;
  readonly contact?: string;
  readonly default?: string;
  readonly api_roots?: readonly string[];
}

/** TAXII 2.1 §4.2.1 api-root resource. */
export interface ApiRootResource {
  readonly title: string;
  readonly description?: string;
  readonly versions: readonly string[];
  readonly max_content_length: number;
}

/** TAXII 2.1 §5.2.1 collection resource. */
export interface CollectionResource {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly alias?: string;
  readonly can_read: boolean;
  readonly can_write: boolean;
  readonly media_types?: readonly string[];
}

/** TAXII 2.1 §5.3.1 manifest-record. */
export interface ManifestRecordResource {
  readonly id: string;
  readonly date_added: string;
  readonly version: string;
  readonly media_type?: string;
}

/** TAXII 2.1 §3.7 envelope, with the paging headers that came with it. */
export interface Envelope<T> {
  readonly more: boolean;
  readonly next?: string;
  readonly items: readonly T[];
  /** For object pages: each item's JSON text exactly as the server sent it, in the order of `items`. */
  readonly texts?: readonly string[];
  /** `X-TAXII-Date-Added-First` of the answer, when sent. */
  readonly dateAddedFirst?: string;
  /** `X-TAXII-Date-Added-Last` of the answer, when sent. */
  readonly dateAddedLast?: string;
}

/** TAXII 2.1 §4.3.1 status-details. */
export interface StatusDetailResource {
  readonly id: string;
  readonly version: string;
  readonly message?: string;
}

/** TAXII 2.1 §4.3.1 status resource. */
export interface StatusResource {
  readonly id: string;
  readonly status: 'complete' | 'pending';
  readonly request_timestamp?: string;
  readonly total_count: number;
  readonly success_count: number;
  readonly successes?: readonly StatusDetailResource[];
  readonly failure_count: number;
  readonly failures?: readonly StatusDetailResource[];
  readonly pending_count: number;
  readonly pendings?: readonly StatusDetailResource[];
}

/** TAXII 2.1 §3.6 error message, as a remote server sent it. */
export interface TaxiiErrorResource {
  readonly title: string;
  readonly description?: string;
  readonly error_id?: string;
  readonly error_code?: string;
  readonly http_status?: string | number;
  readonly external_details?: string;
  readonly details?: Record<string, unknown>;
}

/**
 * URL filters (TAXII 2.1 §3.4): `added_after`, `limit`, `next` and the
 * `match[…]` fields. A list is sent comma-separated (an OR, §3.4.1).
 */
export interface ObjectFilter {
  readonly addedAfter?: string;
  readonly limit?: number;
  readonly next?: string;
  readonly id?: string | readonly string[];
  readonly type?: string | readonly string[];
  /** `last`, `first`, `all` or a version timestamp. */
  readonly version?: string | readonly string[];
  readonly specVersion?: string | readonly string[];
}
