import { sql, type Kysely, type Migration } from 'kysely';
import { isStatementMarking, statementsOf, storedMarkingKinds, tightenedBy, type StoredDefinition } from '../../stix/marking-rule.js';
import type { StixObject } from '../../stix/stix-object.js';
import { granularMarkingRefs, isTlpMarkingId, tlpLevelOf } from '../../stix/tlp.js';
import { ContributionSum } from '../incident-index-aggregates.js';
import { filterKeysOf } from '../incident-index-projection.js';
import { withIncidentIndex, type IndexDb } from '../incident-index-schema.js';
import type { DatabaseSchema, TlpLevel } from '../schema.js';

/**
 * Granular markings count as the object's own (the one rule,
 * stix/marking-rule.ts, applied by access/marking-resolution.ts since commit
 * b77e6de): a GREEN object with a RED property is RED. Rows
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
 * - a granular ref to a statement marking-definition restricts nothing, as
 *   on the write path: one whose stored definitions are all statements, one
 *   of them stored by the row's own organisation (its `author_org`, for a
 *   pull the partner's organisation), judged by the rule's own functions
 *   (storedMarkingKinds). The definitions are those stored when the migration
 *   runs, as publishing the object again then would judge it; since a
 *   statement only ever leaves the level as it is, this never loosens a row;
 * - any other granular ref makes the row `unknown` (author's organisation
 *   only); an author who publishes the object again after its definition
 *   gets the rule's level back;
 * - a row stored `unknown` or `none` (author only) stays so.
 *
 * Its first release (commit b0b9dae) knew no statement and made every row
 * with a granular statement `unknown`. Databases that ran it keep those rows
 * so: no later migration loosens them, since such a row cannot be told apart
 * from one stored `unknown` because its statement was not known when it was
 * written (which must stay so), and the level it replaced (for an object
 * without object-level markings, the default when written) is kept nowhere.
 * Publishing the object again gives the rule's level back.
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
      const refs = rows.map((row) => (judged(row.tlp) ? granularRefs(row.json) : []));
      const statements = await statementsStoredBy(index, refs);
      for (const [i, row] of rows.entries()) {
        const level = granularLevel(row.tlp, refs[i], statements(row.author_org));
        if (level !== row.tlp) await relevel(index, { ...row, date_added: Number(row.date_added) }, level, counts);
      }
      await counts.apply(index);
      after = Number(rows[rows.length - 1]?.seq);
    }
  },
};

/** Candidate rows read per statement. */
const CHUNK = 500;

/** Candidate marking-definition ids looked up per statement. */
const IDS_PER_LOOKUP = 500;

/** Whether a row stored at `level` is judged again: one stored author-only stays so. */
function judged(level: TlpLevel): boolean {
  return level !== 'unknown' && level !== 'none';
}

/** The `marking_ref`s of the granular markings of an object's JSON; undefined when it cannot be read. */
export function granularRefs(json: string): string[] | undefined {
  let object: unknown;
  try {
    object = JSON.parse(json);
  } catch {
    return undefined;
  }
  return granularMarkingRefs(typeof object === 'object' && object !== null ? (object as Record<string, unknown>).granular_markings : undefined);
}

/**
 * The level of a row stored at `stored` whose granular markings are `refs`
 * (undefined: its JSON cannot be read) once they count, refs in `statements`
 * passed over (see above).
 */
export function granularLevel(stored: TlpLevel, refs: readonly string[] | undefined, statements: ReadonlySet<string>): TlpLevel {
  if (!judged(stored)) return stored;
  if (refs === undefined) return 'unknown';
  return tightenedBy(stored, tlpLevelOf(refs, statements));
}

/**
 * For a row's `author_org`, the ids among `refs` known as statements for it:
 * stix/marking-rule.ts storedMarkingKinds over every stored definition of
 * those ids (as access/marking-resolution.ts storedMarkings reads them for a
 * write, which store/ may not import).
 */
async function statementsStoredBy(db: IndexDb, refs: readonly (readonly string[] | undefined)[]): Promise<(authorOrg: string | null) => ReadonlySet<string>> {
  const asked = [...new Set(refs.flatMap((some) => (some ?? []).filter((ref) => !isTlpMarkingId(ref))))].sort();
  const stored: { id: string; statement: boolean; authorOrg: string | null }[] = [];
  for (let start = 0; start < asked.length; start += IDS_PER_LOOKUP) {
    const rows = await db
      .selectFrom('objects')
      .select(['id', 'author_org', 'json'])
      .where('type', '=', 'marking-definition')
      .where('id', 'in', asked.slice(start, start + IDS_PER_LOOKUP))
      .execute();
    for (const row of rows) stored.push({ id: row.id, statement: isStatement(row.json), authorOrg: row.author_org });
  }
  const byOrg = new Map<string | null, ReadonlySet<string>>();
  return (authorOrg) => {
    let statements = byOrg.get(authorOrg);
    if (statements === undefined) {
      const definitions = stored.map(({ id, statement, authorOrg: by }): StoredDefinition => ({ id, statement, ours: authorOrg !== null && by === authorOrg }));
      statements = statementsOf(storedMarkingKinds(definitions));
      byOrg.set(authorOrg, statements);
    }
    return statements;
  };
}

/** Whether a stored marking-definition's JSON is a statement; one that cannot be read is not (fails closed). */
function isStatement(json: string): boolean {
  try {
    return isStatementMarking(JSON.parse(json) as StixObject);
  } catch {
    return false;
  }
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
