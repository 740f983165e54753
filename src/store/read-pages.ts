import { randomUUID } from 'node:crypto';
import { sql, type Compilable, type CompiledQuery, type Expression, type Kysely, type RawBuilder } from 'kysely';
import { EntenteError } from '../errors.js';
import { auditLabelColumn } from './audited-reads.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { objectFilter, type ResolvedFilter } from './object-filter.js';
import { runPrepared } from './prepared-statements.js';
import { typeWalks } from './type-walks.js';
import type { DialectName } from './dialect-sql.js';
import type { JoinedTextPage, ManifestRecord, ObjectQuery, ObjectText, Page, ReadScope, StoredObject, VersionSelector } from './object-store.js';
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
    // A literal, part of the shape: PostgreSQL costs a prepared statement's generic plan with a LIMIT parameter
    // for a tenth of the table, so it would never win over planning each time (prepared-statements.ts).
    .limit(sql.lit(limit + 1));
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
  if (new Set(filter.types).size < 2 || (filter.ids?.length ?? 0) > 0) return undefined;
  return typeWalks(filter.types ?? [], limit + 1, (type) => build({ ...filter, types: [type] }), 'dateAdded');
}

async function fetchPage<Row>(
  db: Kysely<DatabaseSchema>,
  kind: string,
  filter: ResolvedFilter,
  limit: number,
  build: (filter: ResolvedFilter) => Expression<Row> & Compilable<Row>,
): Promise<Row[]> {
  const merged = mergedTypeWalks(filter, limit, build);
  if (merged) return (await merged.execute(db)).rows;
  return (await db.executeQuery(compiledPage(db, kind, filter, limit, build))).rows;
}

/*
 * Page queries compiled once per shape. Building and compiling the query
 * (visibility and version conditions, with their subqueries) cost as much CPU
 * as SQLite running it; consecutive pages differ only in where they start and a
 * GET by id only in the id. So each shape (everything but those values) is
 * compiled once with unforgeable marks in their place, and each query gets the
 * same SQL text with the marks replaced by its own values: the very statement
 * that compiling it afresh gives.
 */
const MARK = `\u0000entente-${randomUUID()}`;
const AFTER_MARK = `${MARK}-after`;
const idMark = (index: number): string => `${MARK}-id-${index}`;

interface CompiledShape {
  readonly compiled: CompiledQuery;
  /** Per parameter: where its value comes from, or undefined when it is part of the shape. */
  readonly sources: readonly ({ readonly after: true } | { readonly id: number } | undefined)[];
}

/** How many shapes each database keeps: the shapes of every reader paging at once, with room to spare. */
const CACHED_SHAPES = 512;
const shapesByDatabase = new WeakMap<Kysely<DatabaseSchema>, Map<string, CompiledShape>>();

function compiledPage<Row>(
  db: Kysely<DatabaseSchema>,
  kind: string,
  filter: ResolvedFilter,
  limit: number,
  build: (filter: ResolvedFilter) => Compilable<Row>,
): CompiledQuery<Row> {
  const ids = filter.ids ?? [];
  const key = JSON.stringify([kind, limit, { ...filter, after: filter.after !== undefined, ids: ids.length }]);
  let shapes = shapesByDatabase.get(db);
  if (shapes === undefined) {
    shapes = new Map();
    shapesByDatabase.set(db, shapes);
  }
  let shape = shapes.get(key);
  if (shape === undefined) {
    shape = compileShape(filter, ids.length, build);
    if (shape === undefined) return build(filter).compile();
    if (shapes.size >= CACHED_SHAPES) shapes.delete(shapes.keys().next().value as string);
    shapes.set(key, shape);
    runPrepared(shape.compiled.sql);
  }
  const parameters = shape.compiled.parameters.map((value, index) => {
    const source = shape.sources[index];
    if (source === undefined) return value;
    return 'after' in source ? filter.after : ids[source.id];
  });
  return { ...shape.compiled, parameters } as CompiledQuery<Row>;
}

/** The shape compiled with marks; undefined (compile each time) unless every mark is found exactly once. */
function compileShape<Row>(
  filter: ResolvedFilter,
  idCount: number,
  build: (filter: ResolvedFilter) => Compilable<Row>,
): CompiledShape | undefined {
  const marked: ResolvedFilter = {
    ...filter,
    ...(filter.after === undefined ? {} : { after: AFTER_MARK as unknown as number }),
    ...(filter.ids === undefined ? {} : { ids: filter.ids.map((_, index) => idMark(index)) }),
  };
  const compiled = build(marked).compile();
  const sources = compiled.parameters.map((value) => {
    if (value === AFTER_MARK) return { after: true } as const;
    if (typeof value === 'string' && value.startsWith(`${MARK}-id-`)) return { id: Number(value.slice(`${MARK}-id-`.length)) };
    return undefined;
  });
  const expected = (filter.after === undefined ? 0 : 1) + idCount;
  const found = sources.filter((source) => source !== undefined).length;
  const unforeseen = compiled.sql.includes(MARK);
  return found === expected && !unforeseen ? { compiled, sources } : undefined;
}

