import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { TAXII_TIMESTAMP, indicator, type SuiteContext } from './taxii-test-client.js';

/** TAXII 2.1 §5.6 Get An Object, §5.8 versions, §5.3 manifest, §5.7 delete — over HTTP. */
export function objectTests(t: SuiteContext): void {
  const { call, add, collectionPath, objectsPath, expectError } = t;

  describe('§5.6 object, §5.8 versions, §5.3 manifest, §5.7 delete', () => {
    let collectionId: string;
    const id = `indicator--${randomUUID()}`;
    const versions = ['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z'];

    beforeAll(async () => {
      collectionId = await t.server.newCollection();
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
      expectError(await call(`${objectsPath(collectionId)}${id}/`, { method: 'DELETE', auth: t.server.auth.reader }), 403);
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
}
