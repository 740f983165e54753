import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { TLP2_MARKING_IDS } from '../stix/tlp.js';
import { validateObject } from '../stix/validate.js';
import type { RuleFilters } from './partners.js';
import { pullRule } from './pull.js';
import type { FakeTaxiiOptions, FakeTaxiiServer } from './test-taxii-server.js';
import { openFederationTestDb, openPullFeed, type FederationTestDb } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A valid identity version as JSON text with unusual spacing, so byte-for-byte storage shows. */
function identity(id: string, modified: string, extra = ''): string {
  return `{ "type": "identity",  "spec_version":"2.1", "id":"${id}", "created":"2025-01-01T00:00:00.000Z", "modified":"${modified}", "name":"Agency ${id.slice(-4)}"${extra} }`;
}

async function setUp(serverOptions: FakeTaxiiOptions, filters: Partial<RuleFilters> = {}) {
  const fixture: FederationTestDb = await openFederationTestDb();
  cleanups.push(fixture.dispose);
  const { server, client, partner, rule, source } = await openPullFeed(fixture, cleanups, { ...serverOptions, filters });
  const pull = (onPage?: () => void) => pullRule({ store: fixture.store, client, pageSize: 100, ...(onPage ? { onPage } : {}) }, partner, rule, source);
  const rows = () =>
    fixture.db.selectFrom('objects').select(['id', 'version', 'json', 'partner', 'author_org', 'tlp']).where('collection_id', '=', fixture.collectionId).orderBy('date_added').execute();
  return { fixture, server, partner, rule, pull, rows };
}

function addedAfter(server: FakeTaxiiServer): (string | null)[] {
  return server.requests.map((url) => new URL(url, 'http://x').searchParams.get('added_after'));
}

