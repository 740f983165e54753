import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorrelationFollower } from '../../correlate/correlation-follower.js';
import { Correlator, canonicalIdOf } from '../../correlate/correlator.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../../store/test-backends.js';
import { startTestServer, type TaxiiTestServer } from '../test-server.js';
import { declineDemoSet } from './intel-demo-set.js';
import { expectRestError, signIn } from './rest-test-client.js';

interface FeedIncident {
  id: string;
  canonical: boolean;
  marking: string;
  date: { value: string };
  place: { city?: string };
}

/**
 * The demo set (issue 7: "the seed article and the development articles
 * ingested and correlated"), on both backends: offered to an admin on an empty
 * store, loaded once, and correlated by the follower `entente serve` runs —
 * the three reports of the Sousse attack (development set D02) become one
 * incident, and the demo set holds fewer incidents than the reports of them.
 */
function demoSuite(open: () => Promise<TestStore>): void {
  let server: TaxiiTestServer;
  beforeAll(async () => {
    server = await startTestServer(open);
  });
  afterAll(async () => server.close());

  it('is offered to an admin on an empty store, loads the seed and development articles once, correlated, then is no longer offered', async () => {
    const admin = await signIn(server, 'admin');
    const writer = await signIn(server, 'writer');
    expect((await admin.get('/demo')).body).toEqual({ offered: true, empty: true });
    expect((await writer.get('/demo')).body.offered).toBe(false);
    expectRestError(await writer.post('/demo', {}), 403, 'forbidden');

    const loaded = await admin.post('/demo', {});
    expect(loaded.status, loaded.text).toBe(200);
    expect(loaded.body.reports).toBeGreaterThan(10);
    expect(loaded.body.objects).toBeGreaterThan(100);
    const feed = await admin.get('/incidents?limit=500');
    expect(feed.body.items.length).toBeGreaterThan(10);
    expect(feed.body.items.every((i: { marking: string }) => i.marking === 'green')).toBe(true);
    expect((await admin.get('/search?q=Kadyrov')).body.items.length).toBeGreaterThan(0);

    expect((await admin.get('/demo')).body).toEqual({ offered: false, empty: false });
    expectRestError(await admin.post('/demo', {}), 409, 'conflict');
  }, 300_000);

  it('is correlated: the reports of one attack are one incident, and there are fewer incidents than reports of them', async () => {
    const admin = await signIn(server, 'admin');
    // What `entente serve` runs after every publication (cli/commands/serve.ts).
    await new CorrelationFollower(server.db, new Correlator(server.db, server.store)).catchUp();
    const items = (await admin.get('/incidents?limit=500')).body.items as FeedIncident[];
    const extracted = items.filter((i) => !i.canonical);
    const canonicalOf = new Map<string, string | undefined>();
    for (const item of extracted) canonicalOf.set(item.id, await canonicalIdOf(server.db, item.id));
    // Every extracted incident was correlated, and merging happened.
    expect([...canonicalOf.values()].filter((id) => id === undefined)).toEqual([]);
    const canonical = new Set(canonicalOf.values());
    expect(canonical.size).toBeLessThan(extracted.length);

    // The known case: D02, the Sousse beach attack of 26 June 2015, told by three outlets.
    const sousse = extracted.filter((i) => i.place.city === 'Sousse' && i.date.value === '2015-06-26');
    expect(sousse.length).toBeGreaterThanOrEqual(2);
    const sousseCanonical = new Set(sousse.map((i) => canonicalOf.get(i.id)));
    expect(sousseCanonical.size).toBe(1);
    const detail = await admin.get(`/incidents/${sousse[0]?.id as string}`);
    expect(detail.status, detail.text).toBe(200);
    expect(detail.body.canonical).toBe(true);
    const outlets = (detail.body.reports as { outlet?: string }[]).map((r) => r.outlet).sort();
    expect(outlets).toEqual(['Harbourline Wire', 'Maghreb Policy Monitor', 'The Albion Courant']);

    // The attacks of the development set each told by several reports: fewer incidents than reports telling them.
    const known = [['Paris', '2015-11-13'], ['Sousse', '2015-06-26'], ['London', '2017-03-22'], ['Barcelona', '2017-08-17'], ['Mogadishu', '2017-10-14'], ['Dhaka', '2016-07-01'], ['Colombo', '2019-04-21'], ['Lahore', '2016-03-27']];
    const told = extracted.filter((i) => known.some(([city, date]) => i.place.city === city && i.date.value === date));
    const became = new Set(told.map((i) => canonicalOf.get(i.id)));
    expect(told.length).toBeGreaterThanOrEqual(known.length * 2);
    expect(became.size).toBeLessThan(told.length);
  }, 300_000);

  it('is not offered once `entente serve --empty` declined it', async () => {
    const other = await startTestServer(open);
    try {
      await declineDemoSet(other.db);
      const admin = await signIn(other, 'admin');
      expect((await admin.get('/demo')).body).toEqual({ offered: false, empty: true });
    } finally {
      await other.close();
    }
  });
}

describe('REST demo set on SQLite', () => demoSuite(openSqliteForTest));
describeIfPostgres('REST demo set on PostgreSQL', await postgresProblem(), () => demoSuite(openPostgresForTest));
