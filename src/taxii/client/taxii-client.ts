import { setTimeout as sleep } from 'node:timers/promises';
import { EntenteError } from '../../errors.js';
import type { StixObject } from '../../stix/stix-object.js';
import { scanEnvelope } from '../server/raw-envelope.js';
import { filterQuery } from './object-filter.js';
import type {
  ApiRootResource,
  CollectionResource,
  DiscoveryResource,
  Envelope,
  ManifestRecordResource,
  ObjectFilter,
  StatusResource,
} from './taxii-resources.js';
import { TaxiiTransport, type TaxiiResponse, type TransportOptions } from './taxii-transport.js';

export interface StatusWaitOptions {
  /** First pause between polls; doubles up to 5 s. Default 200 ms. */
  readonly intervalMs?: number;
  /** Give up after this long. Default 5 minutes. */
  readonly timeoutMs?: number;
}

/**
 * A client for any TAXII 2.1 server. URLs are absolute: the discovery URL
 * (e.g. `https://host/taxii2/`) and API root URLs as discovery lists them.
 * Every failure is an `EntenteError('remote_error')` whose details carry the
 * HTTP status and the server's TAXII error body.
 */
export class TaxiiClient {
  private readonly transport: TaxiiTransport;

  constructor(options: TransportOptions = {}) {
    this.transport = new TaxiiTransport(options);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  /** TAXII 2.1 §4.1 Server Discovery. `api_roots` are resolved to absolute URLs ([] when the server lists none). */
  async discover(discoveryUrl: string): Promise<DiscoveryResource & { readonly api_roots: readonly string[] }> {
    const url = withSlash(discoveryUrl);
    const body = record(await this.transport.send('GET', url), url);
    const discovery = body as unknown as DiscoveryResource;
    const roots = Array.isArray(body.api_roots) ? body.api_roots.map((root) => new URL(String(root), url).href) : [];
    const fallback = typeof body.default === 'string' ? new URL(body.default, url).href : undefined;
    return { ...discovery, api_roots: roots, ...(fallback !== undefined ? { default: fallback } : {}) };
  }

  /** TAXII 2.1 §4.2 Get API Root Information. */
  async getApiRoot(apiRootUrl: string): Promise<ApiRootResource> {
    const url = withSlash(apiRootUrl);
    return record(await this.transport.send('GET', url), url) as unknown as ApiRootResource;
  }

  /** TAXII 2.1 §5.1 Get Collections; an API root without collections gives []. */
  async listCollections(apiRootUrl: string): Promise<CollectionResource[]> {
    const url = `${withSlash(apiRootUrl)}collections/`;
    const response = await this.transport.send('GET', url);
    if (response.body === undefined) return [];
    const list = record(response, url).collections;
    return Array.isArray(list) ? (list as CollectionResource[]) : [];
  }

  /** TAXII 2.1 §5.2 Get A Collection. */
  async getCollection(apiRootUrl: string, collectionId: string): Promise<CollectionResource> {
    const url = collectionUrl(apiRootUrl, collectionId);
    return record(await this.transport.send('GET', url), url) as unknown as CollectionResource;
  }

  /** TAXII 2.1 §5.3 Get Object Manifests: one page. */
  async getManifest(apiRootUrl: string, collectionId: string, filter?: ObjectFilter): Promise<Envelope<ManifestRecordResource>> {
    const url = `${collectionUrl(apiRootUrl, collectionId)}manifest/${filterQuery(filter)}`;
    return envelope<ManifestRecordResource>(await this.transport.send('GET', url), url, 'objects');
  }

  /** TAXII 2.1 §5.4 Get Objects: one page, with each object's exact source text in `texts`. */
  async getObjects(apiRootUrl: string, collectionId: string, filter?: ObjectFilter): Promise<Envelope<StixObject>> {
    const url = `${collectionUrl(apiRootUrl, collectionId)}objects/${filterQuery(filter)}`;
    const response = await this.transport.send('GET', url);
    const page = envelope<StixObject>(response, url, 'objects');
    const texts = objectTexts(response.text, page.items.length);
    return texts === undefined ? page : { ...page, texts };
  }

  /** TAXII 2.1 §5.6 Get An Object: the selected versions of one object, one page. */
  async getObject(
    apiRootUrl: string,
    collectionId: string,
    objectId: string,
    filter?: ObjectFilter,
  ): Promise<Envelope<StixObject>> {
    const url = `${objectUrl(apiRootUrl, collectionId, objectId)}${filterQuery(filter)}`;
    return envelope<StixObject>(await this.transport.send('GET', url), url, 'objects');
  }

  /** TAXII 2.1 §5.8 Get Object Versions: version timestamps, one page. */
  async getVersions(apiRootUrl: string, collectionId: string, objectId: string, filter?: ObjectFilter): Promise<Envelope<string>> {
    const url = `${objectUrl(apiRootUrl, collectionId, objectId)}versions/${filterQuery(filter)}`;
    return envelope<string>(await this.transport.send('GET', url), url, 'versions');
  }

  /**
   * Pages through a collection's objects (TAXII 2.1 §5.4), following `next`
   * when the server gives one and otherwise continuing from the page's
   * `X-TAXII-Date-Added-Last` as `added_after` (§3.4.2). Stops when `more` is
   * false; a server that claims more without a way to get it is an error
   * rather than an endless loop.
   */
  async *pages(apiRootUrl: string, collectionId: string, filter: ObjectFilter = {}): AsyncGenerator<Envelope<StixObject>> {
    let current: ObjectFilter = filter;
    for (;;) {
      const page = await this.getObjects(apiRootUrl, collectionId, current);
      yield page;
      if (!page.more) return;
      current = following(current, page, collectionId);
    }
  }

  /** Every object of a collection that matches the filter, page by page. */
  async *objects(apiRootUrl: string, collectionId: string, filter: ObjectFilter = {}): AsyncGenerator<StixObject> {
    for await (const page of this.pages(apiRootUrl, collectionId, filter)) yield* page.items;
  }

  /** TAXII 2.1 §5.5 Add Objects: posts one envelope and returns the status resource. */
  async addObjects(apiRootUrl: string, collectionId: string, objects: readonly StixObject[]): Promise<StatusResource> {
    const url = `${collectionUrl(apiRootUrl, collectionId)}objects/`;
    return status(await this.transport.send('POST', url, { objects }), url);
  }

  /** TAXII 2.1 §4.3 Get Status. */
  async getStatus(apiRootUrl: string, statusId: string): Promise<StatusResource> {
    const url = `${withSlash(apiRootUrl)}status/${encodeURIComponent(statusId)}/`;
    return status(await this.transport.send('GET', url), url);
  }

  /** Polls a status (TAXII 2.1 §4.3) until it is `complete`, backing off between polls. */
  async waitForStatus(apiRootUrl: string, initial: StatusResource, options: StatusWaitOptions = {}): Promise<StatusResource> {
    const deadline = Date.now() + (options.timeoutMs ?? 300_000);
    let interval = options.intervalMs ?? 200;
    let current = initial;
    while (current.status !== 'complete') {
      if (Date.now() + interval > deadline) {
        throw new EntenteError('remote_error', `Status ${current.id} still pending after the wait limit`, {
          statusId: current.id,
          pendingCount: current.pending_count,
        });
      }
      await sleep(interval);
      interval = Math.min(interval * 2, 5_000);
      current = await this.getStatus(apiRootUrl, current.id);
    }
    return current;
  }

  /** TAXII 2.1 §5.7 Delete An Object (the versions the filter selects). */
  async deleteObject(apiRootUrl: string, collectionId: string, objectId: string, filter?: ObjectFilter): Promise<void> {
    const url = `${objectUrl(apiRootUrl, collectionId, objectId)}${filterQuery(filter)}`;
    await this.transport.send('DELETE', url);
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function collectionUrl(apiRootUrl: string, collectionId: string): string {
  return `${withSlash(apiRootUrl)}collections/${encodeURIComponent(collectionId)}/`;
}

function objectUrl(apiRootUrl: string, collectionId: string, objectId: string): string {
  return `${collectionUrl(apiRootUrl, collectionId)}objects/${encodeURIComponent(objectId)}/`;
}

function following(current: ObjectFilter, page: Envelope<StixObject>, collectionId: string): ObjectFilter {
  if (page.next !== undefined && page.next !== '') {
    if (page.next === current.next) {
      throw new EntenteError('remote_error', `Collection ${collectionId}: the server repeated the same next cursor`, {
        collectionId,
        next: page.next,
      });
    }
    return { ...current, next: page.next };
  }
  if (page.dateAddedLast !== undefined && page.dateAddedLast !== current.addedAfter && page.items.length > 0) {
    const { next: _dropped, ...rest } = current;
    return { ...rest, addedAfter: page.dateAddedLast };
  }
  throw new EntenteError(
    'remote_error',
    `Collection ${collectionId}: the server says more objects follow but gives neither next nor a new X-TAXII-Date-Added-Last`,
    { collectionId },
  );
}

function record(response: TaxiiResponse, url: string): Record<string, unknown> {
  const body = response.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new EntenteError('remote_error', `GET ${url}: expected a JSON object`, { url, status: response.status });
  }
  return body as Record<string, unknown>;
}

/** TAXII 2.1 §3.7: an empty envelope may omit every property. */
function envelope<T>(response: TaxiiResponse, url: string, itemsKey: 'objects' | 'versions'): Envelope<T> {
  if (response.body === undefined) return { more: false, items: [] };
  const body = record(response, url);
  const items = body[itemsKey];
  if (items !== undefined && !Array.isArray(items)) {
    throw new EntenteError('remote_error', `${url}: "${itemsKey}" is not a list`, { url });
  }
  const first = response.headers['x-taxii-date-added-first'];
  const last = response.headers['x-taxii-date-added-last'];
  return {
    more: body.more === true,
    ...(typeof body.next === 'string' ? { next: body.next } : {}),
    items: (items ?? []) as T[],
    ...(first !== undefined ? { dateAddedFirst: first } : {}),
    ...(last !== undefined ? { dateAddedLast: last } : {}),
  };
}

/**
 * The source text of each element of the envelope's `objects` array, split by
 * the same scanner the server uses for incoming envelopes; undefined if the
 * split does not match the parsed items (then callers re-serialise).
 */
function objectTexts(text: string, count: number): string[] | undefined {
  if (count === 0) return undefined;
  // The body has already parsed as JSON, so no depth limit is needed here.
  const spans = scanEnvelope(text, Number.MAX_SAFE_INTEGER).objects;
  if (spans === undefined || spans.length !== count) return undefined;
  return spans.map((span) => text.slice(span.start, span.end));
}

function status(response: TaxiiResponse, url: string): StatusResource {
  const body = record(response, url);
  if (typeof body.id !== 'string' || (body.status !== 'complete' && body.status !== 'pending')) {
    throw new EntenteError('remote_error', `${url}: not a TAXII status resource`, { url });
  }
  return body as unknown as StatusResource;
}
