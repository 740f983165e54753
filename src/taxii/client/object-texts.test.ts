import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TaxiiClient } from './taxii-client.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serveText(body: string): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/taxii+json;version=2.1' });
    response.end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
}

describe('TaxiiClient.getObjects keeps each object as sent', () => {
  it('gives the exact source text of every object, spacing, key order and escapes included', async () => {
    const first = '{ "type":"indicator",  "id":"indicator--00000000-0000-4000-8000-000000000001", "name":"caf\\u00e9 \\"x\\"" }';
    const second = '{"id":"note--00000000-0000-4000-8000-000000000002","type":"note","content":"é [1, {2}]"}';
    const api = await serveText(`{"more":false,\n "objects": [\n  ${first} ,\n${second}\n]}`);
    const client = new TaxiiClient();
    try {
      const page = await client.getObjects(api, 'c1');
      expect(page.items.map((o) => o.id)).toEqual(['indicator--00000000-0000-4000-8000-000000000001', 'note--00000000-0000-4000-8000-000000000002']);
      expect(page.texts).toEqual([first, second]);
      expect(JSON.parse(page.texts?.[0] ?? '')).toEqual(page.items[0]);
    } finally {
      await client.close();
    }
  });

  it('has no texts for an empty page', async () => {
    const client = new TaxiiClient();
    try {
      const page = await client.getObjects(await serveText('{"more":false}'), 'c1');
      expect(page.items).toEqual([]);
      expect(page.texts).toBeUndefined();
    } finally {
      await client.close();
    }
  });
});
