import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Test support: a minimal TAXII 2.1 server of our own on loopback, written
 * with node:http, to pull from a server that is not entente. It pages the way
 * some servers do: at most `pageSize` objects whatever `limit` asks, no `next`
 * (only `more` and the X-TAXII-Date-Added-First/-Last headers, §3.4.2), and
 * date_added timestamps with millisecond precision, which several objects
 * may share (`add` with `sameDateAdded`) — a page can then end in the middle
 * of one timestamp, and `added_after` that timestamp skips the rest. It can ignore
 * `added_after`, leave `more` out, answer 503 a number of times, and require a token.
 */
export interface FakeTaxiiOptions {
  readonly pageSize: number;
  /** Bearer token required on every request, when set. */
  readonly token?: string;
  /** Answer this many object requests with 503 before serving them. */
  readonly failures?: number;
  /** Send every object again on every request (a server that ignores added_after). */
  readonly ignoreAddedAfter?: boolean;
  /** Never send `more` (it is optional, TAXII 2.1 §3.7), even when a page leaves objects out. */
  readonly omitMore?: boolean;
}

export interface FakeTaxiiServer {
  readonly discoveryUrl: string;
  readonly collectionId: string;
  /**
   * Adds a version (its JSON text is served exactly as given); date_added is
   * the next millisecond, or the same as the previous version's with `sameDateAdded`.
   */
  add(json: string, options?: { readonly sameDateAdded?: boolean }): void;
  /** Object requests seen (their URLs). */
  readonly requests: string[];
  close(): Promise<void>;
}

interface Held {
  readonly json: string;
  readonly type: string;
  readonly dateAdded: string;
}

const MEDIA = 'application/taxii+json;version=2.1';

export async function startFakeTaxii(options: FakeTaxiiOptions): Promise<FakeTaxiiServer> {
  const held: Held[] = [];
  const requests: string[] = [];
  let failures = options.failures ?? 0;
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  const collectionId = '91a7b528-80eb-42ed-a74d-c6fbd5a26116';

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (options.token !== undefined && request.headers.authorization !== `Bearer ${options.token}`) {
      return send(response, 401, { title: 'Unauthorized' });
    }
    if (url.pathname === '/taxii2/') return send(response, 200, { title: 'fake', api_roots: ['/root/'] });
    if (url.pathname === '/root/') return send(response, 200, { title: 'root', versions: [MEDIA], max_content_length: 1_000_000 });
    if (url.pathname === '/root/collections/') {
      return send(response, 200, { collections: [{ id: collectionId, title: 'Fake feed', can_read: true, can_write: false }] });
    }
    if (url.pathname !== `/root/collections/${collectionId}/objects/`) return send(response, 404, { title: 'Not found' });
    requests.push(request.url ?? '');
    if (failures > 0) {
      failures -= 1;
      return send(response, 503, { title: 'Busy' }, { 'retry-after': '0' });
    }
    const after = url.searchParams.get('added_after');
    const types = url.searchParams.get('match[type]')?.split(',');
    const matching = held.filter(
      (h) => (options.ignoreAddedAfter === true || after === null || h.dateAdded > after) && (types === undefined || types.includes(h.type)),
    );
    const page = matching.slice(0, options.pageSize);
    if (page.length === 0) return send(response, 200, {});
    const more = options.omitMore === true ? '' : `"more":${matching.length > page.length},`;
    const body = `{${more}"objects":[${page.map((h) => h.json).join(',')}]}`;
    response.writeHead(200, {
      'content-type': MEDIA,
      'x-taxii-date-added-first': page[0]?.dateAdded ?? '',
      'x-taxii-date-added-last': page[page.length - 1]?.dateAdded ?? '',
    });
    response.end(body);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    discoveryUrl: `http://127.0.0.1:${port}/taxii2/`,
    collectionId,
    requests,
    add(json: string, addOptions: { readonly sameDateAdded?: boolean } = {}) {
      if (addOptions.sameDateAdded !== true) clock += 1;
      const type = (JSON.parse(json) as { type: string }).type;
      held.push({ json, type, dateAdded: new Date(clock).toISOString() });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': MEDIA, ...headers });
  response.end(JSON.stringify(body));
}
