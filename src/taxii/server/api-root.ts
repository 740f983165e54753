import type { FastifyInstance } from 'fastify';
import { requireAcceptsTaxii, TAXII_MEDIA_TYPE } from './media-types.js';
import { sendTaxii } from './taxii-reply.js';
import { API_ROOT_PATH, type TaxiiContext } from './taxii-context.js';

/**
 * TAXII 2.1 §4.2 Get API Root Information: `GET /api/v21/` → api-root
 * resource (§4.2.1). `max_content_length` is the request body limit enforced
 * on Add Objects (413 above it).
 */
export function registerApiRoot(app: FastifyInstance, ctx: TaxiiContext): void {
  app.get(API_ROOT_PATH, async (request, reply) => {
    await ctx.authenticator.authenticate(request.headers.authorization);
    requireAcceptsTaxii(request.headers.accept);
    return sendTaxii(reply, 200, {
      title: ctx.settings.apiRootTitle,
      description: ctx.settings.apiRootDescription,
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: ctx.settings.maxBodyBytes,
    });
  });
}
