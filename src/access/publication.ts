import type { Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import { tlpLevelOf } from '../stix/tlp.js';
import type { AddResult, IncomingObject, ObjectStore } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import type { RequestOrigin } from './access-audit.js';
import { appendAudit } from './audit-log.js';
import { effectiveTlp, isLooserLevel, type StoredTlp } from './marking-policy.js';
import { getOrganization } from './organizations.js';
import { readSharingRequest, type SharingRequest } from './sharing-extension.js';
import { groupIdsOfOrganization } from './sharing-groups.js';
import { withSharing } from './sharing-schema.js';

/** Who publishes: an organisation, and the user acting for it (none for an operator's import). */
export interface Publisher {
  readonly orgId: string;
  readonly userId: string | null;
}

export interface PublishFailure {
  /** Position in the objects given. */
  readonly index: number;
  readonly id: string;
  readonly version: string;
  readonly message: string;
}

export interface PublishOutcome {
  /** One per object stored or already held, in the order given. */
  readonly results: AddResult[];
  readonly failures: PublishFailure[];
}

interface Planned {
  readonly index: number;
  readonly incoming: IncomingObject;
  readonly recipientUsers: readonly string[];
  readonly recipientOrgs: readonly string[];
}

const IDS_PER_STATEMENT = 500;

/**
 * Writes objects as `publisher` under the sharing rules (issue 4), for TAXII
 * Add Objects (§5.5) and `entente import` alike:
 *
 * - the effective TLP level is the objects' markings, or the organisation's
 *   default when they carry none, decided now so that every row has a level;
 * - an object goes to the sharing group its entente-sharing extension names,
 *   which the publisher's organisation must belong to (a group it is not in
 *   answers exactly like a group that does not exist);
 * - RED recipients must exist, and are allowed on TLP:RED objects only;
 * - only the organisation that first published an id (in any collection) may
 *   publish new versions of it (STIX 2.1 §3.6: only the creator versions an
 *   object), so nobody else can re-publish it to a wider audience; the author
 *   may tighten or loosen its own objects.
 *
 * Objects refused are reported, each saying why; the others are stored, one
 * transaction per sharing group. The attempt is then recorded in the audit
 * log: what was added, refused, and which objects their author published
 * with a looser level than their previous version.
 */
export async function publishObjects(
  db: Kysely<DatabaseSchema>,
  store: ObjectStore,
  collectionId: string,
  publisher: Publisher,
  objects: readonly IncomingObject[],
  origin: RequestOrigin,
): Promise<PublishOutcome> {
  const org = await getOrganization(db, publisher.orgId);
  if (org === undefined) throw new EntenteError('not_found', `No organisation with id ${publisher.orgId}`);
  const requests = objects.map((incoming) => readSharingRequest(incoming.object));
  const wanted = requests.flatMap((r) => ('problem' in r ? [] : [r]));
  const [memberOf, orgIds, userIds, held] = await Promise.all([
    groupIdsOfOrganization(db, publisher.orgId).then((ids) => new Set(ids)),
    orgIdsByIdentity(db, wanted.flatMap((r) => r.recipientOrgRefs)),
    userIdsByName(db, wanted.flatMap((r) => r.recipientUsernames)),
    heldVersions(db, objects.map((incoming) => incoming.object.id)),
  ]);

  const failures: PublishFailure[] = [];
  const byGroup = new Map<string | null, Planned[]>();
  const loosened: string[] = [];
  objects.forEach((incoming, index) => {
    const fail = (message: string) => failures.push({ index, id: incoming.object.id, version: versionOf(incoming), message });
    const request = requests[index] as SharingRequest | { problem: string };
    if ('problem' in request) return fail(`${incoming.object.id}: ${request.problem}`);
    const before = held.get(incoming.object.id);
    const otherAuthor = before !== undefined && [...before.authors].some((author) => author !== publisher.orgId);
    if (otherAuthor) {
      return fail(
        `${incoming.object.id} was first published by another organisation; only it publishes new versions (STIX 2.1 §3.6). Publish your own object with a new id`,
      );
    }
    if (request.sharingGroup !== null && !memberOf.has(request.sharingGroup)) {
      return fail(`sharing_group_ref ${request.sharingGroup} is not a sharing group your organisation belongs to`);
    }
    const tlp: StoredTlp = effectiveTlp(incoming.tlp ?? tlpLevelOf(incoming.object.object_marking_refs), org.defaultTlp);
    const hasRecipients = request.recipientOrgRefs.length + request.recipientUsernames.length > 0;
    if (hasRecipients && tlp !== 'red') return fail(`${incoming.object.id}: recipients are named only on TLP:RED objects, this one is ${tlp}`);
    const missingOrg = request.recipientOrgRefs.find((ref) => !orgIds.has(ref));
    if (missingOrg !== undefined) return fail(`recipient organisation ${missingOrg} is not an organisation of this instance`);
    const missingUser = request.recipientUsernames.find((name) => !userIds.has(name));
    if (missingUser !== undefined) return fail(`recipient user "${missingUser}" is not a user of this instance`);
    if (before !== undefined && isLooserLevel(tlp, before.latestTlp)) loosened.push(`${incoming.object.id} ${before.latestTlp} -> ${tlp}`);
    const plan: Planned = {
      index,
      incoming: { ...incoming, tlp },
      recipientOrgs: request.recipientOrgRefs.map((ref) => orgIds.get(ref) as string),
      recipientUsers: request.recipientUsernames.map((name) => userIds.get(name) as string),
    };
    const batch = byGroup.get(request.sharingGroup);
    if (batch) batch.push(plan);
    else byGroup.set(request.sharingGroup, [plan]);
  });

  const placed: { index: number; result: AddResult }[] = [];
  for (const [sharingGroup, batch] of byGroup) {
    const results = await store.addObjects(
      collectionId,
      batch.map((plan) => plan.incoming),
      { authorOrg: publisher.orgId, authorUser: publisher.userId, sharingGroup },
    );
    await recordRecipients(db, collectionId, batch, results);
    results.forEach((result, i) => placed.push({ index: (batch[i] as Planned).index, result }));
  }
  placed.sort((a, b) => a.index - b.index);
  const results = placed.map((p) => p.result);
  if (objects.length > 0) {
    await appendAudit(db, {
      action: 'objects.add',
      actorUser: publisher.userId,
      actorOrg: publisher.orgId,
      target: collectionId,
      address: origin.address,
      path: origin.path,
      details: {
        added: results.filter((r) => r.status === 'added').map((r) => `${r.id}@${r.version}`),
        duplicates: results.filter((r) => r.status === 'duplicate').length,
        refused: failures.map((f) => ({ id: f.id, message: f.message })),
        ...(loosened.length > 0 ? { loosened } : {}),
      },
    });
  }
  return { results, failures };
}

/**
 * RED recipients of the versions just added, keyed by (collection, date_added).
 * Written after the objects commit: until then a RED object is visible to its
 * author's organisation only, which errs on the closed side.
 */
async function recordRecipients(
  db: Kysely<DatabaseSchema>,
  collectionId: string,
  batch: readonly Planned[],
  results: readonly AddResult[],
): Promise<void> {
  const rows = batch.flatMap((plan, i) => {
    const result = results[i];
    if (result === undefined || result.status !== 'added') return [];
    return [
      ...plan.recipientUsers.map((id) => ({ recipient_kind: 'user' as const, recipient_id: id })),
      ...plan.recipientOrgs.map((id) => ({ recipient_kind: 'org' as const, recipient_id: id })),
    ].map((r) => ({ collection_id: collectionId, date_added: result.dateAdded, ...r }));
  });
  for (let start = 0; start < rows.length; start += IDS_PER_STATEMENT) {
    await withSharing(db).insertInto('object_recipients').values(rows.slice(start, start + IDS_PER_STATEMENT)).execute();
  }
}

function versionOf(incoming: IncomingObject): string {
  const { modified, created } = incoming.object;
  return modified ?? created ?? '';
}

async function orgIdsByIdentity(db: Kysely<DatabaseSchema>, identityIds: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(identityIds)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('organizations').select(['id', 'identity_id']).where('identity_id', 'in', unique).execute();
  return new Map(rows.map((row) => [row.identity_id, row.id]));
}

async function userIdsByName(db: Kysely<DatabaseSchema>, usernames: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(usernames)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'username']).where('username', 'in', unique).execute();
  return new Map(rows.map((row) => [row.username, row.id]));
}

