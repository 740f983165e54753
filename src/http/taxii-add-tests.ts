import { randomUUID } from 'node:crypto';
import { fetch } from 'undici';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS, TAXII, TAXII_TIMESTAMP, envelope, indicator, type SuiteContext } from './taxii-test-client.js';

/** TAXII 2.1 §5.5 Add Objects and §4.3 status, with the request limits — over HTTP. */
export function addTests(t: SuiteContext): void {
  const { call, add, objectsPath, expectError } = t;

  describe('§5.5 add objects and §4.3 status', () => {
    it('keeps the valid objects of a mixed envelope and reports each invalid one by name and reason', async () => {
      const id = await t.server.newCollection();
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
      const id = await t.server.newCollection();
      const object = indicator();
      await add(id, [object]);
      const again = await add(id, [object, object]);
      expect(again.status).toBe(202);
      expect(again.body).toMatchObject({ success_count: 2, failure_count: 0 });
      expect((again.body.successes as { message?: string }[])[0]?.message).toMatch(/already/);
      expect((await call(objectsPath(id))).body.objects).toHaveLength(1);
    });

    it('serves each object with exactly the JSON text it was sent with', async () => {
      const id = await t.server.newCollection();
      const object = indicator();
      const text = `{ "name" : "caf\\u00e9 \\"quoted\\"",\n  "id":"${object.id}", "type":"indicator","spec_version":"2.1",
        "created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z", "pattern":"[ipv4-addr:value = '198.51.100.7']",
        "pattern_type":"stix", "valid_from":"2024-01-01T00:00:00Z", "confidence": 1.50e1 }`;
      expect((await call(objectsPath(id), { method: 'POST', contentType: TAXII, body: `{"objects":[${text}]}` })).status).toBe(202);
      expect((await call(objectsPath(id))).text).toContain(text);
      expect((await call(`${objectsPath(id)}${object.id}/`)).text).toContain(text);
    });

    it('serves the status resource of an addition to those who may see its collection', async () => {
      const id = await t.server.newCollection();
      const added = await add(id, [indicator()]);
      const statusId = added.body.id as string;
      const status = await call(`/api/v21/status/${statusId}/`);
      expect(status.status).toBe(200);
      expect(status.body).toEqual(added.body);
      expect((await call(`/api/v21/status/${statusId}`)).body).toEqual(added.body);
      expectError(await call(`/api/v21/status/${statusId}/`, { auth: t.server.auth.outsider }), 404);
      expectError(await call(`/api/v21/status/${randomUUID()}/`), 404);
    });

    it('answers 403 to a principal who may read but not write, 404 to one who may not read', async () => {
      expectError(await add(t.server.readOnlyId, [indicator()]), 403);
      expectError(await add(t.server.sharedId, [indicator()], { auth: t.server.auth.reader }), 403);
      expectError(await add(t.server.sharedId, [indicator()], { auth: t.server.auth.readToken }), 403);
      expectError(await add(t.server.sharedId, [indicator()], { auth: t.server.auth.outsider }), 404);
    });

    it('answers 413 above max_content_length, with or without a declared length', async () => {
      const big = envelope([indicator({ description: 'x'.repeat(LIMITS.maxBodyBytes) })]);
      expectError(await call(objectsPath(t.server.sharedId), { method: 'POST', contentType: TAXII, body: big }), 413);
      const chunks = [Buffer.from(big.slice(0, 1000)), Buffer.from(big.slice(1000))];
      const streamed = await fetch(`${t.server.url}${objectsPath(t.server.sharedId)}`, {
        method: 'POST',
        headers: { authorization: t.server.auth.writer, accept: TAXII, 'content-type': TAXII },
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

    it('sorts any envelope of damaged objects into successes and failures, never a server error', async () => {
      const id = await t.server.newCollection();
      const properties = ['id', 'type', 'spec_version', 'created', 'modified', 'pattern', 'valid_from', 'name', 'object_marking_refs', 'x_extra'];
      const damaged = fc
        .tuple(fc.constantFrom(...properties), fc.jsonValue({ maxDepth: 3 }))
        .map(([property, value]) => indicator({ [property]: value }));
      await fc.assert(
        fc.asyncProperty(fc.array(fc.oneof(damaged, fc.jsonValue({ maxDepth: 3 })), { maxLength: 6 }), async (objects) => {
          const answer = await add(id, objects);
          expect(answer.status).toBe(202);
          expect(answer.body.total_count).toBe(objects.length);
          expect((answer.body.success_count as number) + (answer.body.failure_count as number)).toBe(objects.length);
        }),
        { numRuns: 40 },
      );
    });

    it('answers 413 to more objects than allowed in one envelope', async () => {
      const objects = Array.from({ length: LIMITS.maxObjectsPerEnvelope + 1 }, () => indicator());
      expectError(await add(t.server.sharedId, objects), 413);
    });

    it('answers 400 to malformed JSON, nesting too deep or a body that is not an envelope; 422 without objects', async () => {
      const post = (body: string) => call(objectsPath(t.server.sharedId), { method: 'POST', contentType: TAXII, body });
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
}
