import { z } from 'zod';
import { getOrganization } from '../../access/organizations.js';
import type { Principal } from '../../access/principal.js';
import { createSession, deleteSession, purgeExpiredSessions } from '../../access/sessions.js';
import { EntenteError } from '../../errors.js';
import { recordableUsername } from '../auth-attempt.js';
import type { RestApi } from './rest-api.js';
import { RateLimitedError } from './rest-errors.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';

const SignIn = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict();

/** One message for every sign-in failure (unknown user, wrong password, disabled): no user enumeration. */
const SIGN_IN_FAILED = 'Sign-in failed: check the user name and password';

/**
 * REST.md "Sessions": `POST /session` signs in with a password and sets the
 * session cookie, `GET /session` says who is signed in (and gives the CSRF
 * token again), `DELETE /session` signs out. Failed sign-ins count towards
 * the same lock-out and are audited like failed TAXII authentications.
 */
export function sessionRoutes(api: RestApi): void {
  const { app, deps } = api;
  const secure = deps.settings.publicUrl?.startsWith('https:') === true;

  app.post('/session', async (request, reply) => {
    const { username, password } = SignIn.parse(request.body);
    const limiter = deps.authLimiter;
    const waitMs = limiter?.lockedFor(request.ip, username) ?? 0;
    if (waitMs > 0) throw new RateLimitedError(Math.ceil(waitMs / 1000));
    let principal: Principal;
    try {
      // The same verification as HTTP Basic (argon2id, equal time for unknown users, disabled users refused).
      principal = await deps.authenticator.authenticate(`Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`);
    } catch (error) {
      if (!(error instanceof EntenteError) || error.code !== 'unauthenticated') throw error;
      limiter?.recordFailure(request.ip, username);
      await api
        .audit(request, undefined, { action: 'auth.failure', details: { scheme: 'session', ...recordableUsername(username) } })
        .catch((auditError: unknown) => deps.logger.error({ err: auditError }, 'audit log write failed'));
      throw new EntenteError('unauthenticated', SIGN_IN_FAILED);
    }
    await purgeExpiredSessions(deps.db);
    const session = await createSession(deps.db, principal.userId, request.ip);
    await api.audit(request, principal, { action: 'session.create', target: principal.userId });
    void reply.header('set-cookie', setSessionCookie(session.secret, secure));
    return { user: await describeUser(api, principal), csrfToken: session.csrfToken };
  });

  app.get('/session', async (request) => {
    const principal = await api.authenticate(request);
    const session = api.sessionOf(request);
    return { user: await describeUser(api, principal), ...(session === undefined ? {} : { csrfToken: session.csrfToken }) };
  });

  app.delete('/session', async (request, reply) => {
    const principal = await api.authenticate(request);
    const session = api.sessionOf(request);
    if (session !== undefined) {
      await deleteSession(deps.db, session.id);
      await api.audit(request, principal, { action: 'session.delete', target: principal.userId });
    }
    return reply.header('set-cookie', clearSessionCookie(secure)).code(204).send();
  });
}

async function describeUser(api: RestApi, principal: Principal) {
  const org = await getOrganization(api.deps.db, principal.orgId);
  return {
    id: principal.userId,
    username: principal.username,
    role: principal.role,
    org: { id: principal.orgId, name: org?.name ?? principal.orgId },
  };
}