describe('pullRule', () => {
  it('pulls everything from a server with small pages and no next, keeping each text and who delivered it', async () => {
    const { server, partner, fixture, pull, rows } = await setUp({ pageSize: 3 });
    const texts = Array.from({ length: 10 }, () => identity(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z'));
    for (const text of texts) server.add(text);
    expect(texts.every((t) => validateObject(JSON.parse(t)).length === 0)).toBe(true);

    const counts = await pull();
    // Each page after the first is asked from just before the last one's final timestamp, so it brings that
    // object again (refetched) and two new ones; then the last object again, and nothing after it.
    expect(counts).toMatchObject({ pages: 7, received: 10, added: 10, duplicate: 0, rejected: 0, filtered: 0, refetched: 5, overfull: 0 });
    const stored = await rows();
    expect(stored.map((r) => r.json)).toEqual(texts);
    expect(new Set(stored.map((r) => r.partner))).toEqual(new Set([partner.id]));
    expect(new Set(stored.map((r) => r.author_org))).toEqual(new Set([fixture.orgId]));
    expect(server.requests[1]).toContain('added_after=2026-01-01T00%3A00%3A00.002Z');
    expect(server.requests.every((url) => url.includes('match%5Bversion%5D=all'))).toBe(true);

    expect(await pull()).toMatchObject({ pages: 2, received: 0, added: 0, duplicate: 0, refetched: 1 });
    expect(await rows()).toHaveLength(10);
  });

  it('pulls everything in one run from a server that caps its pages and never says "more"', async () => {
    const { server, pull, rows } = await setUp({ pageSize: 4, omitMore: true });
    const texts = Array.from({ length: 10 }, () => identity(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z'));
    for (const text of texts) server.add(text);
    expect(await pull()).toMatchObject({ pages: 5, received: 10, added: 10, duplicate: 0, refetched: 3 });
    expect((await rows()).map((r) => r.json)).toEqual(texts);
    expect(addedAfter(server)).toEqual([
      null,
      '2026-01-01T00:00:00.003Z',
      '2026-01-01T00:00:00.006Z',
      '2026-01-01T00:00:00.009Z',
      '2026-01-01T00:00:00.010Z',
    ]);
    expect(await pull()).toMatchObject({ pages: 2, received: 0, refetched: 1 });
  });

  it('adds a newer version beside the old one', async () => {
    const { server, pull, rows } = await setUp({ pageSize: 5 });
    const id = `identity--${randomUUID()}`;
    server.add(identity(id, '2025-02-01T00:00:00.000Z'));
    await pull();
    server.add(identity(id, '2025-03-01T00:00:00.000Z'));
    expect(await pull()).toMatchObject({ added: 1, duplicate: 0 });
    expect((await rows()).map((r) => r.version)).toEqual(['2025-02-01T00:00:00.000000Z', '2025-03-01T00:00:00.000000Z']);
  });

  it('resumes after a crash between pages without losing or duplicating anything', async () => {
    const { server, pull, rows, fixture } = await setUp({ pageSize: 4 });
    for (let i = 0; i < 10; i++) server.add(identity(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z'));
    let pages = 0;
    await expect(
      pull(() => {
        pages += 1;
        if (pages === 2) throw new Error('crash after the second page');
      }),
    ).rejects.toThrow('crash');
    // Pages of four, the second starting with the first's last object.
    expect(await rows()).toHaveLength(7);
    const resumed = await pull();
    expect(resumed).toMatchObject({ received: 3, added: 3, duplicate: 0, refetched: 2 });
    const stored = await rows();
    expect(stored).toHaveLength(10);
    expect(new Set(stored.map((r) => `${r.id}@${r.version}`)).size).toBe(10);
    const { rows: [count] } = await sql<{ n: number }>`select count(*) as n from objects`.execute(fixture.db);
    expect(Number(count?.n)).toBe(10);
  });

  it('stores nothing twice from a server that ignores added_after, and stops asking it', async () => {
    const { server, pull, rows } = await setUp({ pageSize: 50, ignoreAddedAfter: true });
    for (let i = 0; i < 5; i++) server.add(identity(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z'));
    // The same five every time: from just before the last timestamp, then from it, which does not move on either.
    expect(await pull()).toMatchObject({ pages: 3, received: 5, added: 5, refetched: 10 });
    expect(await pull()).toMatchObject({ pages: 2, received: 0, added: 0, duplicate: 0, refetched: 10 });
    expect(await rows()).toHaveLength(5);
  });

  it('filters by type, marking and label, and rejects invalid STIX, still moving past them', async () => {
    const { server, pull, rows } = await setUp({ pageSize: 2 }, { markings: ['green', 'clear'], labels: ['terrorism'] });
    const green = `, "object_marking_refs": ["${TLP2_MARKING_IDS.green}"]`;
    const keep = identity(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z', `${green}, "labels": ["terrorism"]`);
    server.add(keep);
    server.add(identity(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z', `, "object_marking_refs": ["${TLP2_MARKING_IDS.amber}"], "labels": ["terrorism"]`));
    server.add(identity(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z', `${green}, "labels": ["crime"]`));
    server.add(`{"type":"identity","id":"identity--${randomUUID()}","spec_version":"2.1"}`);
    expect(await pull()).toMatchObject({ received: 4, added: 1, filtered: 2, rejected: 1 });
    expect((await rows()).map((r) => [r.json, r.tlp])).toEqual([[keep, 'green']]);
    // The next run re-reads the last timestamp: the invalid object there is refused (and counted) again, nothing else comes.
    expect(await pull()).toMatchObject({ received: 1, rejected: 1, added: 0 });
  });
  describe('from a server without next whose pages can end inside one date_added', () => {
    /** Adds `sizes[i]` objects sharing one date_added for each i; returns their texts in order. */
    function addRuns(server: FakeTaxiiServer, sizes: readonly number[]): string[] {
      const texts: string[] = [];
      for (const size of sizes) {
        for (let i = 0; i < size; i++) {
          const text = identity(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z');
          server.add(text, { sameDateAdded: i > 0 });
          texts.push(text);
        }
      }
      return texts;
    }

    it.each([
      { label: 'with more', omitMore: false },
      { label: 'never saying more', omitMore: true },
    ])('pulls every object exactly once, $label, and a later object with the same date_added too', async ({ omitMore }) => {
      const { server, pull, rows } = await setUp({ pageSize: 4, omitMore });
      // Pages of four over runs of 3, 2, 3, 1… objects sharing a date_added: most pages end inside a run.
      const texts = addRuns(server, [3, 2, 3, 1, 3, 3, 2, 3, 1, 3, 3, 2, 3, 2, 2]);
      expect(texts).toHaveLength(36);

      expect(await pull()).toMatchObject({ received: 36, added: 36, duplicate: 0, rejected: 0, overfull: 0 });
      expect((await rows()).map((r) => r.json)).toEqual(texts);

      expect(await pull()).toMatchObject({ received: 0, added: 0, duplicate: 0 });
      const late = identity(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z');
      server.add(late, { sameDateAdded: true });
      expect(await pull()).toMatchObject({ received: 1, added: 1, duplicate: 0 });
      expect((await rows()).map((r) => r.json)).toEqual([...texts, late]);
    });

    it('resumes after a crash on a page that ended inside one date_added, losing nothing', async () => {
      const { server, pull, rows } = await setUp({ pageSize: 4 });
      const texts = addRuns(server, [1, 1, 3, 1]);
      await expect(
        pull(() => {
          throw new Error('crash after the first page');
        }),
      ).rejects.toThrow('crash');
      // The first page ended with two of the three objects that share a date_added; its watermark is that date.
      expect((await rows()).map((r) => r.json)).toEqual(texts.slice(0, 4));
      expect(await pull()).toMatchObject({ received: 2, added: 2, duplicate: 0, refetched: 3, overfull: 0 });
      expect((await rows()).map((r) => r.json)).toEqual(texts);
    });

    it('ends, counting the page as overfull, when more objects share one date_added than a page holds', async () => {
      const { server, pull, rows } = await setUp({ pageSize: 3 });
      const texts = addRuns(server, [1, 1, 5, 1, 1]);
      // [a b c1] · from just before c: [c1 c2 c3], no further · from c itself: [d e] · [e] · from e: nothing.
      expect(await pull()).toMatchObject({ pages: 5, received: 7, added: 7, overfull: 1 });
      // c4 and c5 cannot be asked for without next: the only loss, and it is counted above.
      expect((await rows()).map((r) => r.json)).toEqual([...texts.slice(0, 5), ...texts.slice(7)]);
      expect(await pull()).toMatchObject({ added: 0, duplicate: 0 });
    });
  });
});
