import { PostgresAdapter, sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { EntenteError } from '../errors.js';
import { isStatementMarking } from '../stix/marking-rule.js';
import type { StixObject } from '../stix/stix-object.js';
import { isTlpMarkingId } from '../stix/tlp.js';
import type { AddResult, HeldVersions, IncomingObject, ObjectStore } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import { normaliseTimestamp } from '../store/timestamps.js';
import type { RequestOrigin } from './access-audit.js';
import { appendAudit, type AuditEvent } from './audit-log.js';
import { effectiveTlp, isLooserLevel, type StoredTlp } from './marking-policy.js';
import { copyKey, heldElsewhere, isIdentical, storeCopies, type Copy } from './identical-copies.js';
import { carriesMarkings, markingLevels, storedMarkings } from './marking-resolution.js';
import { getOrganization } from './organizations.js';
import { withOwnership } from './ownership-schema.js';
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
 *   may tighten or loosen its own objects. A version already held in the
 *   collection, sent again by anyone (an object arriving by two federation
 *   paths), is a duplicate success (TAXII 2.1 §5.5), stored nothing again;
 *   one held only in another collection is stored as an identical copy,
 *   with the held version's visibility (identical-copies.ts).
 *
 * Objects refused are reported, each saying why; the others are stored, one
 * transaction per sharing group. Inside that transaction, under the
 * collection's write lock, the first publisher of each id is checked and
 * claimed (`object_publishers`: of two organisations publishing one new id at
 * once, the second waits for the first and is refused), the RED recipients
 * are written, and the audit entry is appended — what was added, refused, and
 * which objects their author published with a looser level than before — so
 * a crash never leaves objects without their recipients or their audit entry.
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
  const wanted = requests.filter((r): r is SharingRequest => !('problem' in r));
  const [memberOf, orgIds, userIds, levels] = await Promise.all([
    groupIdsOfOrganization(db, publisher.orgId).then((ids) => new Set(ids)),
    orgIdsByIdentity(db, wanted.flatMap((r) => r.recipientOrgRefs)),
    userIdsByName(db, wanted.flatMap((r) => r.recipientUsernames)),
    markingLevels(objects.map((incoming) => incoming.object), storedMarkings(db, publisher.orgId), (object) => effectiveTlp(undefined, unmarkedDefault(object, org.defaultTlp))),
  ]);

  const failures: PublishFailure[] = [];
  const byGroup = new Map<string | null, Planned[]>();
  objects.forEach((incoming, index) => {
    const fail = (message: string) => failures.push({ index, id: incoming.object.id, version: versionOf(incoming), message });
    const request = requests[index] as SharingRequest | { problem: string };
    if ('problem' in request) return fail(`${incoming.object.id}: ${request.problem}`);
    if (request.sharingGroup !== null && !memberOf.has(request.sharingGroup)) {
      return fail(`sharing_group_ref ${request.sharingGroup} is not a sharing group your organisation belongs to`);
    }
    // The markings decide (marking-resolution.ts: with the marking-definitions of this write and those stored). An
    // import hands over the markings only when its reader could not read a level from them (cli/import-batches.ts).
    const fromMarkings = carriesMarkings(incoming.object) ? levels[index] : incoming.tlp;
    const tlp: StoredTlp = effectiveTlp(fromMarkings, unmarkedDefault(incoming.object, org.defaultTlp));
    const hasRecipients = request.recipientOrgRefs.length + request.recipientUsernames.length > 0;
    if (hasRecipients && tlp !== 'red') return fail(`${incoming.object.id}: recipients are named only on TLP:RED objects, this one is ${tlp}`);
    const missingOrg = request.recipientOrgRefs.find((ref) => !orgIds.has(ref));
    if (missingOrg !== undefined) return fail(`recipient organisation ${missingOrg} is not an organisation of this instance`);
    const missingUser = request.recipientUsernames.find((name) => !userIds.has(name));
    if (missingUser !== undefined) return fail(`recipient user "${missingUser}" is not a user of this instance`);
    const plan: Planned = {
      index,
      incoming: incoming.tlp === tlp ? incoming : { ...incoming, tlp },
      recipientOrgs: request.recipientOrgRefs.map((ref) => orgIds.get(ref) as string),
      recipientUsers: request.recipientUsernames.map((name) => userIds.get(name) as string),
    };
    const batch = byGroup.get(request.sharingGroup);
    if (batch) batch.push(plan);
    else byGroup.set(request.sharingGroup, [plan]);
  });

  const audit = (refused: readonly PublishFailure[], results: readonly AddResult[], loosened: readonly string[]): AuditEvent => ({
    action: 'objects.add',
    actorUser: publisher.userId,
    actorOrg: publisher.orgId,
    target: collectionId,
    address: origin.address,
    path: origin.path,
    details: {
      added: results.filter((r) => r.status === 'added').map((r) => `${r.id}@${r.version}`),
      duplicates: results.filter((r) => r.status === 'duplicate').length,
      refused: refused.map((f) => ({ id: f.id, message: f.message })),
      ...(loosened.length > 0 ? { loosened } : {}),
    },
  });

  const placed: { index: number; result: AddResult }[] = [];
  const copies: Copy[] = [];
  // Refusals decided before any write are recorded with the first batch written (or alone when none is).
  let unrecorded = [...failures];
  for (const [sharingGroup, batch] of byGroup) {
    let kept: Planned[] = batch;
    let refused: PublishFailure[] = [];
    let loosened: string[] = [];
    const results = await store.addObjects(
      collectionId,
      batch.map((plan) => plan.incoming),
      { authorOrg: publisher.orgId, authorUser: publisher.userId, sharingGroup },
      {
        beforeInsert: async (trx) => {
          const verdict = await checkFirstPublisher(trx, publisher.orgId, collectionId, batch);
          ({ kept, refused, loosened } = verdict);
          copies.push(...verdict.copies);
          return { skip: verdict.skipped, held: verdict.heldHere };
        },
        afterInsert: async (trx, stored) => {
          await recordRecipients(trx, collectionId, kept, stored);
          await appendAudit(trx, audit([...unrecorded, ...refused], stored, loosened));
        },
      },
    );
    unrecorded = [];
    failures.push(...refused);
    results.forEach((result, i) => placed.push({ index: (kept[i] as Planned).index, result }));
  }
  if (unrecorded.length > 0) await appendAudit(db, audit(unrecorded, [], []));
  if (copies.length > 0) placed.push(...(await storeCopies(store, collectionId, publisher, copies, origin)));
  placed.sort((a, b) => a.index - b.index);
  failures.sort((a, b) => a.index - b.index);
  return { results: placed.map((p) => p.result), failures };
}

