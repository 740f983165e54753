import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AccessAudit } from '../../access/access-audit.js';
import type { AuthFailureLimiter } from '../../access/auth-failure-limiter.js';
import type { Authenticator, CollectionPermissions, Principal, Role } from '../../access/principal.js';
import type { ObjectPublisher } from '../../access/publication.js';
import { csrfMatches, findSession, type LiveSession } from '../../access/sessions.js';
import type { Settings } from '../../config/settings.js';
import { EntenteError } from '../../errors.js';
import type { ObjectStore, ReadScope } from '../../store/object-store.js';
import type { DatabaseSchema } from '../../store/schema.js';
import { CsrfError } from './rest-errors.js';
import { sessionCookieOf } from './session-cookie.js';

/** What the REST API is built over: the store, its database and the access services (`access/access-services.ts`). */
export interface RestDeps {
  readonly settings: Settings;
  readonly store: ObjectStore;
  readonly db: Kysely<DatabaseSchema>;
  readonly authenticator: Authenticator;
  readonly permissions: (principal: Principal, collectionId: string) => Promise<CollectionPermissions>;
  readonly readScope: (principal: Principal) => ReadScope;
  readonly publish?: ObjectPublisher;
  readonly audit: AccessAudit;
  readonly authLimiter?: AuthFailureLimiter;
  readonly logger: Logger;
}

/** One audited action of a REST request; the actor, address and path come from the request. */
export interface RestAuditEvent {
  readonly action: string;
  /** What was acted on: an organisation, user, token, collection, group or object id. */
  readonly target?: string | null;
  /** Never a secret: no password, token or cookie. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * What every REST route module gets (REST.md "Plumbing"). A handler reads as
 * a pipeline: `authenticate` → validate (zod `.strict()`) → `requireRole` /
 * `requireWrite` → act → `audit` → present.
 */
export interface RestApi {
  /** The encapsulated Fastify instance, prefix `/rest/v1`. */
  readonly app: FastifyInstance;
  readonly deps: RestDeps;
  /**
   * The principal of a request: by `Authorization` (Basic or Bearer) when the
   * header is present, else by the session cookie. Throws 401; throws 403
   * `csrf` for a state-changing request authenticated by the cookie without
   * the session's `X-CSRF-Token`.
   */
  authenticate(request: FastifyRequest): Promise<Principal>;
  /** The session that authenticated the request, if it was the cookie. */
  sessionOf(request: FastifyRequest): LiveSession | undefined;
  /** Throws 403 unless the principal has the role (an admin has every role). */
  requireRole(principal: Principal, role: Extract<Role, 'admin' | 'contributor'>): void;
  /** Throws 403 for a read-only API token. */
  requireWrite(principal: Principal): void;
  /** What of a collection the principal may see, for `visibilityCondition` (store/visibility-sql.ts). */
  readScope(principal: Principal): ReadScope;
  /** The ids of the collections the principal may read (access/permissions.ts: admins read every collection). */
  readableCollections(principal: Principal): Promise<string[]>;
  /** Appends to the audit log with the actor's user and organisation, the client address and the request path. */
  audit(request: FastifyRequest, principal: Principal | undefined, event: RestAuditEvent): Promise<void>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface Authenticated {
  readonly principal: Principal;
  readonly session?: LiveSession;
}

const UNAUTHENTICATED =
  'Authentication failed: sign in (POST /rest/v1/session) or send HTTP Basic credentials or an API token (Authorization: Bearer <token>)';

export function createRestApi(app: FastifyInstance, deps: RestDeps): RestApi {
  const done = new WeakMap<FastifyRequest, Authenticated>();

  async function identify(request: FastifyRequest): Promise<Authenticated> {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) return { principal: await deps.authenticator.authenticate(authorization) };
    const secret = sessionCookieOf(request.headers.cookie);
    const session = secret === undefined ? undefined : await findSession(deps.db, secret);
    if (session === undefined) throw new EntenteError('unauthenticated', UNAUTHENTICATED);
    if (!SAFE_METHODS.has(request.method)) {
      const presented = request.headers['x-csrf-token'];
      if (!csrfMatches(session, typeof presented === 'string' ? presented : undefined)) throw new CsrfError();
    }
    return { principal: session.principal, session };
  }

  return {
    app,
    deps,
    async authenticate(request) {
      const known = done.get(request);
      if (known !== undefined) return known.principal;
      const found = await identify(request);
      done.set(request, found);
      return found.principal;
    },
    sessionOf: (request) => done.get(request)?.session,
    requireRole(principal, role) {
      if (principal.role === 'admin' || principal.role === role) return;
      throw new EntenteError('forbidden', `This needs the ${role} role; your account is ${principal.role}`, { role });
    },
    requireWrite(principal) {
      if (principal.scope !== 'read-write') {
        throw new EntenteError('forbidden', 'This API token is read-only: use a read-write token or sign in');
      }
    },
    readScope: (principal) => deps.readScope(principal),
    async readableCollections(principal) {
      if (principal.role === 'admin') return (await deps.store.listCollections()).map((c) => c.id);
      const rows = await deps.db
        .selectFrom('collection_grants')
        .select('collection_id')
        .where('org_id', '=', principal.orgId)
        .where('can_read', '=', 1)
        .orderBy('collection_id')
        .execute();
      return rows.map((row) => row.collection_id);
    },
    async audit(request, principal, event) {
      await deps.audit.record({
        action: event.action,
        actorUser: principal?.userId ?? null,
        actorOrg: principal?.orgId ?? null,
        target: event.target ?? null,
        address: request.ip,
        path: `${request.method} ${request.url.split('?')[0] ?? request.url}`,
        ...(event.details === undefined ? {} : { details: event.details }),
      });
    },
  };
}
