import { sql, type Kysely, type Migration } from 'kysely';
import { compareTlp, granularMarkingRefs, tlpLevelOf } from '../../stix/tlp.js';
import { ContributionSum } from '../incident-index-aggregates.js';
import { filterKeysOf } from '../incident-index-projection.js';
import { withIncidentIndex, type IndexDb } from '../incident-index-schema.js';
import type { DatabaseSchema, TlpLevel } from '../schema.js';

/**
 * Granular markings count as the object's own (access/marking-resolution.ts,
 * since commit b77e6de): a GREEN object with a RED property is RED. Rows
 * written before kept the level of their object-level markings only, so a
 * stored GREEN object whose granular markings mark a property RED was still
 * served to GREEN viewers. Every stored row whose JSON carries
 * `granular_markings` gets the level the rule gives it, only ever tightened:
 *
 * - the base is the stored level: its object-level markings' level, or, when
 *   they give none, the publisher's default for unmarked objects when it was
 *   written (a default changed later re-levels no stored object);
 * - a granular TLP marking more restrictive than the base replaces it (the
 *   rule's order, stix/tlp.ts: AMBER+STRICT below RED; a row stored below RED
 *   has no recipient rows, since recipients are accepted on RED objects only,
 *   so such a RED row is its author's alone);
 * - any other granular ref makes the row `unknown` (author's organisation
 *   only). The rule passes over a ref to a statement marking-definition the
 *   author stored, but telling one apart needs access/ (isStatementMarking),
 *   which store/ may not import: failing closed is safe, and an author who
 *   publishes the object again gets the rule's level back;
 * - a row stored `unknown` or `none` (author only) stays so.
 *
 * The incident read model keeps a copy of the level of each incident and
 * report row it indexed (`intel_incidents.tlp`, migration 0601;
 * `intel_reports.tlp`, 1100) and counts latest versions by it (the day, cell,
 * filter and month counts of 0601, 1400, 1401 and 1500; the report day counts
 * of 1100, RED left out): a re-levelled row indexed already has its copy set
 * and its counts moved from the old level to the new one, as the projector
 * would; one not indexed yet is indexed later with the new level.
 */
export const granularMarkingLevelsMigration: Migration = {
  // Kysely types a migration's database as unknown: it runs against whatever schema exists at that point.
  async up(db: Kysely<unknown>): Promise<void> {
    const index = withIncidentIndex(db as Kysely<DatabaseSchema>);
    let after = -1;
    for (;;) {
      // The pattern only picks candidates cheaply (a description may name the property): each is parsed and judged below.
      const rows = await index
        .selectFrom('objects')
        .select(['seq', 'collection_id', 'date_added', 'json', 'tlp', 'author_org', 'sharing_group', 'partner'])
        .where('seq', '>', after)
        .where('json', 'like', '%"granular_markings"%')
        .orderBy('seq')
        .limit(CHUNK)
        .execute();
      if (rows.length === 0) return;
      const counts = new ContributionSum();
      for (const row of rows) {
        const level = granularLevel(row.tlp, row.json);
        if (level !== row.tlp) await relevel(index, { ...row, date_added: Number(row.date_added) }, level, counts);
      }
      await counts.apply(index);
      after = Number(rows[rows.length - 1]?.seq);
    }
  },
};

/** Candidate rows read per statement. */
const CHUNK = 500;

/** The level of a row stored at `stored` once the granular markings of its JSON count (see above). */
export function granularLevel(stored: TlpLevel, json: string): TlpLevel {
  if (stored === 'unknown' || stored === 'none') return stored;
  let granularMarkings: unknown;
  try {
    const object: unknown = JSON.parse(json);
    granularMarkings = typeof object === 'object' && object !== null ? (object as Record<string, unknown>).granular_markings : undefined;
  } catch {
    return 'unknown';
  }
  const granular = tlpLevelOf(granularMarkingRefs(granularMarkings));
  if (granular === undefined) return stored;
  if (granular === 'unknown') return 'unknown';
  return compareTlp(stored, granular) >= 0 ? stored : granular;
}

interface Relevelled {
  readonly collection_id: string;
  readonly date_added: number;
  readonly tlp: TlpLevel;
  readonly author_org: string | null;
  readonly sharing_group: string | null;
  readonly partner: string | null;
}

/** Stores `level` for `row`, and moves the read model's copy and counts of it with it. */
async function relevel(db: IndexDb, row: Relevelled, level: TlpLevel, counts: ContributionSum): Promise<void> {
  const key = (table: 'objects' | 'intel_incidents' | 'intel_reports') =>
    db.updateTable(table).set({ tlp: level }).where('collection_id', '=', row.collection_id).where('date_added', '=', row.date_added);
  await key('objects').execute();
  const incident = await db
    .selectFrom('intel_incidents')
    .select(['latest', 'event_day', 'killed', 'lat', 'lon', 'country', 'region', 'attack_types', 'target_types', 'perpetrators', 'sources'])
    .where('collection_id', '=', row.collection_id)
    .where('date_added', '=', row.date_added)
    .executeTakeFirst();
  if (incident !== undefined) {
    await key('intel_incidents').execute();
    if (Number(incident.latest) === 1) {
      // PostgreSQL returns bigint and real columns as strings.
      const counted = {
        collectionId: row.collection_id, authorOrg: row.author_org, sharingGroup: row.sharing_group,
        day: Number(incident.event_day), killed: Number(incident.killed ?? 0), lat: incident.lat === null ? null : Number(incident.lat), lon: incident.lon === null ? null : Number(incident.lon),
        keys: filterKeysOf(incident, row.partner),
      };
      counts.add({ ...counted, tlp: row.tlp }, -1);
      counts.add({ ...counted, tlp: level }, 1);
    }
  }
  const report = await db
    .selectFrom('intel_reports')
    .select(['latest', 'published_day'])
    .where('collection_id', '=', row.collection_id)
    .where('date_added', '=', row.date_added)
    .executeTakeFirst();
  if (report === undefined) return;
  await key('intel_reports').execute();
  if (Number(report.latest) !== 1 || report.published_day === null) return;
  for (const [tlp, sign] of [[row.tlp, -1], [level, 1]] as const) {
    // The report day counts leave RED reports out (migration 1100).
    if (tlp === 'red') continue;
    await db
      .insertInto('intel_report_day_counts')
      .values({ collection_id: row.collection_id, published_day: Number(report.published_day), tlp, author_org: row.author_org ?? '', sharing_group: row.sharing_group ?? '', date_added: 0, reports: sign })
      .onConflict((oc) => oc.columns(['collection_id', 'published_day', 'tlp', 'author_org', 'sharing_group']).doUpdateSet({ reports: sql`intel_report_day_counts.reports + ${sign}` }))
      .execute();
  }
}