interface FirstPublisherVerdict {
  /** Positions in the batch not to store. */
  readonly skipped: ReadonlySet<number>;
  readonly kept: Planned[];
  readonly refused: PublishFailure[];
  readonly loosened: string[];
  /** The versions the collection holds of the batch's ids, read under the lock (the store need not read them again). */
  readonly heldHere: HeldVersions;
  /** Versions of another organisation's objects held only in other collections, identical: stored apart, under the held version's visibility. */
  readonly copies: Copy[];
}

/**
 * Run inside the write transaction, under the collection lock: refuses the
 * NEW versions of ids another organisation published first — by its claim in
 * `object_publishers`, or by a stored version it (or a partner) authored —
 * and claims the others for the publisher. A version of such an id already
 * held in the collection is kept: the store answers it as a duplicate and
 * stores nothing; the same version held in another collection is an
 * identical copy, left out of this write and returned. A claim another
 * transaction is making for the same id makes this one wait for it to
 * commit, then lose.
 */
async function checkFirstPublisher(
  trx: Kysely<DatabaseSchema>,
  orgId: string,
  collectionId: string,
  batch: readonly Planned[],
): Promise<FirstPublisherVerdict> {
  // Sorted: claimed in one order by every writer, so two writers claiming overlapping ids wait for each other, never
  // deadlock; and looked up and claimed in the indexes' own order (SQLite claimed 50,000 sorted ids in half the time).
  const ids = [...new Set(batch.map((plan) => plan.incoming.object.id))].sort();
  const held = await heldVersions(trx, ids, collectionId);
  const otherAuthor = new Set([...held].filter(([, h]) => [...h.authors].some((author) => author !== orgId)).map(([id]) => id));
  const claiming = otherAuthor.size === 0 ? ids : ids.filter((id) => !otherAuthor.has(id));
  const claimedNow = await claimIds(trx, orgId, claiming);
  // When every id was claimed just now (a bulk import of new objects) no claim needs reading: they are all ours.
  const claims = claimedNow === claiming.length ? undefined : await claimedBy(trx, claiming);
  const ours = (id: string): boolean => !otherAuthor.has(id) && (claims === undefined || claims.get(id) === orgId);
  const skipped = new Set<number>();
  const kept: Planned[] = [];
  const refused: PublishFailure[] = [];
  const loosened: string[] = [];
  const copies: Copy[] = [];
  const notOurs = batch.filter(({ incoming }) => !ours(incoming.object.id));
  const elsewhere = await heldElsewhere(trx, collectionId, notOurs.map(({ incoming }) => ({ id: incoming.object.id, version: normalisedVersion(incoming) })));
  batch.forEach((plan, position) => {
    const { id } = plan.incoming.object;
    if (!ours(id)) {
      if (held.get(id)?.versionsHere.has(normalisedVersion(plan.incoming)) === true) {
        kept.push(plan);
        return;
      }
      skipped.add(position);
      const original = elsewhere.get(copyKey({ id, version: normalisedVersion(plan.incoming) }));
      // Compared by the JSON text stored: an import hands over only the properties these rules read (cli/import-batches.ts).
      if (original !== undefined && isIdentical(JSON.parse(plan.incoming.json) as StixObject, original)) {
        copies.push({ index: plan.index, incoming: plan.incoming, original });
        return;
      }
      refused.push({
        index: plan.index,
        id,
        version: versionOf(plan.incoming),
        message:
          original === undefined
            ? `${id} was first published by another organisation; only it publishes new versions (STIX 2.1 §3.6). Publish your own object with a new id`
            : `${id} version ${versionOf(plan.incoming)} differs from the version of that id and version another organisation published, held here; only it publishes versions of it (STIX 2.1 §3.6)`,
      });
      return;
    }
    kept.push(plan);
    const before = held.get(id);
    const tlp = plan.incoming.tlp as StoredTlp;
    if (before !== undefined && isLooserLevel(tlp, before.latestTlp)) loosened.push(`${id} ${before.latestTlp} -> ${tlp}`);
  });
  // Only ids with a version in this collection: the store takes any entry as "held here".
  const heldHere = new Map([...held].filter(([, h]) => h.versionsHere.size > 0).map(([id, h]) => [id, h.versionsHere]));
  return { skipped, kept, refused, loosened, heldHere, copies };
}

