import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { representsPartnerSql } from './partner-accounts.js';
import type { Principal } from './principal.js';

/**
 * Sign-in sessions of the REST API (the web UI): a random 256-bit secret in an
 * HttpOnly cookie, stored only as its SHA-256, with a CSRF token that every
 * state-changing request authenticated by the cookie must echo in a header.
 *
 * The CSRF token is an HMAC of the session secret, so it can be given again
 * to whoever holds the cookie (`GET /rest/v1/session`) without being stored:
 * the table keeps its hash, compared in constant time.
 */
export type SessionTables = {
  sessions: {
    /** SHA-256 (hex) of the cookie secret. */
    id: string;
    user_id: string;
    /** SHA-256 (hex) of the CSRF token. */
    csrf_hash: string;
    created_at: number;
    expires_at: number;
    last_seen_at: number;
    address: string | null;
  };
};

/** Twelve hours, the cookie's Max-Age: a working day, then sign in again. */
export const SESSION_LIFETIME_SECONDS = 12 * 60 * 60;
const SECOND = 1_000_000;
/** `last_seen_at` is written at most once a minute, so reading pages does not turn into writes. */
const TOUCH_INTERVAL = 60 * SECOND;
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface NewSession {
  /** The cookie value: given to the client once, never stored. */
  readonly secret: string;
  readonly csrfToken: string;
  readonly expiresAt: number;
}

export interface LiveSession {
  readonly id: string;
  readonly principal: Principal;
  readonly csrfToken: string;
  readonly expiresAt: number;
}

function sessions(db: Kysely<DatabaseSchema>): Kysely<DatabaseSchema & SessionTables> {
  return db.withTables<SessionTables>();
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function csrfTokenOf(secret: string): string {
  return createHmac('sha256', secret).update('entente csrf token').digest('base64url');
}

export async function createSession(
  db: Kysely<DatabaseSchema>,
  userId: string,
  address: string | null,
  now: number = nowMicros(),
): Promise<NewSession> {
  const secret = randomBytes(32).toString('base64url');
  const csrfToken = csrfTokenOf(secret);
  const expiresAt = now + SESSION_LIFETIME_SECONDS * SECOND;
  await sessions(db)
    .insertInto('sessions')
    .values({ id: sha256(secret), user_id: userId, csrf_hash: sha256(csrfToken), created_at: now, expires_at: expiresAt, last_seen_at: now, address })
    .execute();
  return { secret, csrfToken, expiresAt };
}

/**
 * The live session a cookie secret opens, with its user as a principal, or
 * undefined (unknown, expired, or the user disabled). One statement, so
 * disabling a user takes effect on the very next request.
 */
export async function findSession(db: Kysely<DatabaseSchema>, secret: string, now: number = nowMicros()): Promise<LiveSession | undefined> {
  if (!SECRET_SHAPE.test(secret)) return undefined;
  const row = await sessions(db)
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id', 'sessions.csrf_hash', 'sessions.expires_at', 'sessions.last_seen_at', 'users.id as user_id', 'users.username', 'users.org_id', 'users.role', 'users.disabled', representsPartnerSql('users.org_id').as('represents_partner')])
    .where('sessions.id', '=', sha256(secret))
    .executeTakeFirst();
  if (row === undefined || Number(row.expires_at) <= now || Number(row.disabled) !== 0) return undefined;
  const csrfToken = csrfTokenOf(secret);
  // The stored hash is what the token must match; a row whose hash differs was not made by createSession.
  if (!sameText(sha256(csrfToken), row.csrf_hash)) return undefined;
  if (now - Number(row.last_seen_at) >= TOUCH_INTERVAL) {
    await sessions(db).updateTable('sessions').set({ last_seen_at: now }).where('id', '=', row.id).execute();
  }
  return {
    id: row.id,
    csrfToken,
    expiresAt: Number(row.expires_at),
    principal: { userId: row.user_id, username: row.username, orgId: row.org_id, role: row.role, scope: 'read-write', representsPartner: Number(row.represents_partner) !== 0, via: 'session' },
  };
}

/** Constant-time check of a presented CSRF token against the session's. */
export function csrfMatches(session: LiveSession, presented: string | undefined): boolean {
  return presented !== undefined && sameText(sha256(presented), sha256(session.csrfToken));
}

export async function deleteSession(db: Kysely<DatabaseSchema>, sessionId: string): Promise<void> {
  await sessions(db).deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Signs a user out everywhere: after a password change, disabling or a role change. */
export async function deleteSessionsOfUser(db: Kysely<DatabaseSchema>, userId: string): Promise<number> {
  const result = await sessions(db).deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Removes expired sessions; called on sign-in so the table does not grow without bound. */
export async function purgeExpiredSessions(db: Kysely<DatabaseSchema>, now: number = nowMicros()): Promise<number> {
  const result = await sessions(db).deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
