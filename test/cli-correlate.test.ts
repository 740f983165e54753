import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryAudit } from '../src/access/audit-log.js';
import { Correlator } from '../src/correlate/correlator.js';
import { CITIES } from '../src/correlate/test-incidents.js';
import { buildReport, storeReport } from '../src/correlate/test-reports.js';
import { openStore } from '../src/store/open-store.js';
import { runCli, tempDir } from './cli-harness.js';

// The first case spawns the real command seven times; on a loaded 2-core machine a spawn can take half a minute.
vi.setConfig({ testTimeout: 400_000 });

let temp: ReturnType<typeof tempDir>;
let db: string;

beforeEach(() => {
  temp = tempDir();
  db = join(temp.dir, 'entente.db');
});

afterEach(() => temp.remove());

/** Two reports of one event and a third of another, wrongly merged by a bridging report; returns the ids. */
async function correlated(): Promise<{ canonicalId: string; incidents: string[] }> {
  const { store, db: kdb } = await openStore(db);
  try {
    await store.migrate();
    const collection = (await store.createCollection({ title: 'reports' })).id;
    const correlator = new Correlator(kdb, store);
    const incidents: string[] = [];
    let canonicalId = '';
    for (const outlet of ['AFP', 'Reuters']) {
      const built = buildReport({ outlet, published: '2024-01-05', date: '2024-01-05', place: CITIES.paris, people: [{ name: outlet === 'AFP' ? 'Ramzan Kadyrov' : 'Ramzan Kadyrow', role: 'head' }] });
      await storeReport(store, collection, built, { authorOrg: null, authorUser: null });
      canonicalId = (await correlator.correlateIncidents([built.incidentId]))[0]?.canonicalId ?? '';
      incidents.push(built.incidentId);
    }
    return { canonicalId, incidents };
  } finally {
    await store.close();
  }
}

describe('entente entity and entente source', () => {
  it('shows a canonical incident and an entity, splits each, and audits the splits', async () => {
    const { canonicalId, incidents } = await correlated();
    const shown = await runCli(['entity', 'show', incidents[0] as string, '--json', '--db', db]);
    expect(shown.code, shown.stderr).toBe(0);
    const incident = JSON.parse(shown.stdout) as { id: string; members: { incidentId: string }[]; merges: { confidence: number }[] };
    expect(incident.id).toBe(canonicalId);
    expect(incident.members.map((m) => m.incidentId).sort()).toEqual([...incidents].sort());
    expect(incident.merges[0]?.confidence).toBeGreaterThanOrEqual(65);

    const split = await runCli(['entity', 'split', canonicalId, '--member', incidents[1] as string, '--json', '--db', db]);
    expect(split.code, split.stderr).toBe(0);
    expect((JSON.parse(split.stdout) as { moved: string[] }).moved).toEqual([incidents[1]]);
    const again = await runCli(['entity', 'split', canonicalId, '--db', db]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/some, but not all/u);

    const { store, db: kdb } = await openStore(db);
    let person = '';
    try {
      person = (await kdb.selectFrom('objects').select('id').where('json', 'like', '%Ramzan Kadyrow"%').where('type', '=', 'identity').executeTakeFirstOrThrow()).id;
    } finally {
      await store.close();
    }
    const entity = await runCli(['entity', 'show', person, '--json', '--db', db]);
    expect(entity.code, entity.stderr).toBe(0);
    const record = JSON.parse(entity.stdout) as { mentions: string[]; aliases: { alias: string; introducedBy: { report?: string } }[] };
    expect(record.mentions).toHaveLength(2);
    expect(record.aliases.every((a) => a.introducedBy.report?.startsWith('report--'))).toBe(true);
    const undone = await runCli(['entity', 'split', person, '--db', db]);
    expect(undone.code, undone.stderr).toBe(0);
    const missing = await runCli(['entity', 'show', 'identity--00000000-0000-4000-8000-000000000000', '--db', db]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No entity/u);

    const reopened = await openStore(db);
    try {
      const audit = await queryAudit(reopened.db, { limit: 100 });
      expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['correlate.split', 'entity.split']));
    } finally {
      await reopened.store.close();
    }
  });

  it('lists sources at F and lets them be graded, audited; refuses a grade outside A-F', async () => {
    await correlated();
    const listed = await runCli(['source', 'list', '--json', '--db', db]);
    expect(listed.code, listed.stderr).toBe(0);
    const sources = JSON.parse(listed.stdout) as { id: string; name: string; reliability: string }[];
    expect(sources.map((s) => [s.name, s.reliability]).sort()).toEqual([['AFP', 'F'], ['Reuters', 'F']]);
    const afp = sources.find((s) => s.name === 'AFP')?.id as string;
    const graded = await runCli(['source', 'grade', afp, 'b', '--db', db]);
    expect(graded.code, graded.stderr).toBe(0);
    expect(graded.stdout).toContain('AFP: F -> B');
    const bad = await runCli(['source', 'grade', afp, 'Z', '--db', db]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not an Admiralty grade/u);
    const { store, db: kdb } = await openStore(db);
    try {
      expect((await queryAudit(kdb, { limit: 100 })).filter((a) => a.action === 'source.grade').map((a) => a.details)).toEqual([{ name: 'AFP', from: 'F', to: 'B' }]);
    } finally {
      await store.close();
    }
  });
});
