import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../store/test-backends.js';
import { CorrelationFollower } from './correlation-follower.js';
import { Correlator, canonicalIdOf } from './correlator.js';
import { CITIES } from './test-incidents.js';
import { buildReport, storeReport } from './test-reports.js';

/** Stopping the correlation follower with a backlog: it returns between chunks, and the next run resumes from the cursor. */
function stopSuite(open: () => Promise<TestStore>): void {
  let test: TestStore;
  let collection: string;
  beforeEach(async () => {
    test = await open();
    await test.opened.store.migrate();
    collection = (await test.opened.store.createCollection({ title: 'reports' })).id;
  });
  afterEach(async () => test.dispose());

  /** `n` reports of distinct events (one city, days apart: never merged). */
  async function addReports(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const date = new Date(Date.UTC(2024, 0, 1 + 3 * i)).toISOString().slice(0, 10);
      const built = buildReport({ outlet: 'AFP', published: date, date, place: CITIES.paris });
      await storeReport(test.opened.store, collection, built, { authorOrg: null, authorUser: null });
      ids.push(built.incidentId);
    }
    return ids;
  }

  const follower = (): CorrelationFollower => new CorrelationFollower(test.opened.db, new Correlator(test.opened.db, test.opened.store), { pageSize: 2 });

  it('returns after the chunk in progress once stopped, refuses runs until started again, and then correlates the rest', async () => {
    const incidents = await addReports(6);
    const correlator = new Correlator(test.opened.db, test.opened.store);
    const f = new CorrelationFollower(test.opened.db, correlator, { pageSize: 2 });
    const correlate = correlator.correlateIncidents.bind(correlator);
    let stopped: Promise<void> | undefined;
    const runs: string[][] = [[]];
    // Stopped while the first chunk is correlated: the run moves the cursor past it and reads no next page of the backlog.
    vi.spyOn(correlator, 'correlateIncidents').mockImplementation(async (ids) => {
      stopped ??= f.stop();
      runs[runs.length - 1]?.push(...ids);
      return correlate(ids);
    });
    const first = await f.catchUp();
    await stopped;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(incidents.length);
    expect(await f.catchUp()).toBe(0);
    f.start();
    runs.push([]);
    await f.catchUp();
    // The second run picks up where the first stopped: every incident is correlated once in it, unless the first
    // did already and only a report stored after the cursor names it again.
    const [before = [], after = []] = runs;
    expect(new Set([...before, ...after])).toEqual(new Set(incidents));
    expect(new Set(after).size).toBe(after.length);
    expect(after.filter((id) => before.includes(id)).length).toBeLessThanOrEqual(1);
    expect(await f.catchUp()).toBe(0);
    await f.stop();
    const canonicals = await Promise.all(incidents.map((id) => canonicalIdOf(test.opened.db, id)));
    expect(new Set(canonicals.filter((c) => c !== undefined)).size).toBe(incidents.length);
  });

  it('stop() also ends a run another caller started; a run asked for after stop correlates nothing, and once started again the follower resumes', async () => {
    const incidents = await addReports(4);
    const f = follower();
    const running = f.catchUp();
    await f.stop();
    expect(await running).toBeLessThan(incidents.length);
    expect(await f.catchUp()).toBe(0);
    f.start();
    expect(await running + await f.catchUp()).toBe(incidents.length);
    await f.stop();
  });
}

describe('correlation follower stop on SQLite', () => stopSuite(openSqliteForTest));
describeIfPostgres('correlation follower stop on PostgreSQL', await postgresProblem(), () => stopSuite(openPostgresForTest));
