import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { ReadScope, VersionSelector } from './object-store.js';
import type { DatabaseSchema, ObjectsTable } from './schema.js';
import { normaliseTimestamp } from './timestamps.js';
import { visibilityCondition } from './visibility-sql.js';

/**
 * TAXII 2.1 §3.4.2 filters, resolved to what the SQL needs. `after` is where
 * the page starts (added_after or the cursor, whichever is later); `addedAfter`
 * alone scopes the version probes, so `last` and `first` mean the latest and
 * earliest of the versions that match the other filters (as the OASIS
 * reference server reads the specification), independent of the page.
 */
export interface ResolvedFilter {
  readonly collectionId: string;
  readonly after?: number;
  readonly addedAfter?: number;
  readonly ids?: readonly string[];
  readonly types?: readonly string[];
  /** Absent: only the latest spec_version of each object (TAXII 2.1 §3.4.2 match[spec_version]). */
  readonly specVersions?: readonly string[];
  /** Empty: `last`. */
  readonly versions: readonly VersionSelector[];
  readonly scope: ReadScope;
}

type Row = DatabaseSchema & { o: ObjectsTable };
type Eb = ExpressionBuilder<Row, 'o'>;

/** The WHERE clause over `objects as o` for one TAXII query. */
export function objectFilter(eb: Eb, filter: ResolvedFilter): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [eb('o.collection_id', '=', filter.collectionId)];
  if (filter.after !== undefined) conditions.push(eb('o.date_added', '>', filter.after));
  if (filter.ids && filter.ids.length > 0) conditions.push(eb('o.id', 'in', [...filter.ids]));
  if (filter.types && filter.types.length > 0) conditions.push(eb('o.type', 'in', [...filter.types]));
  const visible = visibilityCondition('o', filter.scope);
  if (visible) conditions.push(visible);

  if (filter.specVersions && filter.specVersions.length > 0) {
    conditions.push(eb('o.spec_version', 'in', [...filter.specVersions]));
  } else {
    conditions.push(
      eb.or([onlyVersion(eb), eb.not(eb.exists(peers(eb, filter).whereRef('v.spec_version', '>', 'o.spec_version')))]),
    );
  }

  const version = versionCondition(eb, filter);
  if (version) conditions.push(version);
  return eb.and(conditions);
}

/** match[version]: a comma list is the union of its selectors. */
function versionCondition(eb: Eb, filter: ResolvedFilter): Expression<SqlBool> | undefined {
  const selectors: readonly VersionSelector[] = filter.versions.length > 0 ? filter.versions : [{ kind: 'last' }];
  if (selectors.some((s) => s.kind === 'all')) return undefined;
  const alternatives: Expression<SqlBool>[] = [];
  const exact = selectors.flatMap((s) => (s.kind === 'at' ? [normaliseTimestamp(s.version, 'match[version]')] : []));
  if (exact.length > 0) alternatives.push(eb('o.version', 'in', exact));
  const probes: Expression<SqlBool>[] = [];
  if (selectors.some((s) => s.kind === 'last')) {
    probes.push(eb.not(eb.exists(samePeers(eb, filter).whereRef('v.version', '>', 'o.version'))));
  }
  if (selectors.some((s) => s.kind === 'first')) {
    probes.push(eb.not(eb.exists(samePeers(eb, filter).whereRef('v.version', '<', 'o.version'))));
  }
  // An object's only version is its first and its last: no probe needed.
  if (probes.length > 0) alternatives.push(eb.or([onlyVersion(eb), ...probes]));
  return eb.or(alternatives);
}

/** The row is its object's only version (see `objects.multi_version`); tested before any probe. */
function onlyVersion(eb: Eb): Expression<SqlBool> {
  return eb('o.multi_version', '=', 0);
}

/**
 * The other versions of the same object that `first`/`last` compare against:
 * the versions that pass the same spec_version filter. One index probe on
 * (collection_id, id, version) per candidate row, so a page costs what its
 * rows cost.
 */
function samePeers(eb: Eb, filter: ResolvedFilter) {
  const query = peers(eb, filter);
  return filter.specVersions && filter.specVersions.length > 0
    ? query.where('v.spec_version', 'in', [...filter.specVersions])
    : query.whereRef('v.spec_version', '=', 'o.spec_version');
}

/** The rows of the same object the reader may see, within added_after; aliased `v`. */
function peers(eb: Eb, filter: ResolvedFilter) {
  const query = eb
    .selectFrom('objects as v')
    .select(sql.lit(1).as('one'))
    .whereRef('v.collection_id', '=', 'o.collection_id')
    .whereRef('v.id', '=', 'o.id');
  // Unary plus keeps the planner (SQLite especially) from probing through the
  // date_added index: the probe must be the (collection_id, id, version) lookup.
  const bounded =
    filter.addedAfter === undefined ? query : query.where(sql<number>`+${sql.ref('v.date_added')}`, '>', filter.addedAfter);
  const visible = visibilityCondition('v', filter.scope);
  return visible ? bounded.where(visible) : bounded;
}
