import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStore } from '../store/test-backends.js';
import { basicAuth, startTestServer, type TaxiiTestServer } from './test-server.js';

/**
 * The TAXII 2.1 server over real HTTP on loopback, run once per storage
 * backend (taxii-sqlite.test.ts, taxii-postgres.test.ts).
 */
const TAXII = 'application/taxii+json;version=2.1';
const TAXII_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const LIMITS = { maxBodyBytes: 256 * 1024, maxObjectsPerEnvelope: 100, maxJsonDepth: 20, maxPageSize: 50, defaultPageSize: 20 };

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body (undefined when empty). */
  readonly body: Record<string, unknown> & { objects?: Record<string, unknown>[] };
}

interface Call {
  readonly method?: string;
  readonly auth?: string | null;
  readonly accept?: string | null;
  readonly contentType?: string;
  readonly body?: string;
}

function indicator(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-01T00:00:00.000Z',
    name: 'Known bad address',
    pattern: "[ipv4-addr:value = '198.51.100.7']",
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
    ...overrides,
  };
}

function envelope(objects: readonly unknown[]): string {
  return JSON.stringify({ objects });
}

export function taxiiServerSuite(backend: string, open: () => Promise<TestStore>): void {
  describe(`TAXII 2.1 server over HTTP on ${backend}`, () => {
    let server: TaxiiTestServer;

    beforeAll(async () => {
      server = await startTestServer(open, LIMITS);
    });
    afterAll(async () => {
      await server?.close();
    });

    async function call(path: string, options: Call = {}): Promise<Answer> {
      const headers: Record<string, string> = {};
      const auth = options.auth === undefined ? server.auth.writer : options.auth;
      if (auth !== null) headers.authorization = auth;
      const accept = options.accept === undefined ? TAXII : options.accept;
      if (accept !== null) headers.accept = accept;
      if (options.contentType !== undefined) headers['content-type'] = options.contentType;
      const url = path.startsWith('http') ? path : `${server.url}${path}`;
      const response = await fetch(url, { method: options.method ?? 'GET', headers, body: options.body ?? null });
      const text = await response.text();
      // Every answer, success or error, is a TAXII resource (TAXII 2.1 §1.6.8).
      expect(response.headers.get('content-type')).toBe(TAXII);
      return { status: response.status, headers: response.headers as unknown as Headers, text, body: text === '' ? {} : JSON.parse(text) };
    }

    const collectionPath = (id: string) => `/api/v21/collections/${id}/`;
    const objectsPath = (id: string) => `${collectionPath(id)}objects/`;

    async function add(collectionId: string, objects: readonly unknown[], options: Call = {}): Promise<Answer> {
      return call(objectsPath(collectionId), { method: 'POST', contentType: TAXII, body: envelope(objects), ...options });
    }

    function expectError(answer: Answer, status: number): void {
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ http_status: String(status) });
      expect(typeof answer.body.title).toBe('string');
      expect(typeof answer.body.description).toBe('string');
      expect(typeof answer.body.error_id).toBe('string');
      expect(typeof answer.body.error_code).toBe('string');
      expect(answer.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }

    describe('§4.1 discovery and §4.2 API root', () => {
      it('describes the server and its one API root', async () => {
        const answer = await call('/taxii2/');
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ title: server.settings.title, default: server.apiRoot, api_roots: [server.apiRoot] });
      });

      it('describes the API root from the settings', async () => {
        const answer = await call('/api/v21/');
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({
          title: server.settings.apiRootTitle,
          description: server.settings.apiRootDescription,
          versions: [TAXII],
          max_content_length: LIMITS.maxBodyBytes,
        });
      });

      it('answers the same with and without the trailing slash', async () => {
        expect((await call('/taxii2')).body).toEqual((await call('/taxii2/')).body);
        expect((await call('/api/v21')).body).toEqual((await call('/api/v21/')).body);
        expect((await call(`/api/v21/collections/${server.sharedId}`)).status).toBe(200);
      });

      it('answers an unknown path with a TAXII 404', async () => {
        expectError(await call('/api/v21/nothing-here/'), 404);
      });
    });

    describe('§1.6.7 authentication', () => {
      it('answers 401 with a challenge for both schemes without credentials or with wrong ones', async () => {
        for (const auth of [null, 'Bearer not-a-token', basicAuth('writer', 'wrong password!'), 'Digest abc']) {
          const answer = await call('/taxii2/', { auth });
          expectError(answer, 401);
          expect(answer.headers.get('www-authenticate')).toBe('Basic realm="entente", Bearer');
        }
      });

      it('takes HTTP Basic and Bearer tokens', async () => {
        expect((await call('/api/v21/', { auth: basicAuth('reader') })).status).toBe(200);
        expect((await call('/api/v21/', { auth: server.auth.reader })).status).toBe(200);
      });

      it('checks credentials before anything else', async () => {
        expectError(await call(objectsPath(server.sharedId), { auth: null, accept: 'text/html' }), 401);
        expectError(await add(server.hiddenId, [indicator()], { auth: null, contentType: 'text/plain' }), 401);
      });
    });

    describe('§1.6.8 content negotiation', () => {
      it('serves the TAXII 2.1 type, the versionless TAXII type, wildcards and requests without Accept', async () => {
        for (const accept of [TAXII, 'application/taxii+json', '*/*', 'application/*', 'text/html, application/taxii+json;version=2.1;q=0.2', null]) {
          expect((await call(objectsPath(server.sharedId), { accept })).status, String(accept)).toBe(200);
        }
      });

      it('answers 406 to an Accept it cannot serve, STIX-only included', async () => {
        for (const accept of ['application/json', 'application/stix+json;version=2.1', 'application/taxii+json;version=2.0', 'text/html']) {
          expectError(await call(objectsPath(server.sharedId), { accept }), 406);
          expectError(await call('/taxii2/', { accept }), 406);
        }
      });

      it('answers 415 to a POST that is not a TAXII 2.1 envelope', async () => {
        for (const contentType of ['application/json', 'application/stix+json;version=2.1', 'application/taxii+json;version=2.0', 'text/plain']) {
          expectError(await add(server.sharedId, [indicator()], { contentType }), 415);
        }
        const missing = await fetch(`${server.url}${objectsPath(server.sharedId)}`, {
          method: 'POST',
          headers: { authorization: server.auth.writer, accept: TAXII },
          body: new Uint8Array(Buffer.from(envelope([indicator()]))),
        });
        expect(missing.status).toBe(415);
      });
    });

    describe('§5.1 collections and §5.2 collection', () => {
      it('lists the collections a principal may read or write, with its permissions', async () => {
        const answer = await call('/api/v21/collections/');
        const collections = answer.body.collections as Record<string, unknown>[];
        const shared = collections.find((c) => c.id === server.sharedId);
        expect(shared).toEqual({
          id: server.sharedId,
          title: 'Shared',
          description: 'Read-write for A',
          alias: 'shared',
          can_read: true,
          can_write: true,
          media_types: ['application/stix+json;version=2.1'],
        });
        expect(collections.find((c) => c.id === server.readOnlyId)).toMatchObject({ can_read: true, can_write: false });
        expect(collections.some((c) => c.id === server.hiddenId)).toBe(false);
        const outsiders = (await call('/api/v21/collections/', { auth: server.auth.outsider })).body.collections as Record<string, unknown>[];
        expect(outsiders.map((c) => c.id)).toEqual([server.hiddenId]);
      });

      it('gives can_write false to readers and read-only tokens', async () => {
        expect((await call(collectionPath(server.sharedId), { auth: server.auth.reader })).body).toMatchObject({ can_read: true, can_write: false });
        expect((await call(collectionPath(server.sharedId), { auth: server.auth.readToken })).body).toMatchObject({ can_read: true, can_write: false });
      });

      it('answers a collection one may not read exactly as one that does not exist', async () => {
        const hidden = await call(collectionPath(server.hiddenId));
        const missing = await call(collectionPath(randomUUID()));
        expectError(hidden, 404);
        expectError(missing, 404);
        expect(hidden.body.error_code).toBe(missing.body.error_code);
        for (const path of ['objects/', 'manifest/', `objects/${indicator().id}/`, `objects/${indicator().id}/versions/`]) {
          expectError(await call(`${collectionPath(server.hiddenId)}${path}`), 404);
        }
        expectError(await add(server.hiddenId, [indicator()]), 404);
      });
    });

    describe('§5.5 add objects and §4.3 status', () => {
      it('keeps the valid objects of a mixed envelope and reports each invalid one by name and reason', async () => {
        const id = await server.newCollection();
        const good = [indicator(), indicator()];
        const badId = `indicator--${randomUUID()}`;
        const answer = await add(id, [good[0], indicator({ id: badId, pattern: undefined }), 42, good[1]]);
        expect(answer.status).toBe(202);
        expect(answer.body).toMatchObject({ status: 'complete', total_count: 4, success_count: 2, failure_count: 2, pending_count: 0 });
        expect(answer.body.request_timestamp).toMatch(TAXII_TIMESTAMP);
        expect((answer.body.successes as { id: string }[]).map((s) => s.id)).toEqual(good.map((o) => o.id));
        const failures = answer.body.failures as { id: string; version: string; message: string }[];
        expect(failures[0]).toMatchObject({ id: badId, version: '2024-01-01T00:00:00.000Z' });
        expect(failures[0]?.message).toMatch(/pattern/);
        expect(failures[1]?.id).toBe('objects[2]');
        expect(failures[1]?.message).toMatch(/objects\[2\].*JSON object/);
        const stored = await call(objectsPath(id));
        expect(stored.body.objects?.map((o) => o.id)).toEqual(good.map((o) => o.id));
      });

      it('counts a duplicate as a success and stores it once', async () => {
        const id = await server.newCollection();
        const object = indicator();
        await add(id, [object]);
        const again = await add(id, [object, object]);
        expect(again.status).toBe(202);
        expect(again.body).toMatchObject({ success_count: 2, failure_count: 0 });
        expect((again.body.successes as { message?: string }[])[0]?.message).toMatch(/already/);
        expect((await call(objectsPath(id))).body.objects).toHaveLength(1);
      });

      it('serves each object with exactly the JSON text it was sent with', async () => {
        const id = await server.newCollection();
        const object = indicator();
        const text = `{ "name" : "caf\\u00e9 \\"quoted\\"",\n  "id":"${object.id}", "type":"indicator","spec_version":"2.1",
          "created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z", "pattern":"[ipv4-addr:value = '198.51.100.7']",
          "pattern_type":"stix", "valid_from":"2024-01-01T00:00:00Z", "confidence": 1.50e1 }`;
        expect((await call(objectsPath(id), { method: 'POST', contentType: TAXII, body: `{"objects":[${text}]}` })).status).toBe(202);
        expect((await call(objectsPath(id))).text).toContain(text);
        expect((await call(`${objectsPath(id)}${object.id}/`)).text).toContain(text);
      });

      it('serves the status resource of an addition to those who may see its collection', async () => {
        const id = await server.newCollection();
        const added = await add(id, [indicator()]);
        const statusId = added.body.id as string;
        const status = await call(`/api/v21/status/${statusId}/`);
        expect(status.status).toBe(200);
        expect(status.body).toEqual(added.body);
        expect((await call(`/api/v21/status/${statusId}`)).body).toEqual(added.body);
        expectError(await call(`/api/v21/status/${statusId}/`, { auth: server.auth.outsider }), 404);
        expectError(await call(`/api/v21/status/${randomUUID()}/`), 404);
      });

      it('answers 403 to a principal who may read but not write, 404 to one who may not read', async () => {
        expectError(await add(server.readOnlyId, [indicator()]), 403);
        expectError(await add(server.sharedId, [indicator()], { auth: server.auth.reader }), 403);
        expectError(await add(server.sharedId, [indicator()], { auth: server.auth.readToken }), 403);
        expectError(await add(server.sharedId, [indicator()], { auth: server.auth.outsider }), 404);
      });

      it('answers 413 above max_content_length, with or without a declared length', async () => {
        const big = envelope([indicator({ description: 'x'.repeat(LIMITS.maxBodyBytes) })]);
        expectError(await call(objectsPath(server.sharedId), { method: 'POST', contentType: TAXII, body: big }), 413);
        const chunks = [Buffer.from(big.slice(0, 1000)), Buffer.from(big.slice(1000))];
        const streamed = await fetch(`${server.url}${objectsPath(server.sharedId)}`, {
          method: 'POST',
          headers: { authorization: server.auth.writer, accept: TAXII, 'content-type': TAXII },
          body: new ReadableStream({
            pull(controller) {
              const chunk = chunks.shift();
              if (chunk === undefined) controller.close();
              else controller.enqueue(new Uint8Array(chunk));
            },
          }),
          duplex: 'half',
        });
        expect(streamed.status).toBe(413);
        expect(streamed.headers.get('content-type')).toBe(TAXII);
      });

      it('answers 413 to more objects than allowed in one envelope', async () => {
        const objects = Array.from({ length: LIMITS.maxObjectsPerEnvelope + 1 }, () => indicator());
        expectError(await add(server.sharedId, objects), 413);
      });

      it('answers 400 to malformed JSON, nesting too deep or a body that is not an envelope; 422 without objects', async () => {
        const post = (body: string) => call(objectsPath(server.sharedId), { method: 'POST', contentType: TAXII, body });
        expectError(await post('{"objects":[{"type":"indicator",]}'), 400);
        expectError(await post(''), 400);
        expectError(await post('[]'), 400);
        const deep = `{"objects":[${'{"a":'.repeat(50)}1${'}'.repeat(50)}]}`;
        const tooDeep = await post(deep);
        expectError(tooDeep, 400);
        expect(tooDeep.body.description).toMatch(/deeper than 20/);
        expectError(await post('{"more":false}'), 422);
        expectError(await post('{"objects":{"type":"indicator"}}'), 422);
      });
    });

    describe('§5.4 get objects: paging, filters and headers', () => {
      let collectionId: string;
      let ids: string[];

      beforeAll(async () => {
        collectionId = await server.newCollection();
        const objects = Array.from({ length: 25 }, (_, i) =>
          i % 5 === 0 ? { ...indicator(), type: 'malware', id: `malware--${randomUUID()}`, is_family: false, name: `m${i}`, pattern: undefined, pattern_type: undefined, valid_from: undefined } : indicator({ name: `i${i}` }),
        );
        ids = [];
        for (let i = 0; i < objects.length; i += 10) {
          const answer = await add(collectionId, objects.slice(i, i + 10));
          expect(answer.body.failure_count).toBe(0);
          ids.push(...objects.slice(i, i + 10).map((o) => o.id as string));
        }
      });

      it('pages with next, each object exactly once, in date_added order, with the date headers', async () => {
        const seen: string[] = [];
        let next: string | undefined;
        let pages = 0;
        let previousLast = '';
        do {
          const answer = await call(`${objectsPath(collectionId)}?limit=10${next === undefined ? '' : `&next=${encodeURIComponent(next)}`}`);
          expect(answer.status).toBe(200);
          const objects = answer.body.objects ?? [];
          seen.push(...objects.map((o) => o.id as string));
          const first = answer.headers.get('x-taxii-date-added-first') ?? '';
          const last = answer.headers.get('x-taxii-date-added-last') ?? '';
          expect(first).toMatch(TAXII_TIMESTAMP);
          expect(last).toMatch(TAXII_TIMESTAMP);
          expect(first <= last && previousLast < first).toBe(true);
          previousLast = last;
          expect(answer.headers.get('x-entente-applied-limit')).toBe('10');
          next = answer.body.more === true ? (answer.body.next as string) : undefined;
          if (answer.body.more !== true) expect(answer.body.next).toBeUndefined();
          pages++;
        } while (next !== undefined);
        expect(pages).toBe(3);
        expect(seen).toEqual(ids);
      });

      it('walks each object exactly once, in arrival order, with any page size while objects keep arriving', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 1, max: LIMITS.maxPageSize + 10 }),
            fc.integer({ min: 0, max: 25 }),
            fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 6 }),
            fc.boolean(),
            async (pageSize, initial, arrivals, byCursor) => {
              const id = await server.newCollection();
              const arrived: string[] = [];
              const arrive = async (count: number) => {
                if (count === 0) return;
                const objects = Array.from({ length: count }, () => indicator());
                expect((await add(id, objects)).body.success_count).toBe(count);
                arrived.push(...objects.map((o) => o.id as string));
              };
              await arrive(initial);
              const seen: string[] = [];
              let position: string | undefined;
              for (let step = 0; ; step++) {
                const from = position === undefined ? '' : byCursor ? `&next=${encodeURIComponent(position)}` : `&added_after=${position}`;
                const arrivedBefore = arrived.length;
                const page = await call(`${objectsPath(id)}?limit=${pageSize}${from}`);
                const objects = page.body.objects ?? [];
                expect(objects.length).toBeLessThanOrEqual(Math.min(pageSize, LIMITS.maxPageSize));
                seen.push(...objects.map((o) => o.id as string));
                const done = byCursor ? page.body.more !== true : objects.length === 0;
                if (done) {
                  expect(seen).toEqual(arrived.slice(0, arrivedBefore));
                  break;
                }
                if (byCursor) position = page.body.next as string;
                else position = page.headers.get('x-taxii-date-added-last') ?? undefined;
                await arrive(arrivals[step] ?? 0);
              }
            },
          ),
          { numRuns: 12 },
        );
      });

      it('pages with added_after from X-TAXII-Date-Added-Last', async () => {
        const first = await call(`${objectsPath(collectionId)}?limit=7`);
        const last = first.headers.get('x-taxii-date-added-last') ?? '';
        const rest = await call(`${objectsPath(collectionId)}?limit=50&added_after=${last}`);
        expect([...(first.body.objects ?? []), ...(rest.body.objects ?? [])].map((o) => o.id)).toEqual(ids);
        expect(rest.body.more).toBe(false);
      });

      it('clamps limit to the maximum page size and says so; applies the default page size', async () => {
        const clamped = await call(`${objectsPath(collectionId)}?limit=100000`);
        expect(clamped.headers.get('x-entente-applied-limit')).toBe(String(LIMITS.maxPageSize));
        expect(clamped.body.objects).toHaveLength(25);
        const defaulted = await call(objectsPath(collectionId));
        expect(defaulted.headers.get('x-entente-applied-limit')).toBe(String(LIMITS.defaultPageSize));
        expect(defaulted.body.objects).toHaveLength(LIMITS.defaultPageSize);
        expect(defaulted.body.more).toBe(true);
      });

      it('filters by match[type], match[id] and match[spec_version], with comma lists', async () => {
        const malware = await call(`${objectsPath(collectionId)}?match[type]=malware&limit=50`);
        expect(malware.body.objects?.map((o) => o.id)).toEqual(ids.filter((id) => id.startsWith('malware--')));
        const both = await call(`${objectsPath(collectionId)}?match[type]=malware,indicator&limit=50`);
        expect(both.body.objects).toHaveLength(25);
        const two = await call(`${objectsPath(collectionId)}?match[id]=${ids[3]},${ids[1]}`);
        expect(two.body.objects?.map((o) => o.id)).toEqual([ids[1], ids[3]]);
        const none = await call(`${objectsPath(collectionId)}?match[spec_version]=2.0`);
        expect(none.status).toBe(200);
        expect(none.body).toEqual({});
        expect(none.headers.get('x-taxii-date-added-first')).toBeNull();
        const twentyOne = await call(`${objectsPath(collectionId)}?match[spec_version]=2.1&limit=50`);
        expect(twentyOne.body.objects).toHaveLength(25);
      });

      it('answers 400 naming the parameter for invalid values and unsupported filters', async () => {
        for (const [query, parameter] of [
          ['limit=0', 'limit'],
          ['limit=ten', 'limit'],
          ['added_after=yesterday', 'added_after'],
          ['match[version]=newest', 'match[version]'],
          ['match[id]=not-an-id', 'match[id]'],
          ['match[type]=Bad_Type', 'match[type]'],
          ['match[colour]=red', 'match[colour]'],
          ['next=%21%21', 'next'],
        ] as const) {
          const answer = await call(`${objectsPath(collectionId)}?${query}`);
          expectError(answer, 400);
          expect(answer.body.details).toMatchObject({ parameter });
        }
      });
    });

    describe('§5.6 object, §5.8 versions, §5.3 manifest, §5.7 delete', () => {
      let collectionId: string;
      const id = `indicator--${randomUUID()}`;
      const versions = ['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z'];

      beforeAll(async () => {
        collectionId = await server.newCollection();
        for (const modified of versions) {
          expect((await add(collectionId, [indicator({ id, modified })])).body.success_count).toBe(1);
        }
        await add(collectionId, [indicator()]);
      });

      it('gets the latest version by default, and others with match[version]', async () => {
        const latest = await call(`${objectsPath(collectionId)}${id}/`);
        expect(latest.status).toBe(200);
        expect(latest.body.objects?.map((o) => o.modified)).toEqual([versions[2]]);
        expect(latest.headers.get('x-taxii-date-added-first')).toMatch(TAXII_TIMESTAMP);
        const all = await call(`${objectsPath(collectionId)}${id}/?match[version]=all`);
        expect(all.body.objects?.map((o) => o.modified).sort()).toEqual(versions);
        const first = await call(`${objectsPath(collectionId)}${id}/?match[version]=first`);
        expect(first.body.objects?.map((o) => o.modified)).toEqual([versions[0]]);
        const exact = await call(`${objectsPath(collectionId)}${id}/?match[version]=${versions[1]}`);
        expect(exact.body.objects?.map((o) => o.modified)).toEqual([versions[1]]);
        const everyVersionInObjects = await call(`${objectsPath(collectionId)}?match[id]=${id}&match[version]=all`);
        expect(everyVersionInObjects.body.objects).toHaveLength(3);
      });

      it('answers 404 for an object the collection does not hold, {} when filters exclude every version', async () => {
        expectError(await call(`${objectsPath(collectionId)}indicator--${randomUUID()}/`), 404);
        const filtered = await call(`${objectsPath(collectionId)}${id}/?match[spec_version]=2.0`);
        expect(filtered.status).toBe(200);
        expect(filtered.body).toEqual({});
      });

      it('refuses filters the object endpoints do not support', async () => {
        expectError(await call(`${objectsPath(collectionId)}${id}/?match[type]=indicator`), 400);
        expectError(await call(`${objectsPath(collectionId)}${id}/versions/?match[version]=all`), 400);
        expectError(await call(`${objectsPath(collectionId)}${id}/?match[id]=${id}`), 400);
      });

      it('lists the versions oldest first, paged', async () => {
        const answer = await call(`${objectsPath(collectionId)}${id}/versions/`);
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({ more: false, versions });
        expect(answer.headers.get('x-taxii-date-added-last')).toMatch(TAXII_TIMESTAMP);
        const page = await call(`${objectsPath(collectionId)}${id}/versions/?limit=2`);
        expect(page.body).toMatchObject({ more: true, versions: versions.slice(0, 2) });
        const rest = await call(`${objectsPath(collectionId)}${id}/versions/?limit=2&next=${encodeURIComponent(page.body.next as string)}`);
        expect(rest.body).toEqual({ more: false, versions: versions.slice(2) });
        expectError(await call(`${objectsPath(collectionId)}indicator--${randomUUID()}/versions/`), 404);
      });

      it('lists manifest records', async () => {
        const answer = await call(`${collectionPath(collectionId)}manifest/?match[id]=${id}&match[version]=all`);
        expect(answer.status).toBe(200);
        const records = answer.body.objects ?? [];
        expect(records.map((r) => r.version)).toEqual(versions);
        for (const record of records) {
          expect(Object.keys(record).sort()).toEqual(['date_added', 'id', 'media_type', 'version']);
          expect(record).toMatchObject({ id, media_type: 'application/stix+json;version=2.1' });
          expect(record.date_added).toMatch(TAXII_TIMESTAMP);
        }
        expect(answer.headers.get('x-taxii-date-added-first')).toBe(records[0]?.date_added);
        expect(answer.headers.get('x-taxii-date-added-last')).toBe(records[2]?.date_added);
      });

      it('deletes selected versions, then the whole object; only for writers', async () => {
        expectError(await call(`${objectsPath(collectionId)}${id}/`, { method: 'DELETE', auth: server.auth.reader }), 403);
        expectError(await call(`${objectsPath(collectionId)}${id}/?limit=3`, { method: 'DELETE' }), 400);
        expectError(await call(`${objectsPath(collectionId)}${id}/?match[spec_version]=2.0`, { method: 'DELETE' }), 404);
        const first = await call(`${objectsPath(collectionId)}${id}/?match[version]=first`, { method: 'DELETE' });
        expect(first.status).toBe(200);
        expect((await call(`${objectsPath(collectionId)}${id}/versions/`)).body).toEqual({ more: false, versions: versions.slice(1) });
        expect((await call(`${objectsPath(collectionId)}${id}/?match[spec_version]=2.1&match[version]=last`, { method: 'DELETE' })).status).toBe(200);
        expect((await call(`${objectsPath(collectionId)}${id}/versions/`)).body).toEqual({ more: false, versions: [versions[1]] });
        expect((await call(`${objectsPath(collectionId)}${id}/`, { method: 'DELETE' })).status).toBe(200);
        expectError(await call(`${objectsPath(collectionId)}${id}/`), 404);
        expectError(await call(`${objectsPath(collectionId)}${id}/`, { method: 'DELETE' }), 404);
        expect((await call(objectsPath(collectionId))).body.objects).toHaveLength(1);
      });
    });
  });
}
