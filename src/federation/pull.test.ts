import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { TLP2_MARKING_IDS } from '../stix/tlp.js';
import { validateObject } from '../stix/validate.js';
import { TaxiiClient } from '../taxii/client/index.js';
import { addPartner, type Partner } from './partners.js';
import { pullRule } from './pull.js';
import { startFakeTaxii, type FakeTaxiiServer } from './test-taxii-server.js';
import { openFederationTestDb, TEST_SECRET_KEY, type FederationTestDb } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A valid identity version as JSON text with unusual spacing, so byte-for-byte storage shows. */
function identity(id: string, modified: string, extra = ''): string {
  return `{ "type": "identity",  "spec_version":"2.1", "id":"${id}", "created":"2025-01-01T00:00:00.000Z", "modified":"${modified}", "name":"Agency ${id.slice(-4)}"${extra} }`;
}

async function setUp(serverOptions: Parameters<typeof startFakeTaxii>[0], filters: Partial<Partner['rules'][number]['filters']> = {}) {
  const fixture: FederationTestDb = await openFederationTestDb();
  cleanups.push(fixture.dispose);
  const server: FakeTaxiiServer = await startFakeTaxii(serverOptions);
  cleanups.push(() => server.close());
  const partner = await addPartner(fixture.db, TEST_SECRET_KEY, {
    name: 'feed',
    discoveryUrl: server.discoveryUrl,
    credentials: { kind: 'token', token: 'unused' },
    orgIds: [fixture.orgId],
    pull: [{ remoteCollection: server.collectionId, localCollection: fixture.collectionId, filters }],
  });
  const client = new TaxiiClient({ retry: { baseDelayMs: 1, maxDelayMs: 5 } });
  cleanups.push(() => client.close());
  const rule = partner.rules[0];
  if (rule === undefined) throw new Error('rule expected');
  const source = { apiRootUrl: `${server.discoveryUrl.replace('/taxii2/', '/root/')}`, collectionId: server.collectionId };
  const pull = (onPage?: () => void) => pullRule({ store: fixture.store, client, pageSize: 100, ...(onPage ? { onPage } : {}) }, partner, rule, source);
  const rows = () =>
    fixture.db.selectFrom('objects').select(['id', 'version', 'json', 'partner', 'author_org', 'tlp']).where('collection_id', '=', fixture.collectionId).orderBy('date_added').execute();
  return { fixture, server, partner, rule, pull, rows };
}

describe('pullRule', () => {
  it('pulls everything from a server with small pages and no next, keeping each text and who delivered it', async () => {
    const { server, partner, fixture, pull, rows } = await setUp({ pageSize: 3 });
    const texts = Array.from({ length: 10 }, () => identity(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z'));
    for (const text of texts) server.add(text);
    expect(texts.every((t) => validateObject(JSON.parse(t)).length === 0)).toBe(true);

    const counts = await pull();
    // Four pages, then one more from where they ended, which brings nothing new.
    expect(counts).toMatchObject({ pages: 5, received: 10, added: 10, duplicate: 0, rejected: 0, filtered: 0 });
    const stored = await rows();
    expect(stored.map((r) => r.json)).toEqual(texts);
    expect(new Set(stored.map((r) => r.partner))).toEqual(new Set([partner.id]));
    expect(new Set(stored.map((r) => r.author_org))).toEqual(new Set([fixture.orgId]));
    expect(server.requests[1]).toContain('added_after=2026-01-01T00%3A00%3A00.003Z');
    expect(server.requests.every((url) => url.includes('match%5Bversion%5D=all'))).toBe(true);

    expect(await pull()).toMatchObject({ pages: 1, received: 0, added: 0 });
    expect(await rows()).toHaveLength(10);
  });

  it('pulls everything in one run from a server that caps its pages and never says "more"', async () => {
    const { server, pull, rows } = await setUp({ pageSize: 4, omitMore: true });
    const texts = Array.from({ length: 10 }, () => identity(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z'));
    for (const text of texts) server.add(text);
    expect(await pull()).toMatchObject({ pages: 4, received: 10, added: 10, duplicate: 0 });
    expect((await rows()).map((r) => r.json)).toEqual(texts);
    expect(server.requests.map((url) => new URL(url, 'http://x').searchParams.get('added_after'))).toEqual([
      null,
      '2026-01-01T00:00:00.004Z',
      '2026-01-01T00:00:00.008Z',
      '2026-01-01T00:00:00.010Z',
    ]);
    expect(await pull()).toMatchObject({ pages: 1, received: 0 });
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
    expect(await rows()).toHaveLength(8);
    const resumed = await pull();
    expect(resumed).toMatchObject({ received: 2, added: 2, duplicate: 0 });
    const stored = await rows();
    expect(stored).toHaveLength(10);
    expect(new Set(stored.map((r) => `${r.id}@${r.version}`)).size).toBe(10);
    const { rows: [count] } = await sql<{ n: number }>`select count(*) as n from objects`.execute(fixture.db);
    expect(Number(count?.n)).toBe(10);
  });

  it('stores nothing twice from a server that ignores added_after, counting duplicates', async () => {
    const { server, pull, rows } = await setUp({ pageSize: 50, ignoreAddedAfter: true });
    for (let i = 0; i < 5; i++) server.add(identity(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z'));
    await pull();
    expect(await pull()).toMatchObject({ received: 5, added: 0, duplicate: 5 });
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
    expect(await pull()).toMatchObject({ received: 0 });
  });
});
