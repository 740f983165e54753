import type { Generated } from 'kysely';

/**
 * The database as Kysely sees it, identical on SQLite and PostgreSQL.
 *
 * Conventions that hold on both dialects:
 * - times the server assigns (`*_at`, `date_added`, `last_added`,
 *   `request_timestamp`) are integer microseconds since the Unix epoch, read
 *   back as JS numbers (PostgreSQL int8 is parsed as number; values stay below
 *   2^53);
 * - booleans are integers 0/1 (SQLite has no boolean type);
 * - JSON is text, kept exactly as written.
 */
export interface DatabaseSchema {
  collections: CollectionsTable;
  objects: ObjectsTable;
  statuses: StatusesTable;
  organizations: OrganizationsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  collection_grants: CollectionGrantsTable;
  watermarks: WatermarksTable;
}

export interface CollectionsTable {
  id: string;
  title: string;
  description: string | null;
  alias: string | null;
  created_at: number;
  /** The last `date_added` handed out in this collection (µs), so the next is strictly greater. */
  last_added: number;
}

/** The effective TLP level of an object, computed by the writer. */
export type TlpLevel = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red' | 'unknown' | 'none';

export interface ObjectsTable {
  seq: Generated<number>;
  collection_id: string;
  id: string;
  type: string;
  spec_version: string;
  /** Normalised fixed-width timestamp `YYYY-MM-DDTHH:MM:SS.ffffffZ`, so it sorts as text. */
  version: string;
  /** The version as the object wrote it (or the date_added rendered, when it has neither modified nor created). */
  version_raw: string;
  created: string | null;
  modified: string | null;
  date_added: number;
  /** The object's JSON text exactly as given; never re-serialised. */
  json: string;
  author_org: string | null;
  author_user: string | null;
  partner: string | null;
  sharing_group: string | null;
  tlp: TlpLevel;
  media_type: string;
  /**
   * 1 once the object has had more than one version in this collection (0 or
   * 1). While 0 the row is its object's only version, so readers skip the
   * first/last version probes for it.
   */
  multi_version: number;
}

export interface StatusesTable {
  id: string;
  collection_id: string;
  request_timestamp: number;
  status: 'complete' | 'pending';
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  /** JSON text: StatusDetail[] */
  successes: string;
  failures: string;
  pendings: string;
  /** Who made the request (migration 0800); null on statuses written before it. */
  owner_user: string | null;
  owner_org: string | null;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  identity_id: string;
  default_tlp: Generated<string>;
  created_at: number;
}

export interface UsersTable {
  id: string;
  org_id: string;
  username: string;
  role: 'reader' | 'contributor' | 'admin';
  password_hash: string;
  created_at: number;
  /** 0 or 1 */
  disabled: Generated<number>;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  token_hash: string;
  prefix: string;
  scope: 'read' | 'read-write';
  label: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface CollectionGrantsTable {
  collection_id: string;
  org_id: string;
  /** 0 or 1 */
  can_read: number;
  /** 0 or 1 */
  can_write: number;
}

/**
 * Resume points written in the same transaction as the objects they cover
 * (`addObjects` with a watermark), so that after a crash a reader of the key
 * knows exactly what has been stored. Federation keys them by pull rule.
 */
export interface WatermarksTable {
  key: string;
  value: string;
  updated_at: number;
}
