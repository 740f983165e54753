import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TaxiiTestServer } from '../src/http/test-server.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../src/store/test-backends.js';
import { TaxiiClient } from '../src/taxii/client/taxii-client.js';
import type { TaxiiAuth } from '../src/taxii/client/taxii-transport.js';
import type { StixObject } from '../src/stix/stix-object.js';

/** Clients made by the running suite, closed after it. */
const clients: TaxiiClient[] = [];

/** The test server's Authorization headers, turned into client credentials. */
function client(header: string): TaxiiClient {
  const [scheme, value = ''] = header.split(' ');
  let auth: TaxiiAuth;
  if (scheme === 'Bearer') auth = { kind: 'bearer', token: value };
  else {
    const [username = '', password = ''] = Buffer.from(value, 'base64').toString('utf8').split(/:(.*)/s);
    auth = { kind: 'basic', username, password };
  }
  const created = new TaxiiClient({ auth, retry: { maxAttempts: 2, baseDelayMs: 10 } });
  clients.push(created);
  return created;
}

function indicator(modified = '2024-01-01T00:00:00.000Z', id = `indicator--${randomUUID()}`): StixObject {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: '2024-01-01T00:00:00.000Z',
    modified,
    name: 'Known bad address',
    pattern: "[ipv4-addr:value = '198.51.100.7']",
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
  };
}

const basic = (username: string) => `Basic ${Buffer.from(`${username}:correct horse battery staple`).toString('base64')}`;

/** The TAXII client against entente's own server, over real HTTP on loopback, on one storage backend. */
function clientSuite(backend: string, open: () => Promise<TestStore>): void {
  describe(`TaxiiClient against the entente server on ${backend}`, () => {
    let server: TaxiiTestServer;

    beforeAll(async () => {
      server = await startTestServer(open, { maxPageSize: 50, defaultPageSize: 20 });
    });

    afterAll(async () => {
      await Promise.all(clients.splice(0).map((client) => client.close()));
      await server?.close();
    });

    it('walks discovery, the API root, collections and one collection', async () => {
      const writer = client(basic('writer'));
      const discovery = await writer.discover(`${server.url}/taxii2/`);
      expect(discovery.api_roots).toContain(server.apiRoot);
      const root = await writer.getApiRoot(server.apiRoot);
      expect(root.versions).toContain('application/taxii+json;version=2.1');
      const collections = await writer.listCollections(server.apiRoot);
      expect(collections.find((c) => c.id === server.sharedId)).toMatchObject({ can_read: true, can_write: true });
      expect(await writer.getCollection(server.apiRoot, server.readOnlyId)).toMatchObject({ can_read: true, can_write: false });
    });

    it('posts envelopes, follows the status, and pages through everything exactly once', async () => {
      const collection = await server.newCollection();
      const writer = client(server.auth.writer);
      const objects = Array.from({ length: 120 }, () => indicator());
      for (let start = 0; start < objects.length; start += 40) {
        const status = await writer.addObjects(server.apiRoot, collection, objects.slice(start, start + 40));
        const done = await writer.waitForStatus(server.apiRoot, status);
        expect(done).toMatchObject({ status: 'complete', success_count: 40, failure_count: 0 });
      }
      const again = await writer.getStatus(server.apiRoot, (await writer.addObjects(server.apiRoot, collection, objects.slice(0, 1))).id);
      expect(again.status).toBe('complete');

      const pages = [];
      for await (const page of writer.pages(server.apiRoot, collection, { limit: 7 })) pages.push(page);
      const seen = pages.flatMap((page) => page.items.map((o) => o.id));
      expect(seen).toHaveLength(120);
      expect(new Set(seen)).toEqual(new Set(objects.map((o) => o.id)));
      expect(pages.length).toBe(Math.ceil(120 / 7));
      expect(pages[0]?.dateAddedFirst).toMatch(/^\d{4}-\d{2}-\d{2}T/);

      const resumed: string[] = [];
      for await (const object of writer.objects(server.apiRoot, collection, { addedAfter: pages[0]?.dateAddedLast ?? '' })) resumed.push(object.id);
      expect(resumed).toEqual(seen.slice(7));
    });

    it('filters, reads manifests, versions and single objects, and deletes', async () => {
      const collection = await server.newCollection();
      const writer = client(server.auth.writer);
      const first = indicator('2024-01-01T00:00:00.000Z');
      const second = indicator('2024-02-01T00:00:00.000Z', first.id);
      const other = indicator();
      await writer.addObjects(server.apiRoot, collection, [first, second, other]);
      const id = first.id;

      const latest = await writer.getObjects(server.apiRoot, collection, { id });
      expect(latest.items.map((o) => o.modified)).toEqual(['2024-02-01T00:00:00.000Z']);
      const all = await writer.getObject(server.apiRoot, collection, id, { version: 'all' });
      expect(all.items).toHaveLength(2);
      const versions = await writer.getVersions(server.apiRoot, collection, id);
      expect(versions.items).toEqual(['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z']);
      const manifest = await writer.getManifest(server.apiRoot, collection, { type: ['indicator'], version: 'all' });
      expect(manifest.items).toHaveLength(3);
      expect((await writer.getObjects(server.apiRoot, collection, { type: 'malware' })).items).toEqual([]);

      await writer.deleteObject(server.apiRoot, collection, id);
      const gone = await writer.getObject(server.apiRoot, collection, id).catch((error: unknown) => error);
      expect(gone).toMatchObject({ code: 'remote_error', details: { status: 404, taxiiError: { http_status: '404' } } });
    });

    it('reports objects the server refused in the status', async () => {
      const collection = await server.newCollection();
      const writer = client(server.auth.writer);
      const { pattern: _dropped, ...invalid } = indicator();
      const status = await writer.addObjects(server.apiRoot, collection, [indicator(), invalid as StixObject]);
      expect(status).toMatchObject({ success_count: 1, failure_count: 1 });
      expect(status.failures?.[0]?.id).toBe(invalid.id);
    });

    it('turns refusals into remote_error carrying the TAXII error body', async () => {
      const stranger = client(basic('nobody'));
      await expect(stranger.listCollections(server.apiRoot)).rejects.toMatchObject({
        code: 'remote_error',
        details: { status: 401, attempts: 1, taxiiError: { http_status: '401' } },
      });
      const readOnly = client(server.auth.readToken);
      await expect(readOnly.addObjects(server.apiRoot, server.sharedId, [indicator()])).rejects.toMatchObject({
        code: 'remote_error',
        details: { status: 403 },
      });
    });
  });
}

clientSuite('SQLite', openSqliteForTest);
describeIfPostgres('TaxiiClient on PostgreSQL', await postgresProblem(), () => clientSuite('PostgreSQL', openPostgresForTest));
