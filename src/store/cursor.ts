import { EntenteError } from '../errors.js';

/**
 * The opaque `next` of TAXII 2.1 §3.4.3: base64url of a versioned payload that
 * holds only the position (the last `date_added` served). Nothing is kept in
 * server memory, so any server behind a load balancer can continue a walk.
 */
const CURSOR_VERSION = 1;

export function encodeCursor(lastDateAdded: number): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, d: lastDateAdded }), 'utf8').toString('base64url');
}

/** The `date_added` after which the next page starts. Throws `invalid_input` for a cursor we did not issue. */
export function decodeCursor(cursor: string): number {
  const bad = (): EntenteError =>
    new EntenteError('invalid_input', 'The "next" parameter is not a value this server issued; restart paging without it', {
      parameter: 'next',
    });
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw bad();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (typeof payload !== 'object' || payload === null) throw bad();
  const { v, d } = payload as { v?: unknown; d?: unknown };
  if (v !== CURSOR_VERSION || typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw bad();
  return d;
}
