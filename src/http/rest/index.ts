import type { FastifyInstance, FastifyReply } from 'fastify';
import { scanEnvelope } from '../../taxii/server/raw-envelope.js';
import { describeAttempt } from '../auth-attempt.js';
import { createRestApi, type RestDeps } from './rest-api.js';
import { mapRestError, RateLimitedError, restRouteNotFound, type MappedRestError } from './rest-errors.js';
import { restRouteModules } from './routes.js';
import { requireStorableText } from './storable-text.js';

export type { RestApi, RestDeps, RestAuditEvent } from './rest-api.js';
export type { RestRouteModule } from './routes.js';

export const REST_PREFIX = '/rest/v1';

/**
 * The REST API of the web UI (REST.md): a Fastify plugin under `/rest/v1`
 * with its own JSON body parser, error answers `{error: {code, message,
 * details?}}`, lock-out check, and every module of `routes.ts`. The TAXII
 * routes outside it keep their raw-body handling and TAXII error bodies.
 */
export function registerRestApi(app: FastifyInstance, deps: RestDeps): void {
  void app.register(
    async (rest) => {
      // The root app hands every body over unread (TAXII); here only JSON is accepted, parsed up to the limit.
      rest.removeAllContentTypeParsers();
      rest.addContentTypeParser(
        'application/json',
        { parseAs: 'string', bodyLimit: deps.settings.maxRestBodyBytes },
        (_request, body, done) => {
          try {
            done(null, parseJsonBody(body as string, deps.settings.maxJsonDepth));
          } catch (error) {
            done(error as Error, undefined);
          }
        },
      );

      const limiter = deps.authLimiter;
      if (limiter) {
        // Before any credential is checked: a locked-out address or account name costs nothing to refuse.
        rest.addHook('onRequest', async (request) => {
          const waitMs = limiter.lockedFor(request.ip, describeAttempt(request.headers.authorization).username);
          if (waitMs > 0) throw new RateLimitedError(Math.ceil(waitMs / 1000));
        });
      }
      // Parameters and bodies reach the routes as text both databases store unchanged.
      rest.addHook('preValidation', async (request) => {
        requireStorableText(request.params, '');
        requireStorableText(request.query, '');
        requireStorableText(request.body, '');
      });
      // Answers hold accounts, tokens shown once and intelligence: never cached, never sniffed as another type.
      rest.addHook('onSend', async (_request, reply) => {
        void reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
      });

      rest.setErrorHandler(async (error, request, reply) => {
        const mapped = mapRestError(error);
        const authorization = request.headers.authorization;
        const failedCredentials = mapped.status === 401 && authorization !== undefined;
        if (failedCredentials) {
          const attempt = describeAttempt(authorization);
          limiter?.recordFailure(request.ip, attempt.username);
          // The 401 is answered even when the audit write fails; the failure is logged.
          await deps.audit
            .record({ action: 'auth.failure', address: request.ip, path: `${request.method} ${request.url.split('?')[0] ?? ''}`, details: attempt })
            .catch((auditError: unknown) => deps.logger.error({ err: auditError }, 'audit log write failed'));
        }
        if (mapped.internal) {
          deps.logger.error({ err: error, errorId: mapped.body.error.details?.errorId, method: request.method, url: request.url }, 'request failed');
        }
        return sendRestError(reply, mapped);
      });
      rest.setNotFoundHandler((request, reply) => sendRestError(reply, restRouteNotFound(request.method, request.url)));

      const api = createRestApi(rest, deps);
      for (const module of restRouteModules) module(api);
    },
    { prefix: REST_PREFIX },
  );
}

/** JSON with the same nesting limit as TAXII bodies (ENTENTE_MAX_JSON_DEPTH); an empty body is no body. */
function parseJsonBody(text: string, maxDepth: number): unknown {
  if (text.trim() === '') return undefined;
  scanEnvelope(text, maxDepth);
  return JSON.parse(text);
}

export function sendRestError(reply: FastifyReply, mapped: MappedRestError): FastifyReply {
  return reply.code(mapped.status).headers(mapped.headers).send(mapped.body);
}
