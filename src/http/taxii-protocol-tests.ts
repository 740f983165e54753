import { randomUUID } from 'node:crypto';
import { fetch } from 'undici';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS, TAXII, envelope, indicator, type SuiteContext } from './taxii-test-client.js';
import { basicAuth } from './test-server.js';

/** TAXII 2.1 §4.1, §4.2, §1.6.7 authentication, §1.6.8 negotiation, §5.1, §5.2 — over HTTP. */
export function protocolTests(t: SuiteContext): void {
  const { call, add, collectionPath, objectsPath, expectError } = t;

  describe('§4.1 discovery and §4.2 API root', () => {
    it('describes the server and its one API root', async () => {
      const answer = await call('/taxii2/');
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ title: t.server.settings.title, default: t.server.apiRoot, api_roots: [t.server.apiRoot] });
    });

    it('describes the API root from the settings', async () => {
      const answer = await call('/api/v21/');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        title: t.server.settings.apiRootTitle,
        description: t.server.settings.apiRootDescription,
        versions: [TAXII],
        max_content_length: LIMITS.maxBodyBytes,
      });
    });

    it('answers the same with and without the trailing slash', async () => {
      expect((await call('/taxii2')).body).toEqual((await call('/taxii2/')).body);
      expect((await call('/api/v21')).body).toEqual((await call('/api/v21/')).body);
      expect((await call(`/api/v21/collections/${t.server.sharedId}`)).status).toBe(200);
    });

    it('answers 404, never 500, to identifiers in the path that cannot exist', async () => {
      for (const path of [
        '/api/v21/collections/%00/',
        `/api/v21/collections/${'x'.repeat(280)}/objects/`,
        `${objectsPath(t.server.sharedId)}indicator--%00/`,
        `${objectsPath(t.server.sharedId)}not-a-stix-id/versions/`,
        '/api/v21/status/%01/',
      ]) {
        expectError(await call(path), 404);
      }
      expectError(await call(`${objectsPath(t.server.sharedId)}indicator--%00/`, { method: 'DELETE' }), 404);
    });

    it('answers any query value or path segment with 200, 400 or 404, never a server error', async () => {
      const parameters = ['added_after', 'limit', 'next', 'match[id]', 'match[type]', 'match[version]', 'match[spec_version]'];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...parameters), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), async (name, value, segment) => {
          const query = await call(`${objectsPath(t.server.sharedId)}?${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
          expect([200, 400]).toContain(query.status);
          const object = await call(`${objectsPath(t.server.sharedId)}${encodeURIComponent(segment)}/`);
          expect([200, 404]).toContain(object.status);
          const collection = await call(collectionPath(encodeURIComponent(segment)));
          expect([200, 404]).toContain(collection.status);
        }),
        { numRuns: 40 },
      );
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
      expect((await call('/api/v21/', { auth: t.server.auth.reader })).status).toBe(200);
    });

    it('checks credentials before anything else', async () => {
      expectError(await call(objectsPath(t.server.sharedId), { auth: null, accept: 'text/html' }), 401);
      expectError(await add(t.server.hiddenId, [indicator()], { auth: null, contentType: 'text/plain' }), 401);
    });
  });

  describe('§1.6.8 content negotiation', () => {
    it('serves the TAXII 2.1 type, the versionless TAXII type, wildcards and requests without Accept', async () => {
      for (const accept of [TAXII, 'application/taxii+json', '*/*', 'application/*', 'text/html, application/taxii+json;version=2.1;q=0.2', null]) {
        expect((await call(objectsPath(t.server.sharedId), { accept })).status, String(accept)).toBe(200);
      }
    });

    it('answers 406 to an Accept it cannot serve, STIX-only included', async () => {
      for (const accept of ['application/json', 'application/stix+json;version=2.1', 'application/taxii+json;version=2.0', 'text/html']) {
        expectError(await call(objectsPath(t.server.sharedId), { accept }), 406);
        expectError(await call('/taxii2/', { accept }), 406);
      }
    });

    it('answers 415 to a POST that is not a TAXII 2.1 envelope', async () => {
      for (const contentType of ['application/json', 'application/stix+json;version=2.1', 'application/taxii+json;version=2.0', 'text/plain']) {
        expectError(await add(t.server.sharedId, [indicator()], { contentType }), 415);
      }
      const missing = await fetch(`${t.server.url}${objectsPath(t.server.sharedId)}`, {
        method: 'POST',
        headers: { authorization: t.server.auth.writer, accept: TAXII },
        body: new Uint8Array(Buffer.from(envelope([indicator()]))),
      });
      expect(missing.status).toBe(415);
    });
  });

  describe('§5.1 collections and §5.2 collection', () => {
    it('lists the collections a principal may read or write, with its permissions', async () => {
      const answer = await call('/api/v21/collections/');
      const collections = answer.body.collections as Record<string, unknown>[];
      const shared = collections.find((c) => c.id === t.server.sharedId);
      expect(shared).toEqual({
        id: t.server.sharedId,
        title: 'Shared',
        description: 'Read-write for A',
        alias: 'shared',
        can_read: true,
        can_write: true,
        media_types: ['application/stix+json;version=2.1'],
      });
      expect(collections.find((c) => c.id === t.server.readOnlyId)).toMatchObject({ can_read: true, can_write: false });
      expect(collections.some((c) => c.id === t.server.hiddenId)).toBe(false);
      const outsiders = (await call('/api/v21/collections/', { auth: t.server.auth.outsider })).body.collections as Record<string, unknown>[];
      expect(outsiders.map((c) => c.id)).toEqual([t.server.hiddenId]);
    });

    it('gives can_write false to readers and read-only tokens', async () => {
      expect((await call(collectionPath(t.server.sharedId), { auth: t.server.auth.reader })).body).toMatchObject({ can_read: true, can_write: false });
      expect((await call(collectionPath(t.server.sharedId), { auth: t.server.auth.readToken })).body).toMatchObject({ can_read: true, can_write: false });
    });

    it('answers a collection one may not read exactly as one that does not exist', async () => {
      const hidden = await call(collectionPath(t.server.hiddenId));
      const missing = await call(collectionPath(randomUUID()));
      expectError(hidden, 404);
      expectError(missing, 404);
      expect(hidden.body.error_code).toBe(missing.body.error_code);
      for (const path of ['objects/', 'manifest/', `objects/${indicator().id}/`, `objects/${indicator().id}/versions/`]) {
        expectError(await call(`${collectionPath(t.server.hiddenId)}${path}`), 404);
      }
      expectError(await add(t.server.hiddenId, [indicator()]), 404);
    });
  });
}
