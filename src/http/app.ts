import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { pino, type Logger } from 'pino';
import type { Authenticator, CollectionPermissions, Principal } from '../access/principal.js';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { AccessAudit } from '../access/access-audit.js';
import type { AuthFailureLimiter } from '../access/auth-failure-limiter.js';
import type { DeletionRights } from '../access/deletion-rights.js';
import type { ObjectPublisher } from '../access/publication.js';
import { isEntenteError } from '../errors.js';
import type { Settings } from '../config/settings.js';
import type { ObjectStore, ReadScope } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import { registerTaxiiRoutes, TAXII_MEDIA_TYPE } from '../taxii/server/index.js';
import { describeAttempt } from './auth-attempt.js';
import { mapError, routeNotFound, unparsableRequest, type MappedError } from './error-mapper.js';
import { createAccessAudit } from '../access/access-audit.js';
import { REST_PREFIX, registerRestApi, sendRestError } from './rest/index.js';
import { mapRestError } from './rest/rest-errors.js';
import { registerStaticWeb } from './static-web.js';

export interface AppDeps {
  readonly settings: Settings;
  readonly store: ObjectStore;
  readonly authenticator: Authenticator;
  /** The collection-level access decision (`access/permissions.ts` `createPermissionCheck`). */
  readonly permissions: (principal: Principal, collectionId: string) => Promise<CollectionPermissions>;
  /**
   * What of a collection a principal may see, applied in the store's SQL. Until
   * the marking policy (issue 4) builds narrower scopes, a reader of a
   * collection sees all of it.
   */
  readonly readScope?: (principal: Principal) => ReadScope;
  /** Add Objects under the sharing rules (`access/publication.ts` `createPublisher`). */
  readonly publish?: ObjectPublisher;
  /** Who may delete which visible versions (`access/deletion-rights.ts`). */
  readonly deletionRights?: DeletionRights;
  /** The audit trail: authentication failures, deletions, reads of marked objects (`access/access-audit.ts`). */
  readonly audit?: AccessAudit;
  /** Lock-out after repeated authentication failures (`access/auth-failure-limiter.ts`); absent: none. */
  readonly authLimiter?: AuthFailureLimiter;
  /** Where errors are logged; by default a pino logger at `settings.logLevel` on stdout. */
  readonly logger?: Logger;
  /** The access database; with it the REST API (/rest/v1, http/rest/) is served too. */
  readonly db?: Kysely<DatabaseSchema>;
}

const WHOLE_COLLECTION: ReadScope = Object.freeze({ kind: 'all' });

/** Longest path segment routed: a STIX id is a type (up to 250 characters) + `--` + a UUID. */
const MAX_PARAM_LENGTH = 300;

/**
 * Assembles the HTTP application: the TAXII 2.1 endpoints and the one error
 * mapper. Requests are not logged one by one (paging must stay cheap); errors
 * answered with 5xx are logged with the `error_id` the client receives.
 */
