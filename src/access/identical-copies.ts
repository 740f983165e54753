import { isDeepStrictEqual } from 'node:util';
import type { Kysely } from 'kysely';
import type { StixObject } from '../stix/stix-object.js';
import type { AddResult, IncomingObject, ObjectStore } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import type { RequestOrigin } from './access-audit.js';
import { appendAudit } from './audit-log.js';
import type { StoredTlp } from './marking-policy.js';
import { withSharing } from './sharing-schema.js';

/**
 * Identical copies (issue 5): one object version may sit in two collections —
 * a collection holds what it was given, e.g. a version pulled from one partner
 * into one collection and pushed by another partner into a second. When an
 * organisation sends a version of an object another organisation first
 * published (which it may not version, STIX 2.1 §3.6) and that exact version
 * is held in another collection, the copy is stored — but with the held
 * version's visibility: its level, author, sharing group and RED recipients,
 * not the sender's. Its markings decide who sees it, as they do for the
 * original, so sending a copy into another collection never widens who sees
 * the object. A version whose content differs from the one held is no copy
 * and stays refused.
 */

/** The version held in another collection that a copy takes its visibility from (its earliest stored row). */
export interface HeldOriginal {
  readonly collectionId: string;
  readonly dateAdded: number;
  readonly authorOrg: string | null;
  readonly authorUser: string | null;
  readonly sharingGroup: string | null;
  readonly tlp: StoredTlp;
  /** The held version's JSON, parsed. */
  readonly object: unknown;
}

export interface CopyRequest {
  readonly id: string;
  /** Normalised, as `objects.version`. */
  readonly version: string;
}

const IDS_PER_STATEMENT = 500;

/** `id version` → the earliest stored row of that version in a collection other than `collectionId`. */
export async function heldElsewhere(
  db: Kysely<DatabaseSchema>,
  collectionId: string,
  requests: readonly CopyRequest[],
): Promise<Map<string, HeldOriginal>> {
  const wanted = new Set(requests.map(copyKey));
  const ids = [...new Set(requests.map((r) => r.id))];
  const found = new Map<string, HeldOriginal & { seq: number }>();
  for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
    const rows = await db
      .selectFrom('objects')
      .select(['seq', 'id', 'version', 'collection_id', 'date_added', 'author_org', 'author_user', 'sharing_group', 'tlp', 'json'])
      .where('id', 'in', ids.slice(start, start + IDS_PER_STATEMENT))
      .where('collection_id', '!=', collectionId)
      .execute();
    for (const row of rows) {
      const key = copyKey(row);
      if (!wanted.has(key) || (found.get(key)?.seq ?? Infinity) < row.seq) continue;
      found.set(key, {
        seq: row.seq,
        collectionId: row.collection_id,
        dateAdded: Number(row.date_added),
        authorOrg: row.author_org,
        authorUser: row.author_user,
        sharingGroup: row.sharing_group,
        tlp: row.tlp,
        object: JSON.parse(row.json) as unknown,
      });
    }
  }
  return new Map([...found].map(([key, { seq: _seq, ...original }]) => [key, original]));
}

export function copyKey(version: { readonly id: string; readonly version: string }): string {
  return `${version.id} ${version.version}`;
}

/** Whether `object` is the held version itself (same properties and values; spacing and key order aside). */
export function isIdentical(object: StixObject, original: HeldOriginal): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(object)) as unknown, original.object);
}

export interface Copy {
  /** Position in the objects given to publishObjects. */
  readonly index: number;
  readonly incoming: IncomingObject;
  readonly original: HeldOriginal;
}

/**
 * Stores identical copies into `collectionId` under their originals'
 * visibility (one write per author and sharing group), with the originals'
 * RED recipients, each write with its audit entry in its transaction.
 */
export async function storeCopies(
  store: ObjectStore,
  collectionId: string,
  publisher: { readonly orgId: string; readonly userId: string | null },
  copies: readonly Copy[],
  origin: RequestOrigin,
): Promise<{ index: number; result: AddResult }[]> {
  const byVisibility = new Map<string, Copy[]>();
  for (const copy of copies) {
    const { authorOrg, authorUser, sharingGroup } = copy.original;
    const key = JSON.stringify([authorOrg, authorUser, sharingGroup]);
    byVisibility.set(key, [...(byVisibility.get(key) ?? []), copy]);
  }
  const placed: { index: number; result: AddResult }[] = [];
  for (const batch of byVisibility.values()) {
    const { authorOrg, authorUser, sharingGroup } = (batch[0] as Copy).original;
    const results = await store.addObjects(
      collectionId,
      batch.map((copy) => ({ ...copy.incoming, tlp: copy.original.tlp })),
      { authorOrg, authorUser, sharingGroup },
      {
        afterInsert: async (trx, stored) => {
          await copyRecipients(trx, collectionId, batch, stored);
          await appendAudit(trx, {
            action: 'objects.add',
            actorUser: publisher.userId,
            actorOrg: publisher.orgId,
            target: collectionId,
            address: origin.address,
            path: origin.path,
            details: {
              copies: stored.filter((r) => r.status === 'added').map((r) => `${r.id}@${r.version}`),
              copiedFrom: [...new Set(batch.map((c) => c.original.collectionId))],
              duplicates: stored.filter((r) => r.status === 'duplicate').length,
            },
          });
        },
      },
    );
    results.forEach((result, i) => placed.push({ index: (batch[i] as Copy).index, result }));
  }
  return placed;
}

/** The RED recipients of each original, for the copy just stored (keyed by collection and date_added, as for any object). */
async function copyRecipients(trx: Kysely<DatabaseSchema>, collectionId: string, batch: readonly Copy[], stored: readonly AddResult[]): Promise<void> {
  const access = withSharing(trx);
  for (const [i, copy] of batch.entries()) {
    const result = stored[i];
    if (result?.status !== 'added' || copy.original.tlp !== 'red') continue;
    const recipients = await access
      .selectFrom('object_recipients')
      .select(['recipient_kind', 'recipient_id'])
      .where('collection_id', '=', copy.original.collectionId)
      .where('date_added', '=', copy.original.dateAdded)
      .execute();
    if (recipients.length === 0) continue;
    await access
      .insertInto('object_recipients')
      .values(recipients.map((r) => ({ collection_id: collectionId, date_added: result.dateAdded, ...r })))
      .execute();
  }
}
