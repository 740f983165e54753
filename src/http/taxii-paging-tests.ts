import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, TAXII_TIMESTAMP, indicator, type SuiteContext } from './taxii-test-client.js';

/** TAXII 2.1 §5.4 Get Objects: paging with next and added_after, limit, filters, headers — over HTTP. */
export function pagingTests(t: SuiteContext): void {
  const { call, add, objectsPath, expectError } = t;

  describe('§5.4 get objects: paging, filters and headers', () => {
    let collectionId: string;
    let ids: string[];

    beforeAll(async () => {
      collectionId = await t.server.newCollection();
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
            const id = await t.server.newCollection();
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
}
