import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireAcceptsTaxii } from './media-types.js';
import { sendTaxii } from './taxii-reply.js';
import { API_ROOT_PATH, DISCOVERY_PATH, type TaxiiContext } from './taxii-context.js';

/**
 * The server's base URL as partners reach it: the configured public URL, or
 * the scheme and Host of the request itself.
 */
export function baseUrl(ctx: TaxiiContext, request: FastifyRequest): string {
  const configured = ctx.settings.publicUrl;
  if (configured !== undefined) return configured.replace(/\/+$/, '');
  return `${request.protocol}://${request.host}`;
}

/**
 * TAXII 2.1 §4.1 Server Discovery: `GET /taxii2/` → discovery resource
 * (§4.1.1) naming the one API root, which is also the default.
 */
export function registerDiscovery(app: FastifyInstance, ctx: TaxiiContext): void {
  app.get(DISCOVERY_PATH, async (request, reply) => {
    await ctx.authenticator.authenticate(request.headers.authorization);
    requireAcceptsTaxii(request.headers.accept);
    const apiRoot = `${baseUrl(ctx, request)}${API_ROOT_PATH}`;
    return sendTaxii(reply, 200, {
      title: ctx.settings.title,
      description: 'entente: counter-terrorism intelligence exchanged as STIX 2.1 over TAXII 2.1',
      default: apiRoot,
      api_roots: [apiRoot],
    });
  });
}