interface Held {
  readonly authors: Set<string | null>;
  latestVersion: string;
  latestTlp: StoredTlp;
}

/** id → the author organisations of its stored versions in every collection, and its latest version's level. */
async function heldVersions(db: Kysely<DatabaseSchema>, ids: readonly string[]): Promise<Map<string, Held>> {
  const unique = [...new Set(ids)];
  const held = new Map<string, Held>();
  for (let start = 0; start < unique.length; start += IDS_PER_STATEMENT) {
    const rows = await db
      .selectFrom('objects')
      .select(['id', 'author_org', 'version', 'tlp'])
      .where('id', 'in', unique.slice(start, start + IDS_PER_STATEMENT))
      .execute();
    for (const row of rows) {
      const entry = held.get(row.id);
      if (entry === undefined) {
        held.set(row.id, { authors: new Set([row.author_org]), latestVersion: row.version, latestTlp: row.tlp });
        continue;
      }
      entry.authors.add(row.author_org);
      if (row.version > entry.latestVersion) {
        entry.latestVersion = row.version;
        entry.latestTlp = row.tlp;
      }
    }
  }
  return held;
}

/** The shape the HTTP server takes for TAXII Add Objects. */
export type ObjectPublisher = (
  principal: { readonly orgId: string; readonly userId: string },
  collectionId: string,
  objects: readonly IncomingObject[],
  origin: RequestOrigin,
) => Promise<PublishOutcome>;

export function createPublisher(db: Kysely<DatabaseSchema>, store: ObjectStore): ObjectPublisher {
  return (principal, collectionId, objects, origin) =>
    publishObjects(db, store, collectionId, { orgId: principal.orgId, userId: principal.userId }, objects, origin);
}
