import type { FastifyInstance } from 'fastify';
import { registerApiRoot } from './api-root.js';
import { registerCollections } from './collections.js';
import { registerDiscovery } from './discovery.js';
import { registerManifest } from './manifest.js';
import { registerObject } from './object.js';
import { registerObjects } from './objects.js';
import { registerStatus } from './status.js';
import type { TaxiiContext } from './taxii-context.js';
import { registerVersions } from './versions.js';

export { TAXII_MEDIA_TYPE, STIX_MEDIA_TYPE } from './media-types.js';
export { APPLIED_LIMIT_HEADER } from './taxii-reply.js';
export { API_ROOT_PATH, DISCOVERY_PATH, type TaxiiContext, type TaxiiServerSettings } from './taxii-context.js';

/** Registers every TAXII 2.1 endpoint (§4 server information, §5 collections) on a Fastify app. */
export function registerTaxiiRoutes(app: FastifyInstance, ctx: TaxiiContext): void {
  registerDiscovery(app, ctx);
  registerApiRoot(app, ctx);
  registerStatus(app, ctx);
  registerCollections(app, ctx);
  registerManifest(app, ctx);
  registerObjects(app, ctx);
  registerObject(app, ctx);
  registerVersions(app, ctx);
}
