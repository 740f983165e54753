import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restClient, type RestClient } from '../http/rest/rest-test-client.js';
import { suiteContext, type SuiteContext } from '../http/taxii-test-client.js';
import { startTestServer, type TaxiiTestServer } from '../http/test-server.js';
import { tlpMarkingId } from '../stix/tlp.js';
import type { TestStore } from '../store/test-backends.js';
import { grantCollection } from './collection-grants.js';
import { canSee, type StoredTlp, type Viewer } from './marking-policy.js';
import { describeOnBothBackends } from './test-database.js';
import { visibleTo, type ModelRow } from './visibility-model.js';

/**
 * Statement markings (a copyright notice beside TLP) over real HTTP: the level
 * each report is stored with, then, for the author's organisation (A) and for
 * another organisation of the community (B, which may read the collection and
 * see GREEN but is in no sharing group), what TAXII Get Objects and the
 * console's report page answer — both exactly what the policy allows
 * (marking-policy.ts, through visibility-model.ts).
 */
const CREATED = '2024-01-01T00:00:00.000Z';

function markingDefinition(extra: Record<string, unknown>): Record<string, unknown> {
  return { type: 'marking-definition', spec_version: '2.1', id: `marking-definition--${randomUUID()}`, created: CREATED, ...extra };
}

function statement(text: string): Record<string, unknown> {
  return markingDefinition({ name: text, definition_type: 'statement', definition: { statement: text } });
}

function report(name: string, markingRefs: readonly string[], descriptionMarking?: string): Record<string, unknown> {
  return {
    type: 'report',
    spec_version: '2.1',
    id: `report--${randomUUID()}`,
    created: CREATED,
    modified: CREATED,
    name,
    published: CREATED,
    object_refs: [`identity--${randomUUID()}`],
    ...(markingRefs.length === 0 ? {} : { object_marking_refs: markingRefs }),
    ...(descriptionMarking === undefined
      ? {}
      : { description: 'A property marked on its own', granular_markings: [{ marking_ref: descriptionMarking, selectors: ['description'] }] }),
  };
}

interface Case {
  readonly name: string;
  readonly report: Record<string, unknown>;
  readonly tlp: StoredTlp;
}

