import { EntenteError } from '../errors.js';
import type { CollectionResource, TaxiiClient } from '../taxii/client/index.js';

/**
 * The API root a partner is pulled from: its discovery document's `default`,
 * or else its only (first) API root (TAXII 2.1 §4.1).
 */
export async function partnerApiRoot(client: TaxiiClient, discoveryUrl: string): Promise<string> {
  const discovery = await client.discover(discoveryUrl);
  const root = discovery.default ?? discovery.api_roots[0];
  if (root === undefined) {
    throw new EntenteError('remote_error', `${discoveryUrl} lists no API root: the partner's TAXII server has nothing to pull from`, {
      discoveryUrl,
    });
  }
  return root;
}

/**
 * The partner's collection a rule names, by id, then alias, then title
 * (TAXII 2.1 §5.1). Throws naming what the API root does offer.
 */
export async function findRemoteCollection(
  client: TaxiiClient,
  apiRootUrl: string,
  name: string,
): Promise<CollectionResource> {
  const collections = await client.listCollections(apiRootUrl);
  const found =
    collections.find((c) => c.id === name) ?? collections.find((c) => c.alias === name) ?? collections.find((c) => c.title === name);
  if (found === undefined) {
    const offered = collections.map((c) => c.alias ?? c.title ?? c.id).join(', ');
    throw new EntenteError(
      'not_found',
      `The partner's API root ${apiRootUrl} has no collection "${name}" visible to these credentials (it offers: ${offered === '' ? 'none' : offered})`,
      { apiRootUrl, collection: name },
    );
  }
  return found;
}
