/**
 * What writing campaigns costs the correlation follower (issue 6): the same
 * reports are followed twice, on fresh SQLite files, without and with the
 * campaign linker. Each day has attacks in three French cities by one group
 * (one campaign of three canonical incidents) and a second report of the
 * first attack (a join), so every correlated group touches a campaign.
 *
 *   node --import tsx bench/correlate-campaigns.ts [--days 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CampaignLinker } from '../src/correlate/campaign-linker.js';
import { withCampaigns } from '../src/correlate/campaign-schema.js';
import { CorrelationFollower } from '../src/correlate/correlation-follower.js';
import { Correlator } from '../src/correlate/correlator.js';
import { CITIES, group } from '../src/correlate/test-incidents.js';
import { buildReport, storeReport } from '../src/correlate/test-reports.js';
import { openStore } from '../src/store/open-store.js';

const at = process.argv.indexOf('--days');
const DAYS = at >= 0 ? Number(process.argv[at + 1]) : 200;
const MARSEILLE = { ...CITIES.lyon, city: 'Marseille', latitude: 43.2965, longitude: 5.3698, locationId: undefined };

async function run(withCampaignLinker: boolean): Promise<{ wallS: number; cpuS: number; incidents: number; campaigns: number }> {
  const folder = mkdtempSync(join(tmpdir(), 'entente-bench-campaigns-'));
  try {
    const { db, store } = await openStore(join(folder, 'entente.db'));
    await store.migrate();
    const collection = (await store.createCollection({ title: 'reports' })).id;
    for (let d = 0; d < DAYS; d += 1) {
      const day = new Date(Date.UTC(2010, 0, 1) + d * 3 * 86_400_000).toISOString().slice(0, 10);
      const perpetrators = [group(`Group ${d % 7}`)];
      for (const [outlet, place] of [['AFP', CITIES.paris], ['Reuters', CITIES.paris], ['AFP', CITIES.lyon], ['AFP', MARSEILLE]] as const) {
        await storeReport(store, collection, buildReport({ outlet, published: day, date: day, place, perpetrators }), { authorOrg: null, authorUser: null });
      }
    }
    const correlator = new Correlator(db, store);
    const campaigns = withCampaignLinker ? new CampaignLinker(db, store, () => correlator.canonicalCollection()) : undefined;
    const follower = new CorrelationFollower(db, correlator, campaigns !== undefined ? { campaigns } : {});
    const cpu = process.cpuUsage();
    const started = performance.now();
    const incidents = await follower.catchUp();
    const wallS = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    await follower.stop();
    const held = await withCampaigns(db).selectFrom('correlation_campaigns').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await store.close();
    return { wallS, cpuS: (used.user + used.system) / 1e6, incidents, campaigns: Number(held.n) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(', ')}; ${DAYS} days, ${DAYS * 4} reports`);
// Twice each, alternating: the first run also warms the JIT up.
for (const linker of [false, true, false, true]) {
  const r = await run(linker);
  console.log(`${linker ? 'with campaigns   ' : 'without campaigns'}: ${r.incidents} incidents in ${r.wallS.toFixed(2)} s wall, ${r.cpuS.toFixed(2)} CPU-s, ${r.campaigns} campaigns`);
}
console.log(`load average at end: ${loadavg().map((l) => l.toFixed(1)).join(', ')}`);
