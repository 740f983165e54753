/**
 * What an `Authorization` header claimed, without its secret: the scheme, and
 * the user name an HTTP Basic attempt gave. For the lock-out
 * (access/auth-failure-limiter.ts) and the audit of authentication failures.
 */
export function describeAttempt(authorization: string | undefined): { scheme: string; username?: string } {
  if (authorization === undefined) return { scheme: 'none' };
  const [scheme = '', credentials = ''] = authorization.split(' ', 2);
  if (scheme.toLowerCase() !== 'basic') return { scheme: scheme.toLowerCase().slice(0, 20) };
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { scheme: 'basic', ...recordableUsername(colon > 0 ? decoded.slice(0, colon) : '') };
}

/**
 * The user name an attempt claimed, when it is a possible user name: anything
 * else may be a password typed in the wrong field, and is not recorded.
 */
export function recordableUsername(username: string): { username?: string } {
  return /^[a-z0-9][a-z0-9._@-]{0,63}$/.test(username) ? { username } : {};
}