function suite(open: () => Promise<TestStore>): void {
  let server: TaxiiTestServer;
  let taxii: SuiteContext;
  let orgA: string;
  let orgB: string;
  const cases: Case[] = [];
  const definitions: { name: string; id: string; tlp: StoredTlp }[] = [];

  beforeAll(async () => {
    server = await startTestServer(open);
    taxii = suiteContext(() => server);
    const orgs = await server.db.selectFrom('organizations').select(['id', 'name']).execute();
    orgA = orgs.find((o) => o.name === 'Agency A')?.id as string;
    orgB = orgs.find((o) => o.name === 'Agency B')?.id as string;
    await grantCollection(server.db, { collectionId: server.sharedId, orgId: orgB, canRead: true, canWrite: false });
    const green = tlpMarkingId('green');

    // Stored first, in writes of their own: A's statement and A's custom (non-statement) marking; B's statement
    // and B's custom marking under ids A's objects then use, with a statement of the same id sent by A beside them.
    const storedStatement = statement('Copyright 2024 Agency A');
    const custom = markingDefinition({ name: 'NOFORN', definition_type: 'handling', definition: { handling: 'NOFORN' } });
    const byB = statement('Copyright 2024 Agency B');
    const customOfB = markingDefinition({ name: 'EYES ONLY', definition_type: 'handling', definition: { handling: 'eyes only' } });
    const added = async (collectionId: string, objects: readonly unknown[], auth = server.auth.writer): Promise<void> => {
      const answer = await taxii.add(collectionId, objects, { auth });
      expect(answer.status, answer.text).toBe(202);
      expect(answer.body.failure_count, answer.text).toBe(0);
    };
    await added(server.sharedId, [storedStatement, custom]);
    await added(server.hiddenId, [byB, customOfB], server.auth.outsider);

    const inEnvelope = statement('Copyright 2024 Agency A, terms of use');
    const openCti = markingDefinition({
      name: 'Copyright 2024 OpenCTI feed',
      definition_type: 'statement',
      extensions: { 'extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba': { extension_type: 'property-extension', order: 0, color: '#fff' } },
    });
    const extended = markingDefinition({
      name: 'Statement with rules',
      definition_type: 'statement',
      definition: { statement: 'Shared under rules' },
      extensions: { [`extension-definition--${randomUUID()}`]: { extension_type: 'property-extension', rule: 'none outside' } },
    });
    const spoof = { ...statement('Copyright of B, sent as A'), id: customOfB.id as string };
    const unknownId = `marking-definition--${randomUUID()}`;
    cases.push(
      { name: 'GREEN + statement in the envelope', report: report('green statement', [green, inEnvelope.id as string]), tlp: 'green' },
      { name: 'GREEN + statement stored by A', report: report('green stored statement', [green, storedStatement.id as string]), tlp: 'green' },
      { name: 'GREEN + OpenCTI statement', report: report('green opencti', [openCti.id as string, green]), tlp: 'green' },
      { name: 'GREEN + TLP 1.0 GREEN + statement', report: report('tlp1', [tlpMarkingId('green'), 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', inEnvelope.id as string]), tlp: 'green' },
      { name: 'AMBER + statement', report: report('amber statement', [tlpMarkingId('amber'), inEnvelope.id as string]), tlp: 'amber' },
      { name: 'CLEAR + statement', report: report('clear statement', [inEnvelope.id as string, tlpMarkingId('clear')]), tlp: 'clear' },
      { name: 'statement only: the default of A', report: report('statement only', [inEnvelope.id as string]), tlp: 'amber' },
      { name: 'GREEN + unknown marking-definition', report: report('unknown', [green, unknownId]), tlp: 'unknown' },
      { name: 'GREEN + stored custom marking', report: report('custom', [green, custom.id as string]), tlp: 'unknown' },
      { name: 'GREEN + statement + stored custom marking', report: report('custom and statement', [green, inEnvelope.id as string, custom.id as string]), tlp: 'unknown' },
      { name: 'GREEN + statement with an unknown extension', report: report('extended', [green, extended.id as string]), tlp: 'unknown' },
      { name: "GREEN + another organisation's stored statement", report: report('squatted', [green, byB.id as string]), tlp: 'unknown' },
      { name: "GREEN + a statement sent for the id of B's stored custom marking", report: report('spoofed', [green, spoof.id]), tlp: 'unknown' },
      // entente serves an object whole: a property marked more restrictively makes the whole object that restrictive.
      { name: 'GREEN + RED description', report: report('red description', [green], tlpMarkingId('red')), tlp: 'red' },
      { name: 'GREEN + AMBER description', report: report('amber description', [green], tlpMarkingId('amber')), tlp: 'amber' },
      { name: 'GREEN + statement on the description', report: report('statement description', [green], inEnvelope.id as string), tlp: 'green' },
      { name: 'GREEN + stored statement on the description', report: report('stored statement description', [green], storedStatement.id as string), tlp: 'green' },
      { name: 'GREEN + unknown marking-definition on the description', report: report('unknown description', [green], unknownId), tlp: 'unknown' },
      { name: 'GREEN + stored custom marking on the description', report: report('custom description', [green], custom.id as string), tlp: 'unknown' },
      { name: 'RED description, no object marking', report: report('only red description', [], tlpMarkingId('red')), tlp: 'red' },
      { name: 'CLEAR description, no object marking: the default of A', report: report('only clear description', [], tlpMarkingId('clear')), tlp: 'amber' },
    );
    definitions.push(
      { name: 'statement stored unmarked', id: storedStatement.id as string, tlp: 'clear' },
      { name: 'statement in the envelope', id: inEnvelope.id as string, tlp: 'clear' },
      { name: 'OpenCTI statement', id: openCti.id as string, tlp: 'clear' },
      { name: 'custom marking: the default of A', id: custom.id as string, tlp: 'amber' },
      { name: 'statement with rules: the default of A', id: extended.id as string, tlp: 'amber' },
    );
    const answer = await taxii.add(server.sharedId, [...cases.map((c) => c.report), inEnvelope, openCti, extended, spoof]);
    expect(answer.status, answer.text).toBe(202);
    // Only the spoof is refused: B published that id first.
    expect(answer.body.failure_count, answer.text).toBe(1);
  });

  afterAll(async () => {
    await server.close();
  });

  it('stores each report with the level its TLP markings give, statements passed over, anything else unknown', async () => {
    const rows = await server.db
      .selectFrom('objects')
      .select(['id', 'tlp'])
      .where('id', 'in', cases.map((c) => c.report.id as string))
      .execute();
    const stored = new Map(rows.map((row) => [row.id, row.tlp]));
    for (const c of cases) expect([c.name, stored.get(c.report.id as string)]).toEqual([c.name, c.tlp]);
  });

  it('stores a statement marking-definition written unmarked as CLEAR, so B may look up what marks a GREEN report; others keep the default', async () => {
    const rows = await server.db.selectFrom('objects').select(['id', 'tlp']).where('id', 'in', definitions.map((d) => d.id)).execute();
    const stored = new Map(rows.map((row) => [row.id, row.tlp]));
    for (const d of definitions) expect([d.name, stored.get(d.id)]).toEqual([d.name, d.tlp]);
    for (const d of definitions) {
      const answer = await taxii.call(`${taxii.objectsPath(server.sharedId)}${d.id}/`, { auth: server.auth.outsider });
      expect([d.name, answer.status]).toEqual([d.name, d.tlp === 'clear' ? 200 : 404]);
    }
  });

  it('TAXII Get Objects, Get Object by id and the console report page show each viewer exactly what the policy allows, and agree', async () => {
    const rows: ModelRow[] = cases.map((c, i) => ({
      id: c.report.id as string,
      type: 'report',
      version: CREATED,
      dateAdded: i,
      tlp: c.tlp,
      authorOrg: orgA,
      sharingGroup: null,
      recipientUsers: new Set(),
      recipientOrgs: new Set(),
    }));
    const viewers: { name: string; auth: string; viewer: Viewer }[] = [
      { name: 'A', auth: server.auth.reader, viewer: { userId: 'reader', orgId: orgA, role: 'reader', groupIds: new Set(), community: true } },
      { name: 'B', auth: server.auth.outsider, viewer: { userId: 'outsider', orgId: orgB, role: 'contributor', groupIds: new Set(), community: true } },
    ];
    for (const { name, auth, viewer } of viewers) {
      const expected = new Set(visibleTo(rows, viewer).map((row) => row.id));
      const page = await taxii.call(`${taxii.objectsPath(server.sharedId)}?match[type]=report&limit=50`, { auth });
      expect(page.status, page.text).toBe(200);
      const viaTaxii = new Set((page.body.objects ?? []).map((o) => o.id as string));
      const console: RestClient = restClient(server, auth);
      const viaConsole = new Set<string>();
      const byId = new Set<string>();
      for (const row of rows) {
        const answer = await console.get(`/reports/${row.id}`);
        expect([200, 404]).toContain(answer.status);
        if (answer.status === 200) viaConsole.add(row.id);
        const object = await taxii.call(`${taxii.objectsPath(server.sharedId)}${row.id}/`, { auth });
        expect([200, 404]).toContain(object.status);
        if (object.status === 200) byId.add(row.id);
      }
      expect([name, [...viaTaxii].sort()]).toEqual([name, [...expected].sort()]);
      expect([name, [...viaConsole].sort()]).toEqual([name, [...expected].sort()]);
      expect([name, [...byId].sort()]).toEqual([name, [...expected].sort()]);
    }
    const seenByB = (c: string) => canSee(viewers[1]?.viewer as Viewer, rows.find((r) => r.id === cases.find((x) => x.name === c)?.report.id) as ModelRow);
    expect(seenByB('GREEN + statement in the envelope')).toBe(true);
    expect(seenByB('AMBER + statement')).toBe(false);
    expect(seenByB('GREEN + unknown marking-definition')).toBe(false);
    expect(seenByB('GREEN + stored custom marking')).toBe(false);
    expect(seenByB('GREEN + RED description')).toBe(false);
    expect(seenByB('GREEN + statement on the description')).toBe(true);
    expect(seenByB('GREEN + unknown marking-definition on the description')).toBe(false);
  });
}

await describeOnBothBackends(suite);
