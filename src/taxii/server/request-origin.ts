import type { FastifyRequest } from 'fastify';
import type { RequestOrigin } from '../../access/access-audit.js';

/** Where a request came from, as the audit log records it (never its headers: they may hold credentials). */
export function requestOrigin(request: FastifyRequest): RequestOrigin {
  return { address: request.ip, path: `${request.method} ${request.url}` };
}
