import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAudit } from '../../access/audit-log.js';
import { withCorrelation } from '../../correlate/correlation-schema.js';
import { CorrelationFollower } from '../../correlate/correlation-follower.js';
import { Correlator, canonicalIdOf } from '../../correlate/correlator.js';
import { CITIES } from '../../correlate/test-incidents.js';
import { buildReport, storeReport, type BuiltReport } from '../../correlate/test-reports.js';
import { openSqliteForTest } from '../../store/test-backends.js';
import { startTestServer, type TaxiiTestServer } from '../test-server.js';
import { expectRestError, restClient, signIn } from './rest-test-client.js';

/**
 * REST.md "Correlation and grading" over real HTTP: Agency A reads the
 * shared collection, Agency B the hidden one; one person is named in a report
 * of each, so the merged entity carries an alias only B may see.
 */
let server: TaxiiTestServer;
let seen: BuiltReport;
let hidden: BuiltReport;
let kadyrov: string;

beforeAll(async () => {
  server = await startTestServer(openSqliteForTest);
  const orgOf = async (name: string) => (await server.db.selectFrom('organizations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  seen = buildReport({ outlet: 'AFP', published: '2024-12-15', date: '2024-12-15', place: CITIES.paris, people: [{ name: 'Ramzan Kadyrov', role: 'head of Chechnya' }] });
  hidden = buildReport({ outlet: 'Secret Desk', published: '2024-12-15', date: '2024-12-15', place: CITIES.paris,
    people: [{ name: 'Ramzan Kadyrow', aliases: ['Razman Kadyrow'], role: 'head of Chechnya' }] });
  await storeReport(server.store, server.sharedId, seen, { authorOrg: await orgOf('Agency A'), authorUser: null }, 'green');
  // GREEN, but in a collection only B is granted: A's users never read it; the instance admin reads every collection.
  await storeReport(server.store, server.hiddenId, hidden, { authorOrg: await orgOf('Agency B'), authorUser: null }, 'green');
  await new Correlator(server.db, server.store).correlateIncidents([seen.incidentId, hidden.incidentId]);
  kadyrov = (await withCorrelation(server.db).selectFrom('entity_mentions').select('entity_id').where('name', '=', 'Ramzan Kadyrov').executeTakeFirstOrThrow()).entity_id;
});
afterAll(async () => {
  await server.close();
});

describe('REST /sources', () => {
  it('lists sources with their reliability (default F) to any signed-in user, paged', async () => {
    expectRestError(await restClient(server).get('/sources'), 401, 'unauthenticated');
    const first = await restClient(server, server.auth.reader).get('/sources?limit=1');
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get('x-entente-applied-limit')).toBe('1');
    expect(first.body.items).toHaveLength(1);
    const second = await restClient(server, server.auth.reader).get(`/sources?limit=1&cursor=${String(first.body.next)}`);
    const names = [...first.body.items, ...second.body.items].map((s: { name: string; reliability: string; kind: string }) => [s.name, s.kind, s.reliability]);
    expect(names.sort()).toEqual([['AFP', 'outlet', 'F'], ['Secret Desk', 'outlet', 'F']]);
  });

  it('lets only an admin grade a source, audited, and refuses a grade outside A-F', async () => {
    const listed = await restClient(server, server.auth.admin).get('/sources');
    const afp = listed.body.items.find((s: { name: string }) => s.name === 'AFP').id as string;
    expectRestError(await restClient(server, server.auth.writer).put(`/sources/${afp}/reliability`, { reliability: 'A' }), 403, 'forbidden');
    expectRestError(await restClient(server, server.auth.admin).put(`/sources/${afp}/reliability`, { reliability: 'G' }), 400, 'validation');
    expectRestError(await restClient(server, server.auth.admin).put(`/sources/${afp}/reliability`, { reliability: 'A', extra: 1 }), 400, 'validation');
    expectRestError(await restClient(server, server.auth.admin).put('/sources/nope/reliability', { reliability: 'A' }), 404, 'not_found');
    const admin = await signIn(server, 'admin');
    const graded = await admin.put(`/sources/${afp}/reliability`, { reliability: 'B' });
    expect(graded.status, graded.text).toBe(200);
    expect(graded.body).toMatchObject({ id: afp, name: 'AFP', reliability: 'B' });
    const audit = (await queryAudit(server.db, { limit: 1000 })).filter((a) => a.target === afp);
    expect(audit.map((a) => [a.action, a.details])).toEqual([['source.grade', { name: 'AFP', from: 'F', to: 'B' }]]);
  });
});

describe('REST /entities', () => {
  it('shows an entity with only what the viewer may see: aliases of hidden reports never reach it', async () => {
    const asA = await restClient(server, server.auth.writer).get(`/entities/${kadyrov}`);
    expect(asA.status, asA.text).toBe(200);
    expect(asA.body.aliases.map((a: { alias: string }) => a.alias)).toEqual(['Ramzan Kadyrov']);
    expect(asA.body.aliases[0].introducedBy).toEqual({ report: seen.reportId });
    expect(asA.text).not.toContain('Kadyrow');
    expect(asA.body.merges).toEqual([]);
    const asB = await restClient(server, server.auth.outsider).get(`/entities/${kadyrov}`);
    expect(asB.status, asB.text).toBe(200);
    expect(asB.body.aliases.map((a: { alias: string }) => a.alias).sort()).toEqual(['Ramzan Kadyrow', 'Razman Kadyrow']);
    const asAdmin = await restClient(server, server.auth.admin).get(`/entities/${kadyrov}`);
    expect(asAdmin.body.merges).toHaveLength(1);
    expect(asAdmin.body.merges[0]).toMatchObject({ confidence: expect.any(Number), reason: expect.stringMatching(/name/u) });
  });

  it('answers 404 alike for a missing entity and one the viewer may not see', async () => {
    const onlyHidden = buildReport({ outlet: 'Secret Desk', published: '2024-12-20', date: '2024-12-20', place: CITIES.lyon, people: [{ name: 'Nobody Known' }] });
    const orgB = (await server.db.selectFrom('organizations').select('id').where('name', '=', 'Agency B').executeTakeFirstOrThrow()).id;
    await storeReport(server.store, server.hiddenId, onlyHidden, { authorOrg: orgB, authorUser: null }, 'amber');
    await new Correlator(server.db, server.store).correlateIncidents([onlyHidden.incidentId]);
    const person = (await withCorrelation(server.db).selectFrom('entity_mentions').select('entity_id').where('name', '=', 'Nobody Known').executeTakeFirstOrThrow()).entity_id;
    const hiddenAnswer = expectRestError(await restClient(server, server.auth.writer).get(`/entities/${person}`), 404, 'not_found');
    const missingAnswer = expectRestError(await restClient(server, server.auth.writer).get('/entities/identity--00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    expect(hiddenAnswer.message.replace(person, 'X')).toBe(missingAnswer.message.replace('identity--00000000-0000-4000-8000-000000000000', 'X'));
  });

  it('splits a merge for an admin only, audited beside the merge', async () => {
    expectRestError(await restClient(server, server.auth.writer).post(`/entities/${kadyrov}/split`, {}), 403, 'forbidden');
    expectRestError(await restClient(server, server.auth.admin).post(`/entities/${kadyrov}/split`, { members: [] }), 400, 'validation');
    const split = await restClient(server, server.auth.admin).post(`/entities/${kadyrov}/split`, {});
    expect(split.status, split.text).toBe(200);
    expect(split.body).toMatchObject({ kind: 'entity', kept: kadyrov });
    expect(split.body.moved).toHaveLength(1);
    const after = await restClient(server, server.auth.outsider).get(`/entities/${kadyrov}`);
    expect(after.status).toBe(404);
    const audit = await queryAudit(server.db, { object: kadyrov });
    expect(audit.map((a) => a.action)).toContain('entity.split');
    const incident = await restClient(server, server.auth.admin).post(`/entities/${seen.incidentId}/split`, { members: [hidden.incidentId] });
    expect(incident.status, incident.text).toBe(200);
    expect(incident.body).toMatchObject({ kind: 'incident', moved: [hidden.incidentId] });
  });
});

describe('correlation of what arrives over TAXII (entente ingest --publish posts there)', () => {
  it('correlates reports published through TAXII Add Objects into one canonical incident of their event', async () => {
    const reports = ['Reuters', 'BBC'].map((outlet) => buildReport({ outlet, published: '2025-02-02', date: '2025-02-01', place: CITIES.lyon }));
    for (const report of reports) {
      const response = await fetch(`${server.apiRoot}collections/${server.sharedId}/objects/`, {
        method: 'POST',
        headers: { authorization: server.auth.writer, 'content-type': 'application/taxii+json;version=2.1', accept: 'application/taxii+json;version=2.1' },
        body: JSON.stringify({ objects: report.objects }),
      });
      expect(response.status).toBe(202);
    }
    const follower = new CorrelationFollower(server.db, new Correlator(server.db, server.store));
    expect(await follower.catchUp()).toBeGreaterThanOrEqual(2);
    const canonical = await canonicalIdOf(server.db, reports[0]?.incidentId as string);
    expect(canonical).toBeDefined();
    expect(await canonicalIdOf(server.db, reports[1]?.incidentId as string)).toBe(canonical);
  });
});
