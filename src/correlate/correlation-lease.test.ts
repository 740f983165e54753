import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStore, type OpenedStore } from '../store/open-store.js';
import { describeIfPostgres, openPostgresForTest, postgresProblem, TEST_POSTGRES_URL } from '../store/test-backends.js';
import { CorrelationFollower } from './correlation-follower.js';
import { Correlator, canonicalIdOf } from './correlator.js';
import { CITIES } from './test-incidents.js';
import { buildReport, storeReport } from './test-reports.js';

/**
 * Two servers on one PostgreSQL database: only the holder of the correlation
 * lease correlates; when it stops or dies, the other takes over from the
 * cursors, and every report is correlated exactly once (one canonical version
 * per distinct event: a report correlated twice would add a second).
 */
describeIfPostgres('Correlation follower lease on PostgreSQL', await postgresProblem(), () => {
  let first: Awaited<ReturnType<typeof openPostgresForTest>>;
  let second: OpenedStore;
  let collection: string;
  let day = 0;

  beforeEach(async () => {
    first = await openPostgresForTest();
    await first.opened.store.migrate();
    second = await openStore(TEST_POSTGRES_URL, { schema: first.schema });
    collection = (await first.opened.store.createCollection({ title: 'reports' })).id;
  });
  afterEach(async () => {
    await second.store.close();
    await first.dispose();
  });

  /** `n` reports of distinct events (one city, different days: never merged). */
  async function addReports(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const date = new Date(Date.UTC(2024, 0, 1 + 3 * day++)).toISOString().slice(0, 10);
      const built = buildReport({ outlet: 'AFP', published: date, date, place: CITIES.paris });
      await storeReport(first.opened.store, collection, built, { authorOrg: null, authorUser: null });
      ids.push(built.incidentId);
    }
    return ids;
  }

  const follower = (opened: OpenedStore, owner: string, clock?: () => number): CorrelationFollower =>
    new CorrelationFollower(opened.db, new Correlator(opened.db, opened.store), { leaseOwner: owner, pageSize: 5, ...(clock ? { clock } : {}) });

  /** Canonical versions per report incident: 1 each when nothing was lost or correlated twice. */
  async function versionsOf(incidentIds: readonly string[]): Promise<number[]> {
    const canonical = (await first.opened.store.listCollections()).find((c) => c.alias === 'canonical')?.id as string;
    return Promise.all(incidentIds.map(async (id) => {
      const canonicalId = await canonicalIdOf(first.opened.db, id);
      if (canonicalId === undefined) return 0;
      return (await first.opened.store.queryVersions(canonical, canonicalId, { limit: 10 }, { kind: 'all' })).items.length;
    }));
  }

  it('lets one of two servers correlate; when it stops, the other continues from the cursors', async () => {
    const before = await addReports(12);
    const a = follower(first.opened, 'host:1:a');
    const b = follower(second, 'host:2:b');
    const counts = await Promise.all([a.catchUp(), b.catchUp()]);
    expect([...counts].sort((x, y) => x - y)).toEqual([0, 12]);
    const [holder, other] = counts[0] === 12 ? [a, b] : [b, a];
    const after = await addReports(7);
    expect(await other.catchUp()).toBe(0);
    await holder.stop();
    expect(await other.catchUp()).toBe(7);
    expect(await holder.catchUp()).toBe(0);
    expect(await versionsOf([...before, ...after])).toEqual(new Array(19).fill(1));
    await other.stop();
  });

  it('takes over once a holder that stopped renewing lets the lease expire, and the old holder then stands down', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = (): number => now;
    const reports = await addReports(3);
    const a = follower(first.opened, 'host:1:a', clock);
    const b = follower(second, 'host:2:b', clock);
    expect(await a.catchUp()).toBe(3);
    const later = await addReports(2);
    now += 29_000;
    expect(await b.catchUp()).toBe(0);
    now += 2_000;
    expect(await b.catchUp()).toBe(2);
    const last = await addReports(1);
    expect(await a.catchUp()).toBe(0);
    expect(await b.catchUp()).toBe(1);
    expect(await versionsOf([...reports, ...later, ...last])).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('takes over at once from a server on this host killed with -9', async () => {
    const reports = await addReports(4);
    const script = fileURLToPath(new URL('./test-correlation-holder.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, first.schema], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const said = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out.trim());
        });
        child.once('exit', (code) => reject(new Error(`the holder exited (${String(code)}) before holding: ${out}`)));
      });
      expect(said).toBe('holding 4');
      const b = follower(second, 'host:2:b');
      const later = await addReports(3);
      expect(await b.catchUp()).toBe(0);
      child.kill('SIGKILL');
      await exited;
      expect(await b.catchUp()).toBe(3);
      expect(await versionsOf([...reports, ...later])).toEqual(new Array(7).fill(1));
      await b.stop();
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });
});
