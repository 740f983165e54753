import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import { runPrepared } from '../store/prepared-statements.js';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { representsPartnerSql } from './partner-accounts.js';
import type { TokenScope } from './principal.js';
import { toUser, type User } from './users.js';

/**
 * API tokens: 32 random bytes, shown once at creation, stored only as their
 * SHA-256 (a token has 256 bits of entropy, so a fast hash suffices — unlike
 * passwords it cannot be guessed from a dictionary). The first characters are
 * kept as `prefix` so people can tell their tokens apart in listings.
 */
const TOKEN_MARK = 'ent_';
export const MIN_TOKEN_LENGTH = 32;

export interface ApiToken {
  readonly id: string;
  readonly userId: string;
  readonly prefix: string;
  readonly scope: TokenScope;
  readonly label: string | null;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
  readonly lastUsedAt: number | null;
}

export interface NewToken {
  readonly userId: string;
  readonly scope: TokenScope;
  /** Microseconds since the epoch; must be in the future. */
  readonly expiresAt?: number;
  readonly label?: string;
  /** A token chosen by the operator (ENTENTE_ADMIN_TOKEN); otherwise one is generated. */
  readonly secret?: string;
}

export interface CreatedToken {
  /** The secret: returned once, never stored. */
  readonly token: string;
  readonly record: ApiToken;
}

export function generateTokenSecret(): string {
  return `${TOKEN_MARK}${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function displayPrefix(token: string): string {
  return token.startsWith(TOKEN_MARK) ? token.slice(0, TOKEN_MARK.length + 8) : token.slice(0, 6);
}

export async function createToken(db: Kysely<DatabaseSchema>, input: NewToken, now: number = nowMicros()): Promise<CreatedToken> {
  const token = input.secret ?? generateTokenSecret();
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new EntenteError('invalid_input', `A token needs at least ${MIN_TOKEN_LENGTH} characters and no white space`);
  }
  if (input.expiresAt !== undefined && input.expiresAt <= now) {
    throw new EntenteError('invalid_input', 'A token expiry must be in the future', { expiresAt: input.expiresAt });
  }
  const user = await db.selectFrom('users').select('id').where('id', '=', input.userId).executeTakeFirst();
  if (user === undefined) throw new EntenteError('not_found', `No user with id ${input.userId}`);
  const tokenHash = hashToken(token);
  const taken = await db.selectFrom('api_tokens').select('id').where('token_hash', '=', tokenHash).executeTakeFirst();
  if (taken !== undefined) throw new EntenteError('conflict', 'This token is already registered');
  const row = {
    id: randomUUID(),
    user_id: input.userId,
    token_hash: tokenHash,
    prefix: displayPrefix(token),
    scope: input.scope,
    label: input.label ?? null,
    created_at: now,
    expires_at: input.expiresAt ?? null,
    revoked_at: null,
    last_used_at: null,
  };
  try {
    await db.insertInto('api_tokens').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new EntenteError('conflict', 'This token is already registered');
    throw error;
  }
  return { token, record: toToken(row) };
}

/** A live token with the user it belongs to. */
export interface LiveToken extends ApiToken {
  readonly user: User;
  /** The user's organisation represents a partner instance (partner-accounts.ts). */
  readonly representsPartner: boolean;
}

/**
 * Finds the live token matching a presented secret, with its user, or
 * undefined. Token and user come in one statement, so authenticating a request
 * costs one round trip to PostgreSQL, and a revoked token or a disabled user
 * takes effect on the very next request. The row is found by its hash through
 * the index; the hashes are then compared in constant time so the comparison
 * itself leaks nothing.
 */
export async function findLiveToken(
  db: Kysely<DatabaseSchema>,
  presented: string,
  now: number = nowMicros(),
): Promise<LiveToken | undefined> {
  const presentedHash = hashToken(presented);
  const row = (await db.executeQuery(liveTokenQuery(db, presentedHash))).rows[0];
  if (row === undefined) return undefined;
  const same = timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(presentedHash, 'hex'));
  if (!same || row.revoked_at !== null) return undefined;
  if (row.expires_at !== null && row.expires_at <= now) return undefined;
  const user = toUser({
    id: row.user_id,
    org_id: row.user_org_id,
    username: row.user_username,
    role: row.user_role,
    disabled: row.user_disabled,
    created_at: row.user_created_at,
  });
  return { ...toToken(row), user, representsPartner: Number(row.represents_partner) !== 0 };
}

/*
 * The look-up runs on every request: it is compiled once per database, with a
 * mark where the hash goes, and each request runs that SQL with its own hash.
 */
const HASH_MARK = `\u0000token-hash-${randomUUID()}`;
const liveTokenQueries = new WeakMap<Kysely<DatabaseSchema>, ReturnType<typeof compileLiveTokenQuery>>();

function compileLiveTokenQuery(db: Kysely<DatabaseSchema>) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id',
      'api_tokens.user_id',
      'api_tokens.token_hash',
      'api_tokens.prefix',
      'api_tokens.scope',
      'api_tokens.label',
      'api_tokens.created_at',
      'api_tokens.expires_at',
      'api_tokens.revoked_at',
      'api_tokens.last_used_at',
      'users.org_id as user_org_id',
      'users.username as user_username',
      'users.role as user_role',
      'users.disabled as user_disabled',
      'users.created_at as user_created_at',
      representsPartnerSql('users.org_id').as('represents_partner'),
    ])
    .where('api_tokens.token_hash', '=', HASH_MARK)
    .compile();
}

function liveTokenQuery(db: Kysely<DatabaseSchema>, tokenHash: string): ReturnType<typeof compileLiveTokenQuery> {
  let compiled = liveTokenQueries.get(db);
  if (compiled === undefined) {
    compiled = compileLiveTokenQuery(db);
    // A named prepared statement (store/prepared-statements.ts), so PostgreSQL parses and plans it once per
    // connection, not on every request (0.3 ms of its CPU each, 2026-11-27): its columns are listed, so a
    // migration adding one to `api_tokens` cannot change its result.
    runPrepared(compiled.sql);
    liveTokenQueries.set(db, compiled);
  }
  return { ...compiled, parameters: compiled.parameters.map((value) => (value === HASH_MARK ? tokenHash : value)) };
}

/**
 * Records that a token was used. Written at most once a minute per token so
 * that paging with a token does not turn every read into a write.
 */
export async function recordTokenUse(db: Kysely<DatabaseSchema>, token: ApiToken, now: number = nowMicros()): Promise<void> {
  const minute = 60_000_000;
  if (token.lastUsedAt !== null && now - token.lastUsedAt < minute) return;
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', token.id).execute();
}

export async function revokeToken(db: Kysely<DatabaseSchema>, tokenId: string, now: number = nowMicros()): Promise<void> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) {
    const exists = await db.selectFrom('api_tokens').select('id').where('id', '=', tokenId).executeTakeFirst();
    if (exists === undefined) throw new EntenteError('not_found', `No token with id ${tokenId}`);
  }
}

export async function listTokens(db: Kysely<DatabaseSchema>, userId: string): Promise<ApiToken[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
  return rows.map(toToken);
}

interface TokenRow {
  id: string;
  user_id: string;
  prefix: string;
  scope: TokenScope;
  label: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

function toToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    userId: row.user_id,
    prefix: row.prefix,
    scope: row.scope,
    label: row.label,
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}
