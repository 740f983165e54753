import type { StixObject } from '../stix/stix-object.js';
import type { IncomingObject, WriteMeta } from './object-store.js';
import type { ObjectsTable, TlpLevel } from './schema.js';
import { microsToTimestamp, normaliseTimestamp } from './timestamps.js';

/** A row before the server has given it a `date_added`. */
export interface PendingRow {
  readonly id: string;
  readonly type: string;
  readonly specVersion: string;
  /** Normalised version, or undefined when the object has neither modified nor created. */
  readonly version: string | undefined;
  readonly versionRaw: string | undefined;
  readonly created: string | null;
  readonly modified: string | null;
  readonly json: string;
  readonly tlp: TlpLevel;
}

/**
 * The spec_version an object is written in: its own property, else 2.1 for an
 * object with neither created nor modified (a STIX 2.1 SCO), else 2.0 (as the
 * OASIS reference server decides it).
 */
export function specVersionOf(object: StixObject): string {
  if (typeof object.spec_version === 'string') return object.spec_version;
  return object.created === undefined && object.modified === undefined ? '2.1' : '2.0';
}

/** TAXII 2.1 §3.4.1 / §5.3: the version is `modified`, else `created`, else the date it was added. */
export function pendingRow(incoming: IncomingObject): PendingRow {
  const { object } = incoming;
  const created = typeof object.created === 'string' ? object.created : null;
  const modified = typeof object.modified === 'string' ? object.modified : null;
  const versionRaw = modified ?? created ?? undefined;
  return {
    id: object.id,
    type: object.type,
    specVersion: specVersionOf(object),
    version: versionRaw === undefined ? undefined : normaliseTimestamp(versionRaw, `version of ${object.id}`),
    versionRaw,
    created,
    modified,
    json: incoming.json,
    tlp: incoming.tlp ?? 'none',
  };
}

export function mediaTypeOf(specVersion: string): string {
  return `application/stix+json;version=${specVersion}`;
}

export function toInsertRow(
  row: PendingRow,
  collectionId: string,
  dateAdded: number,
  meta: WriteMeta,
  multiVersion: boolean,
): Omit<ObjectsTable, 'seq'> {
  // Only an object with neither modified nor created takes its date_added as version.
  const fallback = row.version === undefined ? microsToTimestamp(dateAdded) : '';
  return {
    collection_id: collectionId,
    id: row.id,
    type: row.type,
    spec_version: row.specVersion,
    version: row.version ?? fallback,
    version_raw: row.versionRaw ?? fallback,
    created: row.created,
    modified: row.modified,
    date_added: dateAdded,
    json: row.json,
    author_org: meta.authorOrg,
    author_user: meta.authorUser,
    partner: meta.partner ?? null,
    sharing_group: meta.sharingGroup ?? null,
    tlp: row.tlp,
    media_type: mediaTypeOf(row.specVersion),
    multi_version: multiVersion ? 1 : 0,
  };
}
