import { SESSION_LIFETIME_SECONDS } from '../../access/sessions.js';

/** The REST session cookie (REST.md "Sessions"): HttpOnly, SameSite=Strict, the whole site, twelve hours. */
export const SESSION_COOKIE = 'entente_session';

/** The session cookie's value in a `Cookie` header (RFC 6265 §5.4), or undefined. */
export function sessionCookieOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    if (pair.slice(0, equals).trim() === SESSION_COOKIE) {
      const value = pair.slice(equals + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

export function setSessionCookie(secret: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${secret}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_LIFETIME_SECONDS}${secure ? '; Secure' : ''}`;
}

export function clearSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${secure ? '; Secure' : ''}`;
}