/** TAXII 2.1 §5.3 Get Object Manifests. */
export async function queryManifest(db: Kysely<DatabaseSchema>, filter: ResolvedFilter, limit: number): Promise<Page<ManifestRecord>> {
  checkLimit(limit);
  return toPage(await fetchPage(db, 'manifest', filter, limit, (f) => pageQuery(db, f, limit)), limit);
}

/** TAXII 2.1 §5.4 Get Objects / §5.6 Get An Object. */
export async function queryObjects(db: Kysely<DatabaseSchema>, filter: ResolvedFilter, limit: number): Promise<Page<StoredObject>> {
  checkLimit(limit);
  return toPage(await fetchPage(db, 'objects', filter, limit, (f) => pageQuery(db, f, limit).select('o.json as json')), limit);
}

/** TAXII 2.1 §5.4 / §5.6 as an object page sends them: the stored JSON and date_added only. */
export async function queryObjectTexts(db: Kysely<DatabaseSchema>, filter: ResolvedFilter, limit: number): Promise<Page<ObjectText>> {
  checkLimit(limit);
  return toPage(await fetchPage(db, 'texts', filter, limit, (f) => objectTextRows(db, f, limit)), limit);
}

/**
 * TAXII 2.1 §5.4 as Get Objects sends a page. On PostgreSQL the page's rows
 * are folded into one row by the server (`joinedPageSql`): the texts joined
 * in order, the first and last date_added, the labels of the marked ones. The
 * server does in C, on its own core, what node-pg would otherwise do per row
 * (a message, a string and an object for each of 1,000 rows, then garbage):
 * the page costs Node a third less CPU. Elsewhere the rows are read as usual.
 */
export async function queryJoinedTexts(db: Kysely<DatabaseSchema>, dialect: DialectName, filter: ResolvedFilter, limit: number): Promise<JoinedTextPage> {
  if (dialect !== 'postgres') {
    const { items, ...head } = await queryObjectTexts(db, filter, limit);
    return {
      ...head,
      count: items.length,
      texts: items.map((item) => item.json),
      auditLabels: items.flatMap((item) => (item.auditLabel === null ? [] : [item.auditLabel])),
    };
  }
  const { rows } = await db.executeQuery(joinedTextsStatement(db, filter, limit));
  return joinedTextsPage(rows[0], limit);
}

/**
 * The PostgreSQL statement of `queryJoinedTexts`: one row (`JoinedRow`),
 * also for the shapes read as several walks merged (several match[type]).
 */
export function joinedTextsStatement(db: Kysely<DatabaseSchema>, filter: ResolvedFilter, limit: number): CompiledQuery<JoinedRow> {
  checkLimit(limit);
  const build = (f: ResolvedFilter) => objectTextRows(db, f, limit);
  const merged = mergedTypeWalks(filter, limit, build);
  const page = merged === undefined ? compiledPage(db, 'texts', filter, limit, build) : merged.compile(db);
  const text = joinedPageSql(valuesAsInitPlans(page.sql, page.parameters), limit);
  runPrepared(text);
  return { ...page, sql: text } as CompiledQuery<JoinedRow>;
}

/** The page the row of `joinedTextsStatement` describes; an aggregate without GROUP BY always gives that one row. */
export function joinedTextsPage(row: JoinedRow | undefined, limit: number): JoinedTextPage {
  const { rows: fetched, texts, firstAdded, lastAdded, extraBytes, auditLabels } = row ?? NOTHING_JOINED;
  const more = fetched > limit;
  return {
    count: Math.min(fetched, limit),
    more,
    texts: texts === null ? [] : [more ? withoutLastText(texts, extraBytes ?? 0) : texts],
    auditLabels: auditLabels === null ? [] : auditLabels.split('\n'),
    ...(more && lastAdded !== null ? { next: encodeCursor(lastAdded) } : {}),
    ...(firstAdded !== null && lastAdded !== null ? { firstAdded, lastAdded } : {}),
  };
}

const COMMA = 0x2c;

/**
 * `joined` (texts joined with commas) without its last text, `bytes` long in
 * UTF-8, and the comma before it: found from the end, so it costs the length
 * of that one text, and the rest is kept as a slice, not copied.
 */
