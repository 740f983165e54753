import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EntenteError } from '../../errors.js';
import { TaxiiClient } from './taxii-client.js';
import { TaxiiTransport } from './taxii-transport.js';

interface Seen {
  readonly at: number;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Handler = (request: Seen, index: number, response: ServerResponse) => void;

const servers: Server[] = [];
const clients: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A real loopback HTTP server whose answers the test scripts. */
async function serve(handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        at: Date.now(),
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(entry);
      handler(entry, seen.length - 1, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen };
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/taxii+json;version=2.1', ...headers });
  response.end(JSON.stringify(body));
}

function transport(options: ConstructorParameters<typeof TaxiiTransport>[0] = {}): TaxiiTransport {
  const created = new TaxiiTransport({ retry: { baseDelayMs: 5, maxDelayMs: 2_000 }, ...options });
  clients.push(created);
  return created;
}

describe('TaxiiTransport against a real loopback server', () => {
  it('sends the TAXII media type and Basic credentials', async () => {
    const { url, seen } = await serve((_request, _index, response) => json(response, 200, { title: 't' }));
    await transport({ auth: { kind: 'basic', username: 'ana', password: 's3cret:x' } }).send('POST', `${url}/x/`, { a: 1 });
    const headers = seen[0]?.headers;
    expect(headers?.accept).toBe('application/taxii+json;version=2.1');
    expect(headers?.['content-type']).toBe('application/taxii+json;version=2.1');
    expect(headers?.authorization).toBe(`Basic ${Buffer.from('ana:s3cret:x').toString('base64')}`);
    expect(seen[0]?.body).toBe('{"a":1}');
  });

  it('sends a Bearer token', async () => {
    const { url, seen } = await serve((_request, _index, response) => json(response, 200, {}));
    await transport({ auth: { kind: 'bearer', token: 'tok' } }).send('GET', url);
    expect(seen[0]?.headers.authorization).toBe('Bearer tok');
  });

  it('retries 429 after the Retry-After seconds, then succeeds', async () => {
    const { url, seen } = await serve((_request, index, response) => {
      if (index === 0) json(response, 429, { title: 'Too many requests' }, { 'retry-after': '1' });
      else json(response, 200, { title: 'ok' });
    });
    const answer = await transport().send('GET', url);
    expect(answer.body).toEqual({ title: 'ok' });
    expect(seen).toHaveLength(2);
    const waited = (seen[1]?.at ?? 0) - (seen[0]?.at ?? 0);
    expect(waited).toBeGreaterThanOrEqual(900);
  });

  it('retries 503 with an HTTP-date Retry-After', async () => {
    const { url, seen } = await serve((_request, index, response) => {
      if (index === 0) json(response, 503, { title: 'Unavailable' }, { 'retry-after': new Date(Date.now() + 1_000).toUTCString() });
      else json(response, 200, { title: 'ok' });
    });
    await transport().send('GET', url);
    expect(seen).toHaveLength(2);
    expect((seen[1]?.at ?? 0) - (seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(1);
  });

  it('caps a huge Retry-After at maxDelayMs', async () => {
    const { url, seen } = await serve((_request, index, response) => {
      if (index === 0) json(response, 503, { title: 'Unavailable' }, { 'retry-after': '86400' });
      else json(response, 200, {});
    });
    await transport({ retry: { maxDelayMs: 50 } }).send('GET', url);
    expect(seen).toHaveLength(2);
  });

  it('gives up after maxAttempts and carries the TAXII error body', async () => {
    const body = { title: 'Backend down', description: 'database offline', error_code: 'db', http_status: '500' };
    const { url, seen } = await serve((_request, _index, response) => json(response, 500, body));
    const error = await transport({ retry: { maxAttempts: 3 } })
      .send('GET', `${url}/api/`)
      .catch((caught: unknown) => caught);
    expect(seen).toHaveLength(3);
    expect(error).toBeInstanceOf(EntenteError);
    const failure = error as EntenteError;
    expect(failure.code).toBe('remote_error');
    expect(failure.message).toContain('500');
    expect(failure.message).toContain('database offline');
    expect(failure.details).toMatchObject({ status: 500, attempts: 3, taxiiError: body });
  });

  it('does not retry a 404', async () => {
    const { url, seen } = await serve((_request, _index, response) => json(response, 404, { title: 'Not found' }));
    await expect(transport().send('GET', url)).rejects.toMatchObject({ code: 'remote_error', details: { status: 404 } });
    expect(seen).toHaveLength(1);
  });

  it('retries a refused connection and then reports it', async () => {
    const { url } = await serve((_request, _index, response) => json(response, 200, {}));
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const error = await transport({ retry: { maxAttempts: 2 } })
      .send('GET', url)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'remote_error', details: { attempts: 2 } });
  });

  it('keeps credentials in the URL out of error messages', async () => {
    const { url } = await serve((_request, _index, response) => json(response, 404, { title: 'Not found' }));
    const withCredentials = url.replace('http://', 'http://user:hunter2@');
    const error = (await transport().send('GET', withCredentials).catch((caught: unknown) => caught)) as EntenteError;
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses an answer above maxResponseBytes', async () => {
    const { url } = await serve((_request, _index, response) => json(response, 200, { blob: 'x'.repeat(10_000) }));
    await expect(transport({ maxResponseBytes: 1_000 }).send('GET', url)).rejects.toMatchObject({ code: 'remote_error' });
  });
});

describe('TaxiiClient paging on a server without next', () => {
  it('continues from X-TAXII-Date-Added-Last as added_after', async () => {
    const added = ['2026-01-01T00:00:00.001Z', '2026-01-01T00:00:00.002Z', '2026-01-01T00:00:00.003Z'];
    const objects = added.map((_, i) => ({ type: 'indicator', id: `indicator--0000000${i}-0000-4000-8000-000000000000` }));
    const { url, seen } = await serve((request, _index, response) => {
      const after = new URL(request.url, 'http://x').searchParams.get('added_after');
      const start = after === null ? 0 : added.indexOf(after) + 1;
      const page = objects.slice(start, start + 2);
      const headers: Record<string, string> = page.length === 0 ? {} : {
        'x-taxii-date-added-first': added[start] ?? '',
        'x-taxii-date-added-last': added[start + page.length - 1] ?? '',
      };
      json(response, 200, { more: start + page.length < objects.length, objects: page }, headers);
    });
    const client = new TaxiiClient({ retry: { baseDelayMs: 5 } });
    clients.push(client);
    const got = [];
    for await (const object of client.objects(`${url}/api`, 'c1', { type: 'indicator' })) got.push(object);
    expect(got).toEqual(objects);
    expect(seen).toHaveLength(2);
    expect(seen[1]?.url).toContain('added_after=2026-01-01T00%3A00%3A00.002Z');
    expect(seen[1]?.url).toContain('match%5Btype%5D=indicator');
  });

  it('stops with an error when the server claims more but gives no way on', async () => {
    const { url } = await serve((_request, _index, response) => json(response, 200, { more: true, objects: [] }));
    const client = new TaxiiClient({ retry: { baseDelayMs: 5 } });
    clients.push(client);
    const walk = async () => {
      for await (const _object of client.objects(`${url}/api/`, 'c1')) void _object;
    };
    await expect(walk()).rejects.toMatchObject({ code: 'remote_error' });
  });
});
