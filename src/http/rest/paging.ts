import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { EntenteError } from '../../errors.js';

/**
 * Paging for every REST list (REST.md "Paging"): `?limit=` (default 50,
 * clamped to 500; the limit applied is sent in `X-Entente-Applied-Limit`) and
 * `?cursor=`, an opaque base64url of a versioned position that the server
 * issued, so any server behind a load balancer can continue a walk.
 * Lists answer `{ items, next? }`.
 */
export const DEFAULT_REST_LIMIT = 50;
export const MAX_REST_LIMIT = 500;
export const APPLIED_LIMIT_HEADER = 'x-entente-applied-limit';

const CURSOR_VERSION = 1;
const MAX_CURSOR_LENGTH = 1000;

export interface PageRequest<Position> {
  readonly limit: number;
  /** Where the previous page ended; undefined for the first page. */
  readonly after: Position | undefined;
}

export interface RestPage<Item> {
  readonly items: Item[];
  readonly next?: string;
}

/** `limit` and `cursor` of a query string, to spread into a route's strict query schema. */
export const pagingQuery = {
  limit: z.string().regex(/^\d{1,9}$/, 'limit must be a whole number from 1').optional(),
  cursor: z.string().max(MAX_CURSOR_LENGTH).optional(),
};

/**
 * The page a query asks for. `position` describes what the route's cursors
 * hold; a cursor that does not decode to it is refused with 400, naming
 * `cursor`.
 */
export function pageRequest<Position>(
  query: { limit?: string | undefined; cursor?: string | undefined },
  position: z.ZodType<Position>,
): PageRequest<Position> {
  const asked = query.limit === undefined ? DEFAULT_REST_LIMIT : Number(query.limit);
  if (asked < 1) throw new EntenteError('invalid_input', 'limit must be at least 1', { field: 'limit' });
  return { limit: Math.min(asked, MAX_REST_LIMIT), after: query.cursor === undefined ? undefined : decodeRestCursor(query.cursor, position) };
}

export function encodeRestCursor(position: unknown): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, p: position }), 'utf8').toString('base64url');
}

export function decodeRestCursor<Position>(cursor: string, position: z.ZodType<Position>): Position {
  const bad = () => new EntenteError('invalid_input', 'cursor is not a value this server issued; restart paging without it', { field: 'cursor' });
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const envelope = z.object({ v: z.literal(CURSOR_VERSION), p: position }).safeParse(payload);
  if (!envelope.success) throw bad();
  return envelope.data.p;
}

/**
 * Cuts the rows of a query that asked for `limit + 1` into a page: the extra
 * row only says that there is more, and the last row kept gives the cursor.
 */
export function pageOf<Row, Item>(
  rows: readonly Row[],
  limit: number,
  positionOf: (row: Row) => unknown,
  present: (row: Row) => Item,
): RestPage<Item> {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  const more = rows.length > limit && last !== undefined;
  return { items: kept.map(present), ...(more ? { next: encodeRestCursor(positionOf(last)) } : {}) };
}

/** Sends a page with the applied limit header. */
export function sendPage<Item>(reply: FastifyReply, limit: number, page: RestPage<Item>): RestPage<Item> {
  void reply.header(APPLIED_LIMIT_HEADER, String(limit));
  return page;
}