function withoutLastText(joined: string, bytes: number): string {
  let end = joined.length;
  let remaining = bytes;
  while (remaining > 0 && end > 0) {
    const unit = joined.charCodeAt(end - 1);
    // A low surrogate ends a pair: one character of four bytes in two code units.
    const pair = unit >= 0xdc00 && unit <= 0xdfff;
    remaining -= pair ? 4 : unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
    end -= pair ? 2 : 1;
  }
  if (remaining !== 0 || joined.charCodeAt(end - 1) !== COMMA) {
    throw new EntenteError('unavailable', 'A joined page did not end with a text of the length the database gave; read the page again');
  }
  return joined.slice(0, end - 1);
}

export interface JoinedRow {
  /** Rows the page statement gave: `limit` + 1 when there are more. */
  readonly rows: number;
  /** All of them, joined with commas: the one past `limit` is cut off by its length, `extraBytes`. */
  readonly texts: string | null;
  readonly firstAdded: number | null;
  /** Of the last row served (the `limit`-th when there are more). */
  readonly lastAdded: number | null;
  readonly extraBytes: number | null;
  /** Of the rows served, joined with newlines, which no label holds: node-pg parses a text[] character by character (5 ms a page). */
  readonly auditLabels: string | null;
}

const NOTHING_JOINED: JoinedRow = { rows: 0, texts: null, firstAdded: null, lastAdded: null, extraBytes: null, auditLabels: null };

/**
 * One row for a page statement of limit + 1 rows (columns `dateAdded`,
 * `json`, `auditLabel`, in `dateAdded` order): how many rows it gave, all
 * their texts joined with commas and the UTF-8 length of the one past
 * `limit` (cut off by `joinedTextsPage`), the first `dateAdded` and that of
 * the last row served, and the labels of the marked rows served, one per line
 * (the one past `limit` cut off here, so the read audit's statement, which
 * records them, sees only those). The aggregates take their rows in the
 * order the page statement gives them (a plain aggregate reads its input in
 * order, and the Limit below them keeps them from running in parallel); a row
 * number from a window, to aggregate the first `limit` rows only, copied
 * every row once more (12 % more of PostgreSQL's CPU for a page of 1,000,
 * 2026-11-27).
 */
function joinedPageSql(page: string, limit: number): string {
  const served = Math.trunc(limit);
  return `select "rows", "texts", "firstAdded", "lastAdded", "extraBytes",
  case when "extraLabel" is null then "labels" else nullif(left("labels", -("extraLabel" + 1)), '') end as "auditLabels"
from (select count(*)::int as "rows",
  string_agg("json", ',') as "texts",
  min("dateAdded") as "firstAdded",
  (array_agg("dateAdded"))[least(count(*)::int, ${served})] as "lastAdded",
  (array_agg(octet_length("json")))[${served + 1}] as "extraBytes",
  string_agg("auditLabel", E'\\n') as "labels",
  (array_agg(length("auditLabel")))[${served + 1}] as "extraLabel"
from (${page}) as page) as joined`;
}

/**
 * `sqlText` with each placeholder `$n` read through an uncorrelated subquery,
 * `(select $n::type)`, which PostgreSQL evaluates once as an init plan. The
 * planner then knows none of the values, whether it plans for them (a custom
 * plan) or not (the generic plan), so both cost the same, and a prepared
 * statement keeps the generic plan after its first five executions instead of
 * being planned again for every page: a page read took 15 % less of
 * PostgreSQL's CPU (0.94 against 1.10 CPU-s for 500 pages of 1,000 objects,
 * alternated, 2026-11-27). Index scans take such values as run-time keys, so
 * every plan still walks its index. The values are ids and texts (text) or
 * `date_added` times and flags (bigint); the generated SQL holds `$` nowhere
 * else.
 */
function valuesAsInitPlans(sqlText: string, parameters: readonly unknown[]): string {
  return sqlText.replace(/\$(\d+)(?!\d)/g, (placeholder: string, index: string) => {
    const value = parameters[Number(index) - 1];
    const type = typeof value === 'number' ? 'bigint' : typeof value === 'string' ? 'text' : typeof value === 'boolean' ? 'boolean' : undefined;
    return type === undefined ? placeholder : `(select ${placeholder}::${type})`;
  });
}

function objectTextRows(db: Kysely<DatabaseSchema>, filter: ResolvedFilter, limit: number) {
  return pageRows(db, filter, limit).select(['o.date_added as dateAdded', 'o.json as json', auditLabelColumn().as('auditLabel')]);
}

/** TAXII 2.1 §5.7 Delete An Object: removes the versions the filter selects. */
export async function deleteMatching(db: Kysely<DatabaseSchema>, filter: ResolvedFilter): Promise<number> {
  const result = await db
    .deleteFrom('objects')
    .where('seq', 'in', db.selectFrom('objects as o').select('o.seq').where((eb) => objectFilter(eb, filter)))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
