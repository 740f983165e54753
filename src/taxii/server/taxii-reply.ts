import type { FastifyReply } from 'fastify';
import { microsToTimestamp } from '../../stix/timestamp.js';
import type { Page } from '../../store/object-store.js';
import { TAXII_MEDIA_TYPE } from './media-types.js';

/** Response header carrying the page size actually applied after clamping `limit` to the server maximum. */
export const APPLIED_LIMIT_HEADER = 'x-entente-applied-limit';

/**
 * Sends a TAXII resource (already JSON text, or a small value to serialise)
 * with the TAXII 2.1 media type, exactly as written: sent as bytes, because
 * Fastify rewrites the Content-Type of JSON-like string bodies (quoting the
 * version and adding a charset), which strict clients such as taxii2-client
 * refuse.
 */
export function sendTaxii(reply: FastifyReply, status: number, body: string | object): FastifyReply {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return reply
    .code(status)
    .header('content-type', TAXII_MEDIA_TYPE)
    // Answers carry access-controlled intelligence: no shared cache may keep them.
    .header('cache-control', 'no-store')
    .send(Buffer.from(text, 'utf8'));
}

/**
 * Sends one page of an envelope-like resource with the TAXII 2.1 §5.3-§5.8
 * headers: `X-TAXII-Date-Added-First` / `-Last` (the `date_added` of the first
 * and last item of this page, microsecond TAXII timestamps; absent on an empty
 * page) and the applied page size.
 */
export function sendPage(reply: FastifyReply, page: Page<unknown>, appliedLimit: number, body: string): FastifyReply {
  if (page.items.length > 0 && page.firstAdded !== undefined && page.lastAdded !== undefined) {
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
export function envelopeJson(page: Page<unknown>, listName: string, itemsJson: string): string {
  if (page.items.length === 0 && !page.more) return '{}';
  const next = page.more && page.next !== undefined ? `,"next":${JSON.stringify(page.next)}` : '';
  return `{"more":${page.more}${next},"${listName}":[${itemsJson}]}`;
}
