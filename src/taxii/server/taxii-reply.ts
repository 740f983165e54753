import type { FastifyReply } from 'fastify';
import { microsToTimestamp } from '../../stix/timestamp.js';
import type { ObjectRuns, Page } from '../../store/object-store.js';
import { TAXII_MEDIA_TYPE } from './media-types.js';

/** Response header carrying the page size actually applied after clamping `limit` to the server maximum. */
export const APPLIED_LIMIT_HEADER = 'x-entente-applied-limit';

/** A page as the store gives it: rows, or an object page's runs (store queryObjectRuns). */
export type SentPage = Page<unknown> | ObjectRuns;

function pageSize(page: SentPage): number {
  return 'items' in page ? page.items.length : page.count;
}

/**
 * Sends a TAXII resource (already JSON text, or a small value to serialise)
 * with the TAXII 2.1 media type, exactly as written: sent as bytes, because
 * Fastify rewrites the Content-Type of JSON-like string bodies (quoting the
 * version and adding a charset), which strict clients such as taxii2-client
 * refuse.
 */
export function sendTaxii(reply: FastifyReply, status: number, body: string | Buffer | object): FastifyReply {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  return reply
    .code(status)
    .header('content-type', TAXII_MEDIA_TYPE)
    // Answers carry access-controlled intelligence: no shared cache may keep them.
    .header('cache-control', 'no-store')
    .send(bytes);
}

/**
 * Sends one page of an envelope-like resource with the TAXII 2.1 §5.3-§5.8
 * headers: `X-TAXII-Date-Added-First` / `-Last` (the `date_added` of the first
 * and last item of this page, microsecond TAXII timestamps; absent on an empty
 * page) and the applied page size.
 */
export function sendPage(reply: FastifyReply, page: SentPage, appliedLimit: number, body: string | Buffer): FastifyReply {
  if (pageSize(page) > 0 && page.firstAdded !== undefined && page.lastAdded !== undefined) {
    reply.header('x-taxii-date-added-first', microsToTimestamp(page.firstAdded));
    reply.header('x-taxii-date-added-last', microsToTimestamp(page.lastAdded));
  }
  reply.header(APPLIED_LIMIT_HEADER, String(appliedLimit));
  return sendTaxii(reply, 200, body);
}

/**
 * TAXII 2.1 §3.7 envelope head: `more`, and `next` only while there is more.
 * An empty page with nothing more is the empty envelope `{}`.
 */
export function envelopeJson(page: SentPage, listName: string, itemsJson: string): string {
  if (pageSize(page) === 0 && !page.more) return '{}';
  const next = page.more && page.next !== undefined ? `,"next":${JSON.stringify(page.next)}` : '';
  return `{"more":${page.more}${next},"${listName}":[${itemsJson}]}`;
}

const COMMA = 0x2c;

/**
 * `envelopeJson(page, listName, texts.join(','))` as UTF-8 bytes, written
 * straight from the texts (the items' JSON, or runs of it) into one buffer. A page of objects joined
 * into one string first is a string of ~470 KB for 1,000 objects, which V8
 * allocates outside the young generation and frees by a full collection, on
 * every page; that string and its encoding cost 5-7 ms of CPU per page against
 * 0.4-1.1 ms for this (measured side by side, 2026-11-26).
 */
export function envelopeBytes(page: SentPage, listName: string, texts: readonly string[]): Buffer {
  if (pageSize(page) === 0 && !page.more) return Buffer.from('{}', 'utf8');
  const next = page.more && page.next !== undefined ? `,"next":${JSON.stringify(page.next)}` : '';
  const head = `{"more":${page.more}${next},"${listName}":[`;
  const tail = ']}';
  let size = Buffer.byteLength(head, 'utf8') + tail.length + Math.max(0, texts.length - 1);
  for (const text of texts) size += Buffer.byteLength(text, 'utf8');
  const bytes = Buffer.allocUnsafe(size);
  let offset = bytes.write(head, 0, 'utf8');
  for (let i = 0; i < texts.length; i++) {
    if (i > 0) bytes[offset++] = COMMA;
    offset += bytes.write(texts[i] as string, offset, 'utf8');
  }
  bytes.write(tail, offset, 'latin1');
  return bytes;
}