/**
 * Claims the ids (distinct) nobody claimed yet for `orgId`, in the order given; returns how many it claimed now. The
 * whole batch in one statement, the ids as one parameter (idTable): one plan instead of a VALUES list of a few
 * hundred rows compiled and planned per few hundred ids. Only the count comes back, not the ids claimed: when it
 * is short, the caller reads the claims.
 */
async function claimIds(trx: Kysely<DatabaseSchema>, orgId: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await withOwnership(trx)
    .insertInto('object_publishers')
    .columns(['object_id', 'org_id'])
    // `where true`: SQLite would otherwise read the ON CONFLICT that follows as the join condition of the SELECT.
    .expression(sql`select u.id, cast(${orgId} as text) from ${idTable(trx, ids)} where true order by u.n`)
    .onConflict((oc) => oc.column('object_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/** id → the organisation that claimed it first, for `ids` (distinct). */
async function claimedBy(trx: Kysely<DatabaseSchema>, ids: readonly string[]): Promise<Map<string, string>> {
  const claims = new Map<string, string>();
  for (const part of idLists(trx, ids)) {
    const rows = await withOwnership(trx)
      .selectFrom('object_publishers')
      .select(['object_id', 'org_id'])
      .where(idIn(trx, 'object_id', part))
      .execute();
    for (const row of rows) claims.set(row.object_id, row.org_id);
  }
  return claims;
}

/** RED recipients of the versions just added, keyed by (collection, date_added); in the objects' transaction. */
async function recordRecipients(
  trx: Kysely<DatabaseSchema>,
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
    await withSharing(trx).insertInto('object_recipients').values(rows.slice(start, start + IDS_PER_STATEMENT)).execute();
  }
}

function versionOf(incoming: IncomingObject): string {
  const { modified, created } = incoming.object;
  return modified ?? created ?? '';
}

/** The version as the store keeps it (`objects.version`), to compare with what is held. */
function normalisedVersion(incoming: IncomingObject): string {
  const version = versionOf(incoming);
  return version === '' ? '' : normaliseTimestamp(version, `version of ${incoming.object.id}`);
}

/**
 * The level of `object` when written without markings. A TLP marking-definition is public by definition (FIRST
 * TLP, STIX 2.1 §7.2.1.4), and a statement marking-definition only states terms (a copyright, terms of use) and
 * grants no access: whoever may read an object marked with either must be able to look it up, so both are CLEAR,
 * whatever the publisher's default for unmarked objects.
 */
function unmarkedDefault(object: StixObject, orgDefault: string): string {
  const definition = object.type === 'marking-definition' && (isTlpMarkingId(object.id) || isStatementMarking(object));
  return definition ? 'clear' : orgDefault;
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
  /** Normalised version → date_added of the versions held in the collection written to. */
  readonly versionsHere: Map<string, number>;
  latestVersion: string;
  latestTlp: StoredTlp;
}

/** id → the author organisations of its stored versions in every collection, its versions in `collectionId`, and its latest version's level; for `ids` (distinct). */
async function heldVersions(db: Kysely<DatabaseSchema>, ids: readonly string[], collectionId: string): Promise<Map<string, Held>> {
  const held = new Map<string, Held>();
  for (const part of idLists(db, ids)) {
    const rows = await db
      .selectFrom('objects')
      .select(['id', 'collection_id', 'author_org', 'version', 'tlp', 'date_added'])
      .where(idIn(db, 'id', part))
      .execute();
    for (const row of rows) {
      const entry: Held = held.get(row.id) ?? { authors: new Set(), versionsHere: new Map(), latestVersion: row.version, latestTlp: row.tlp };
      held.set(row.id, entry);
      entry.authors.add(row.author_org);
      if (row.collection_id === collectionId) entry.versionsHere.set(row.version, row.date_added);
      if (row.version > entry.latestVersion) {
        entry.latestVersion = row.version;
        entry.latestTlp = row.tlp;
      }
    }
  }
  return held;
}

function isPostgres(db: Kysely<DatabaseSchema>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Ids as one bound parameter read as a table `u(id, n)`, n their position: a
 * text array on PostgreSQL, a JSON array read by json_each on SQLite. One
 * parameter, so one statement and one plan whatever the number of ids.
 */
function idTable(db: Kysely<DatabaseSchema>, ids: readonly string[]): RawBuilder<unknown> {
  return isPostgres(db)
    ? sql`unnest(${[...ids]}::text[]) with ordinality as u(id, n)`
    : sql`(select value as id, key as n from json_each(${JSON.stringify(ids)})) as u`;
}

/** `column` is one of `ids`, given as one parameter: `= any(array)` on PostgreSQL (an index probe per id), `in` json_each on SQLite. */
function idIn(db: Kysely<DatabaseSchema>, column: string, ids: readonly string[]): RawBuilder<SqlBool> {
  return isPostgres(db)
    ? sql<SqlBool>`${sql.ref(column)} = any(${[...ids]}::text[])`
    : sql<SqlBool>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(ids)}))`;
}

/**
 * How many ids one look-up takes. PostgreSQL: not a whole import batch: for
 * 50,000 ids the planner scans the table rather than probing the index 50,000
 * times, and a scan per batch grows with the table (at a million objects it
 * cost more than the rows' COPY); below about 3 % of the table's rows it
 * probes the index. SQLite has no statistics to change its mind: it probes the
 * index for each id of the list, whatever its length.
 */
const IDS_PER_LOOKUP = { postgres: 1000, sqlite: Number.POSITIVE_INFINITY } as const;

/** `ids` in the lists one statement each looks up. */
function idLists(db: Kysely<DatabaseSchema>, ids: readonly string[]): string[][] {
  const perStatement = IDS_PER_LOOKUP[isPostgres(db) ? 'postgres' : 'sqlite'];
  const lists: string[][] = [];
  for (let start = 0; start < ids.length; start += perStatement) lists.push(ids.slice(start, start + perStatement));
  return lists;
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
