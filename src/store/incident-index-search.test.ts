import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INCIDENT_EXTENSION_ID, PROVENANCE_EXTENSION_ID } from '../stix/extensions.js';
import type { StixObject } from '../stix/stix-object.js';
import { IncidentIndex } from './incident-index.js';
import { IncidentQueries, type FeedPosition, type Viewer } from './incident-index-queries.js';
import type { TlpLevel } from './schema.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from './test-backends.js';

/**
 * Full-text search in the feed and over reports: a word held by many reports
 * is met by walking in the answer's order and probing each row's report, a
 * rare one by starting from its reports (SQLite decides by counting matches
 * up to a threshold). Both ways must give the same answer, and only what the
 * viewer may see.
 */

const uuid = (n: number) => `6b0c1d6e-3f0a-4d4e-9a55-${n.toString(16).padStart(12, '0')}`;
const REPORTS = 24;

function searchSuite(open: () => Promise<TestStore>): void {
  let test: TestStore;
  let collectionId: string;

  beforeEach(async () => {
    test = await open();
    await test.opened.store.migrate();
    collectionId = (await test.opened.store.createCollection({ title: 'c' })).id;
    for (let n = 0; n < REPORTS; n += 1) {
      const reportId = `report--${uuid(n)}`;
      const day = `2025-0${1 + (n % 9)}-${String(1 + (n % 27)).padStart(2, '0')}`;
      const report: StixObject = {
        type: 'report', spec_version: '2.1', id: reportId, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', name: `Bulletin ${n}`,
        published: `${day}T00:00:00Z`, report_types: ['threat-report'], object_refs: [`incident--${uuid(n)}`],
        description: `A ${n % 3 === 0 ? 'rare embassy' : 'common'} market attack.`,
      };
      const objects: StixObject[] = [report];
      // Two incidents per report.
      for (const k of [0, 1]) {
        objects.push({
          type: 'incident', spec_version: '2.1', id: `incident--${uuid(1000 + 2 * n + k)}`, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', name: `Attack ${n}.${k}`,
          extensions: {
            [INCIDENT_EXTENSION_ID]: { extension_type: 'property-extension', event_date: day, date_precision: 'day', news_status: 'news', attack_types: ['Bombing/Explosion'] },
            [PROVENANCE_EXTENSION_ID]: { extension_type: 'property-extension', report_ref: reportId, evidence: [] },
          },
        });
      }
      // Every fourth report and its incidents are RED: org-a wrote them, org-c may not see them.
      const tlp: TlpLevel = n % 4 === 1 ? 'red' : 'green';
      await test.opened.store.addObjects(collectionId, objects.map((object) => ({ object, json: JSON.stringify(object), tlp })), { authorOrg: 'org-a', authorUser: null });
    }
    await new IncidentIndex(test.opened.db).catchUp();
  });
  afterEach(async () => test.dispose());

  it('finds the same incidents and reports by walking and probing as by listing the matches, for each viewer', async () => {
    // Threshold 0: every word is common (walk and probe); a huge one: every word is rare (list).
    const walking = new IncidentQueries(test.opened.db, test.opened.dialect, 0);
    const listing = new IncidentQueries(test.opened.db, test.opened.dialect, 1_000_000);
    const fromDays = new IncidentQueries(test.opened.db, test.opened.dialect, 0, { test: 'days' });
    const paged = async (queries: IncidentQueries, viewer: Viewer, words: string[]) => {
      const ids: string[] = [];
      let after: FeedPosition | undefined;
      for (;;) {
        const page = await queries.feed(viewer, { words }, 5, after);
        ids.push(...page.slice(0, 5).map((r) => r.id));
        const last = page[4];
        if (page.length <= 5 || last === undefined) return ids;
        after = { day: last.event_day, id: last.id, collection: last.collection_id };
      }
    };
    for (const [orgId, sees] of [['org-a', () => true], ['org-c', (n: number) => n % 4 !== 1]] as const) {
      const viewer: Viewer = { scope: { kind: 'viewer', userId: 'u', orgId, community: true }, collections: [collectionId] };
      const all = await walking.feed(viewer, {}, 1000);
      for (const words of [['embassy'], ['market'], ['market', 'attack'], ['rare', 'common'], ['bulletin', '7']]) {
        const label = `${orgId} ${words.join(' ')}`;
        const reportOf = (id: string) => Math.floor((Number.parseInt(id.slice(-12), 16) - 1000) / 2);
        const textOf = (n: number) => ['bulletin', String(n)].concat(n % 3 === 0 ? ['rare', 'embassy', 'market', 'attack'] : ['common', 'market', 'attack']);
        const expected = all.map((r) => r.id).filter((id) => words.every((w) => textOf(reportOf(id)).includes(w)));
        expect(await paged(walking, viewer, words), label).toEqual(expected);
        expect(await paged(listing, viewer, words), label).toEqual(expected);
        const reports = (await listing.searchReports(viewer, words, 100)).map((r) => r.id).sort();
        expect((await walking.searchReports(viewer, words, 100)).map((r) => r.id).sort(), label).toEqual(reports);
        expect(reports, label).toEqual(
          Array.from({ length: REPORTS }, (_, n) => n).filter((n) => sees(n) && words.every((w) => textOf(n).includes(w))).map((n) => `report--${uuid(n)}`).sort(),
        );
        expect(await walking.reportDays(viewer, { words }), label).toEqual(await listing.reportDays(viewer, { words }));
        expect(await walking.incidentDays(viewer, { words }), label).toEqual(await listing.incidentDays(viewer, { words }));
        // Common words in a walk from a day range: the matches listed once and tested per row of the range.
        const range = { words, fromDay: Date.UTC(2025, 1, 3) / 86_400_000, toDay: Date.UTC(2025, 5, 20) / 86_400_000 };
        expect(await fromDays.incidentDays(viewer, range), label).toEqual(await listing.incidentDays(viewer, range));
        const everyDay = (await listing.incidentDays(viewer, { words })).length;
        if (everyDay > 0) expect((await listing.incidentDays(viewer, range)).length, label).toBeLessThan(everyDay);
      }
    }
  });
}

describe('full-text search in the incident index on SQLite', () => searchSuite(openSqliteForTest));
describeIfPostgres('full-text search in the incident index on PostgreSQL', await postgresProblem(), () => searchSuite(openPostgresForTest));
