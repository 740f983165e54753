import type { Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import type { DatabaseSchema } from '../store/schema.js';
import { spendVerificationTime, verifyPassword } from './passwords.js';
import type { Authenticator, Principal } from './principal.js';
import { RecentPrincipals } from './recent-principals.js';
import { findLiveToken, recordTokenUse } from './tokens.js';
import { findUserByUsername } from './users.js';
import { VerifiedPasswordCache } from './verified-password-cache.js';

/*
 * One message for every failure (missing header, unknown scheme, unknown user,
 * wrong password, disabled user, unknown, expired or revoked token), so an
 * answer never tells which part was wrong (TAXII 2.1 §1.6.7, issue 4 "no user
 * enumeration").
 */
const FAILURE = 'Authentication failed: send valid HTTP Basic credentials or an API token (Authorization: Bearer <token>)';

function failure(): EntenteError {
  return new EntenteError('unauthenticated', FAILURE);
}

/**
 * Authenticates HTTP `Authorization` headers against the users and tokens
 * tables: `Basic` (RFC 7617, argon2id passwords) and `Bearer` (RFC 6750, API
 * tokens; also under the scheme `Token`, as the OASIS taxii2-client sends
 * them). An unknown user costs as much time as a wrong password.
 */
export class DatabaseAuthenticator implements Authenticator {
  private readonly cache = new VerifiedPasswordCache();
  private readonly recent = new RecentPrincipals();

  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  recall(authorization: string | undefined): Principal | undefined {
    return authorization === undefined ? undefined : this.recent.recall(authorization);
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (authorization === undefined) throw failure();
    try {
      const principal = await this.verify(authorization);
      this.recent.remember(authorization, principal);
      return principal;
    } catch (error) {
      this.recent.forget(authorization);
      throw error;
    }
  }

  private async verify(authorization: string): Promise<Principal> {
    const parts = authorizationParts(authorization);
    if (parts?.scheme === 'basic') return this.basic(parts.credentials);
    if (parts?.scheme === 'token') return this.bearer(parts.credentials);
    throw failure();
  }

  private async basic(encoded: string): Promise<Principal> {
    const decoded = decodeBasic(encoded);
    if (decoded === undefined) throw failure();
    const { username, password } = decoded;
    const user = await findUserByUsername(this.db, username);
    if (user === undefined) {
      await spendVerificationTime(password);
      throw failure();
    }
    if (!this.cache.has(user.passwordHash, password)) {
      if (!(await verifyPassword(user.passwordHash, password))) throw failure();
      this.cache.remember(user.passwordHash, password);
    }
    if (user.disabled) throw failure();
    return { userId: user.id, username: user.username, orgId: user.orgId, role: user.role, scope: 'read-write', representsPartner: user.representsPartner, via: 'basic' };
  }

  private async bearer(token: string): Promise<Principal> {
    if (token === '') throw failure();
    const record = await findLiveToken(this.db, token);
    if (record === undefined || record.user.disabled) throw failure();
    const { user, representsPartner } = record;
    await recordTokenUse(this.db, record);
    return { userId: user.id, username: user.username, orgId: user.orgId, role: user.role, scope: record.scope, representsPartner, via: 'token' };
  }
}

/** The scheme and credentials of an `Authorization` header, or undefined when it has no known scheme. */
function authorizationParts(authorization: string): { scheme: 'basic' | 'token'; credentials: string } | undefined {
  const space = authorization.indexOf(' ');
  if (space < 0) return undefined;
  const scheme = authorization.slice(0, space).toLowerCase();
  const credentials = authorization.slice(space + 1).trim();
  if (scheme === 'basic') return { scheme, credentials };
  // `Token` is what the OASIS taxii2-client's TokenAuth sends; it carries the same API token.
  if (scheme === 'bearer' || scheme === 'token') return { scheme: 'token', credentials };
  return undefined;
}

/** The API token an `Authorization` header presents (Bearer or Token), as the authenticator reads it; else undefined. */
export function presentedToken(authorization: string | undefined): string | undefined {
  const parts = authorization === undefined ? undefined : authorizationParts(authorization);
  return parts?.scheme === 'token' && parts.credentials !== '' ? parts.credentials : undefined;
}

function decodeBasic(encoded: string): { username: string; password: string } | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}
