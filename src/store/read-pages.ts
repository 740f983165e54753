import { sql, type Expression, type Kysely, type RawBuilder } from 'kysely';
import { EntenteError } from '../errors.js';
import { auditLabelColumn } from './audited-reads.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { objectFilter, type ResolvedFilter } from './object-filter.js';
import type { ManifestRecord, ObjectQuery, ObjectText, Page, ReadScope, StoredObject, VersionSelector } from './object-store.js';
import type { DatabaseSchema } from './schema.js';

/**
 * TAXII 2.1 §3.4 paging over `date_added`: every filter in SQL, rows in
 * date_added order from the (collection_id, date_added) or (collection_id,
 * type, date_added) index, limit + 1 rows fetched to know whether there are
 * more. The cursor holds only the last date_added served.
 */
export function resolveFilter(
  collectionId: string,
  query: Omit<ObjectQuery, 'limit'>,
  scope: ReadScope,
  versions: readonly VersionSelector[] = query.versions ?? [],
): ResolvedFilter {
  const cursor = query.next === undefined ? undefined : decodeCursor(query.next);
  const after =
    cursor === undefined ? query.addedAfter : query.addedAfter === undefined ? cursor : Math.max(cursor, query.addedAfter);
  return {
    collectionId,
    ...(after === undefined ? {} : { after }),
    ...(query.addedAfter === undefined ? {} : { addedAfter: query.addedAfter }),
    ...(query.ids ? { ids: query.ids } : {}),
    ...(query.types ? { types: query.types } : {}),
    ...(query.specVersions ? { specVersions: query.specVersions } : {}),
    versions,
    scope,
  };
}

function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new EntenteError('invalid_input', `limit must be a positive integer, got ${limit}`, { parameter: 'limit' });
  }
}

function toPage<T extends { dateAdded: number }>(rows: T[], limit: number): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const first = items[0];
  const last = items[items.length - 1];
  return {
    items,
    more,
    ...(more && last ? { next: encodeCursor(last.dateAdded) } : {}),
    ...(first ? { firstAdded: first.dateAdded } : {}),
    ...(last ? { lastAdded: last.dateAdded } : {}),
  };
}

/** One page's rows in date_added order, limit + 1 of them; the caller picks the columns. */
function pageRows(db: Kysely<DatabaseSchema>, filter: ResolvedFilter, limit: number) {
  return db
    .selectFrom('objects as o')
    .where((eb) => objectFilter(eb, filter))
    // With match[id] the few rows come from the id index and are sorted; the
    // unary plus stops SQLite from walking the whole collection in date order.
    .orderBy(filter.ids && filter.ids.length > 0 ? sql<number>`+${sql.ref('o.date_added')}` : sql.ref('o.date_added'))
    .limit(limit + 1);
}

export function pageQuery(db: Kysely<DatabaseSchema>, filter: ResolvedFilter, limit: number) {
  return pageRows(db, filter, limit).select([
    'o.id as id',
    'o.type as type',
    'o.version_raw as version',
    'o.spec_version as specVersion',
    'o.date_added as dateAdded',
    'o.media_type as mediaType',
    auditLabelColumn().as('auditLabel'),
  ]);
}

/**
 * With several match[type] values and no match[id]: one walk per type over
 * (collection_id, type, date_added), each stopping after limit + 1 rows,
 * merged in SQL, so a page costs (types × page) whatever the collection
 * holds, even when a requested type is rare. Undefined when one walk serves.
 */
export function mergedTypeWalks<Row>(
  filter: ResolvedFilter,
  limit: number,
  build: (filter: ResolvedFilter) => Expression<Row>,
): RawBuilder<Row> | undefined {
  const types = [...new Set(filter.types ?? [])];
  if (types.length < 2 || (filter.ids?.length ?? 0) > 0) return undefined;
  const walks = types.map((type, i) => sql`select * from (${build({ ...filter, types: [type] })}) as ${sql.id(`walk${i}`)}`);
  return sql<Row>`select * from (${sql.join(walks, sql` union all `)}) as merged order by ${sql.ref('dateAdded')} limit ${limit + 1}`;
}

async function fetchPage<Row>(
  db: Kysely<DatabaseSchema>,
  filter: ResolvedFilter,
  limit: number,
  build: (filter: ResolvedFilter) => Expression<Row> & { execute(): Promise<Row[]> },
): Promise<Row[]> {
  const merged = mergedTypeWalks(filter, limit, build);
  return merged ? (await merged.execute(db)).rows : await build(filter).execute();
}

/** TAXII 2.1 §5.3 Get Object Manifests. */
export async function queryManifest(db: Kysely<DatabaseSchema>, filter: ResolvedFilter, limit: number): Promise<Page<ManifestRecord>> {
  checkLimit(limit);
  return toPage(await fetchPage(db, filter, limit, (f) => pageQuery(db, f, limit)), limit);
}

/** TAXII 2.1 §5.4 Get Objects / §5.6 Get An Object. */
export async function queryObjects(db: Kysely<DatabaseSchema>, filter: ResolvedFilter, limit: number): Promise<Page<StoredObject>> {
  checkLimit(limit);
  return toPage(await fetchPage(db, filter, limit, (f) => pageQuery(db, f, limit).select('o.json as json')), limit);
}

/** TAXII 2.1 §5.4 / §5.6 as an object page sends them: the stored JSON and date_added only. */
export async function queryObjectTexts(db: Kysely<DatabaseSchema>, filter: ResolvedFilter, limit: number): Promise<Page<ObjectText>> {
  checkLimit(limit);
  const build = (f: ResolvedFilter) =>
    pageRows(db, f, limit).select(['o.date_added as dateAdded', 'o.json as json', auditLabelColumn().as('auditLabel')]);
  return toPage(await fetchPage(db, filter, limit, build), limit);
}

/** TAXII 2.1 §5.7 Delete An Object: removes the versions the filter selects. */
export async function deleteMatching(db: Kysely<DatabaseSchema>, filter: ResolvedFilter): Promise<number> {
  const result = await db
    .deleteFrom('objects')
    .where('seq', 'in', db.selectFrom('objects as o').select('o.seq').where((eb) => objectFilter(eb, filter)))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