export function buildApp(deps: AppDeps): FastifyInstance {
  const logger = deps.logger ?? pino({ level: deps.settings.logLevel });
  const app = Fastify({
    logger: false,
    // TAXII URLs end with '/', but clients differ (taxii2-client builds status URLs without one): answer both alike.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // Errors Fastify raises before routing (a path that cannot be decoded, a segment longer than any id)
    // still answer with a TAXII error body, never Fastify's own.
    frameworkErrors: (error, request, reply) =>
      request.url.startsWith(`${REST_PREFIX}/`) ? sendRestError(reply, mapRestError(error)) : sendError(reply, mapError(error)),
    // A request line or header Node's parser rejects never reaches Fastify: answer it here, alike.
    clientErrorHandler: (error, socket) => answerUnparsable(error, socket),
  });

  // Bodies reach the handlers unread, so that each handler authenticates and
  // authorises before reading up to max_content_length bytes (the handler
  // enforces settings.maxBodyBytes, not Fastify's bodyLimit), and keeps the
  // exact text of every object (taxii/server/raw-envelope.ts).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  const limiter = deps.authLimiter;
  if (limiter) {
    // Before any credential is checked: a locked-out address or account name costs nothing to refuse.
    app.addHook('onRequest', async (request, reply) => {
      // The REST API checks the lock-out itself and answers with its own error body.
      if (request.url.startsWith(`${REST_PREFIX}/`)) return undefined;
      const waitMs = limiter.lockedFor(request.ip, describeAttempt(request.headers.authorization).username);
      if (waitMs > 0) return sendError(reply, tooManyFailures(waitMs));
      return undefined;
    });
  }

  app.setErrorHandler(async (error, request, reply) => {
    const mapped = mapError(error);
    const failedLogin = isEntenteError(error) && error.code === 'unauthenticated';
    if (failedLogin) limiter?.recordFailure(request.ip, describeAttempt(request.headers.authorization).username);
    if (deps.audit && failedLogin) {
      // Never the credentials themselves: only the scheme, and the user name a Basic attempt claimed.
      // The 401 is answered even when the audit write fails; the failure is logged.
      await deps.audit
        .record({
          action: 'auth.failure',
          address: request.ip,
          path: `${request.method} ${request.url}`,
          details: describeAttempt(request.headers.authorization),
        })
        .catch((auditError: unknown) => logger.error({ err: auditError }, 'audit log write failed'));
    }
    if (mapped.internal) {
      logger.error({ err: error, errorId: mapped.body.error_id, method: request.method, url: request.url }, 'request failed');
    }
    return sendError(reply, mapped);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, routeNotFound(request.method, request.url)));

  registerTaxiiRoutes(app, {
    settings: deps.settings,
    store: deps.store,
    authenticator: deps.authenticator,
    permissions: deps.permissions,
    readScope: deps.readScope ?? (() => WHOLE_COLLECTION),
    ...(deps.publish ? { publish: deps.publish } : {}),
    ...(deps.deletionRights ? { deletionRights: deps.deletionRights } : {}),
    ...(deps.audit ? { audit: deps.audit } : {}),
  });
  if (deps.db) {
    registerRestApi(app, {
      settings: deps.settings,
      store: deps.store,
      db: deps.db,
      authenticator: deps.authenticator,
      permissions: deps.permissions,
      readScope: deps.readScope ?? (() => WHOLE_COLLECTION),
      ...(deps.publish ? { publish: deps.publish } : {}),
      audit: deps.audit ?? createAccessAudit(deps.db),
      ...(limiter ? { authLimiter: limiter } : {}),
      logger,
    });
  }
  registerStaticWeb(app);
  return app;
}

/** 429 while locked out (issue 4: documented lock-out, README "Sharing"). */
function tooManyFailures(waitMs: number): MappedError {
  const seconds = Math.ceil(waitMs / 1000);
  return {
    status: 429,
    headers: { 'retry-after': String(seconds) },
    body: {
      title: 'Too Many Requests',
      description: `Too many failed authentication attempts from this address or for this user name; try again in ${seconds} seconds`,
      error_id: randomUUID(),
      error_code: 'rate_limited',
      http_status: '429',
    },
    internal: false,
  };
}

/** Answers a request Node's parser refused with a TAXII error body, written straight to the socket. */
function answerUnparsable(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return;
  const mapped = unparsableRequest(error.code === 'HPE_HEADER_OVERFLOW');
  const body = JSON.stringify(mapped.body);
  socket.end(
    `HTTP/1.1 ${mapped.status} ${mapped.body.title}\r\nContent-Type: ${TAXII_MEDIA_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Sent as bytes so that Fastify keeps the Content-Type exactly as written (see taxii-reply.ts). */
function sendError(reply: FastifyReply, mapped: MappedError): FastifyReply {
  return reply
    .code(mapped.status)
    .headers(mapped.headers)
    .header('content-type', TAXII_MEDIA_TYPE)
    .send(Buffer.from(JSON.stringify(mapped.body), 'utf8'));
}
