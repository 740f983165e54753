import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { EntenteError } from '../errors.js';
import type { StixObject } from '../stix/stix-object.js';
import { nextVersionTimestamp } from '../stix/timestamp.js';
import { TLP_LEVELS, tlpMarkingId, type TlpLevel } from '../stix/tlp.js';
import type { IncomingObject, ObjectStore, WriteMeta } from '../store/object-store.js';
import type { DatabaseSchema, TlpLevel as StoredTlp } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { CANDIDATE_LIMIT, indexKeys, probeKeys } from './blocking.js';
import { buildCanonicalIncident, canonicalIncidentId, canonicalRelationshipId } from './canonical-incident.js';
import { withCorrelation, writeAtomically, type CorrelationDb, type PendingWrite } from './correlation-schema.js';
import { EntityStore } from './entity-store.js';
import type { IncidentFeatures } from './incident-features.js';
import { compareIncidents, type MatchResult } from './incident-matching.js';
import { loadStoredIncidents, type RowAccess, type StoredIncident } from './report-objects.js';
import { entityMentions } from './entity-resolution.js';
import { sourceKey, type ReliabilityRegistry } from './grading.js';
import { ensureSourcesWrite, gradesOf, registryOf, reliabilityRegistry, sourceRows } from './source-reliability.js';

/**
 * The correlator on the store: takes report incidents as they are stored (by
 * ingest, TAXII, import or a partner pull), finds candidates through the
 * `correlation_block_keys` index with one query, decides with the rules of
 * incident-matching.ts (as incident-clusterer.ts does in memory), records the
 * membership and why each join was made, and writes each changed canonical
 * incident as a new STIX version into the canonical collection.
 *
 * Canonical rows are stored so that whoever may read one may read every
 * report it was built from: the strictest member level (unknown counts as
 * strictest), the members' author organisation only when they share one, and
 * their sharing group only when every AMBER member is in that one group. A
 * viewer who sees only some reports reads {@link canonicalViewFor} instead.
 */
export const CANONICAL_COLLECTION_ALIAS = 'canonical';
const CANONICAL_COLLECTION_TITLE = 'Canonical incidents';

export type CorrelationAction = 'founded' | 'joined' | 'updated';

export interface CorrelationOutcome {
  readonly incidentId: string;
  readonly canonicalId: string;
  readonly action: CorrelationAction;
  /** Canonical incidents this incident's arrival merged into `canonicalId`. */
  readonly absorbed: readonly string[];
  readonly match: MatchResult | undefined;
}

/**
 * Records a merge in the audit log (the caller wires access/audit-log.ts:
 * correlate/ sits below access/), so that the log shows both a merge and the
 * split that undoes it.
 */
export type CorrelationAudit = (event: { readonly action: string; readonly target: string; readonly details: Readonly<Record<string, unknown>> }) => Promise<void>;

export interface CorrelatorOptions {
  /** Milliseconds since the epoch; the clock canonical versions are stamped with. */
  readonly clock?: () => number;
  readonly candidateLimit?: number;
  readonly audit?: CorrelationAudit;
}

interface Candidate {
  readonly features: IncidentFeatures;
  readonly canonicalId: string;
}

interface MemberEntry {
  readonly features: IncidentFeatures;
  readonly access: RowAccess;
}

interface ClusterMember {
  readonly incidentId: string;
  readonly canonicalId: string;
  readonly addedAt: number;
  readonly entry: MemberEntry;
}

/** A canonical incident's row: its last version's timestamp (null before the first) and its cluster key. */
interface CanonicalRow {
  readonly modified: string | null;
  readonly clusterKey: string;
}

/** What {@link Correlator.readAround} found. */
interface Around {
  /** The canonical incident holding the incident, when it is held. */
  readonly heldBy: string | undefined;
  /** mention id → entity id of the report's entities already held. */
  readonly entities: ReadonlyMap<string, string>;
  /** Ids of the report's sources already recorded. */
  readonly sourceIds: ReadonlySet<string>;
  /** Grades of the report's sources, and the normalised names they were asked for. */
  readonly grades: readonly { name_key: string; reliability: string }[];
  readonly gradedKeys: ReadonlySet<string>;
  readonly candidates: readonly Candidate[];
  /** Every member of the candidates' canonical incidents. */
  readonly clusterMembers: readonly ClusterMember[];
  readonly canonicals: ReadonlyMap<string, CanonicalRow>;
}

export class Correlator {
  private readonly cdb: CorrelationDb;
  private readonly clock: () => number;
  private readonly limit: number;
  private readonly entities: EntityStore;
  private readonly audit: CorrelationAudit | undefined;
  private collectionId: string | undefined;

  constructor(
    private readonly db: Kysely<DatabaseSchema>,
    private readonly store: ObjectStore,
    options: CorrelatorOptions = {},
  ) {
    this.cdb = withCorrelation(db);
    this.clock = options.clock ?? Date.now;
    this.limit = options.candidateLimit ?? CANDIDATE_LIMIT;
    this.audit = options.audit;
    this.entities = new EntityStore(db, options.audit);
  }

  /** The collection canonical incidents are written to (alias `canonical`), created on first use. */
  async canonicalCollection(): Promise<string> {
    if (this.collectionId !== undefined) return this.collectionId;
    const found = (await this.store.listCollections()).find((c) => c.alias === CANONICAL_COLLECTION_ALIAS);
    const collection = found ?? (await this.store.createCollection({
      title: CANONICAL_COLLECTION_TITLE,
      alias: CANONICAL_COLLECTION_ALIAS,
      description: 'One incident per event, merged from every report of it (src/correlate); grant it only to organisations that may read every collection reports come from',
    }));
    this.collectionId = collection.id;
    return collection.id;
  }

  /**
   * Correlates the report incidents of `incidentIds` (latest stored
   * versions; objects of the canonical collection are skipped): each joins,
   * founds or updates a canonical incident, which is then written.
   */
  async correlateIncidents(incidentIds: readonly string[]): Promise<CorrelationOutcome[]> {
    const stored = await loadStoredIncidents(this.db, incidentIds, { scope: { kind: 'all' }, excludeCollection: await this.canonicalCollection() });
    // In the order given (the follower's is the order of arrival): the partition and the ids it keeps depend on it.
    const order = new Map(incidentIds.map((id, i) => [id, i]));
    stored.sort((a, b) => (order.get(a.features.incidentId) ?? 0) - (order.get(b.features.incidentId) ?? 0));
    const outcomes: CorrelationOutcome[] = [];
    for (const incident of stored) outcomes.push(await this.addIncident(incident));
    return outcomes;
  }

  /**
   * Places one stored report incident and rewrites the canonical incidents it
   * changed. In few round trips, whatever the store holds: one statement reads
   * everything the decision needs (which of the report's entities and sources
   * are held, whether the incident is, its candidates and every member of
   * their canonical incidents with those incidents' last version), one looks
   * up the report's new entities, one the grades of the canonical incident's
   * other sources, one writes it all (sources, entities, membership, blocking
   * keys, merge record; a single statement on PostgreSQL), and the store
   * writes the canonical incident's new version.
   */
  async addIncident(incident: StoredIncident): Promise<CorrelationOutcome> {
    const f = incident.features;
    const sources = sourceRows([
      { name: f.outlet, kind: 'outlet' },
      ...f.sourceNames.map((name) => ({ name, kind: 'agency' as const })),
      ...(incident.access.partner !== null ? [{ name: incident.access.partner, kind: 'partner' as const }] : []),
    ]);
    const mentions = entityMentions(incident.objects, f.reportId);
    const around = await this.readAround(f, mentions.map((m) => m.id), sources.map((s) => s.name_key));
    const entities = await this.entities.plan(mentions, around.entities, incident.access.partner);
    const sourceWrite = ensureSourcesWrite(this.cdb, sources.filter((s) => !around.sourceIds.has(s.id)));
    const shared = [...(sourceWrite !== undefined ? [sourceWrite] : []), ...entities.writes];
    const member: MemberEntry = { features: f, access: incident.access };
    if (around.heldBy !== undefined) {
      await writeAtomically(this.cdb, shared);
      await this.entities.auditMerges(entities);
      await this.cdb.transaction().execute(async (trx) => {
        await trx.updateTable('correlation_members').set({ features: serialise(member) }).where('incident_id', '=', f.incidentId).execute();
        await fileKeys(trx, f);
      });
      await this.writeCanonical(around.heldBy);
      return { incidentId: f.incidentId, canonicalId: around.heldBy, action: 'updated', absorbed: [], match: undefined };
    }

    const byCluster = new Map<string, { best: MatchResult | undefined; vetoed: boolean }>();
    const links: string[] = [];
    for (const candidate of around.candidates) {
      const match = compareIncidents(f, candidate.features);
      if (match.decision === 'linked') links.push(candidate.features.incidentId);
      const entry = byCluster.get(candidate.canonicalId) ?? { best: undefined, vetoed: false };
      if (match.veto !== undefined) entry.vetoed = true;
      else if (match.decision === 'same' && (entry.best === undefined || match.score > entry.best.score)) entry.best = match;
      byCluster.set(candidate.canonicalId, entry);
    }
    const matched = [...byCluster.entries()]
      .filter(([, e]) => !e.vetoed && e.best !== undefined)
      .sort(([idA, a], [idB, b]) => (b.best?.score ?? 0) - (a.best?.score ?? 0) || idA.localeCompare(idB));
    const first = matched[0];
    const membersOfCluster = (id: string): ClusterMember[] => around.clusterMembers.filter((m) => m.canonicalId === id);
    const compatible = first === undefined ? [] : await this.compatibleClusters(matched.map(([id]) => id), membersOfCluster);
    const survivor = [...compatible].sort((a, b) => membersOfCluster(b).length - membersOfCluster(a).length || a.localeCompare(b))[0];
    const clusterKey = `cluster:${f.incidentId}`;
    const canonicalId = survivor ?? canonicalIncidentId(clusterKey);
    const absorbed = compatible.filter((c) => c !== survivor);
    const at = nowMicros();
    const kept = compatible.flatMap(membersOfCluster).sort((a, b) => a.addedAt - b.addedAt || a.incidentId.localeCompare(b.incidentId));
    const members = [...kept.map((m) => m.entry), member];
    const registry = registryOf([...around.grades, ...await gradesOf(this.cdb, members
      .flatMap((m) => [m.features.outlet, ...m.features.sourceNames]).map(sourceKey).filter((k) => !around.gradedKeys.has(k)))]);

    const writes = [...shared];
    writes.push(this.cdb.insertInto('correlation_members').values({
      incident_id: f.incidentId, canonical_id: canonicalId, report_id: f.reportId, collection_id: incident.access.collectionId, features: serialise(member), added_at: at,
    }));
    const keys = [...new Set(indexKeys(f))];
    const added = nowMicros();
    if (keys.length > 0) writes.push(this.cdb.insertInto('correlation_block_keys').values(keys.map((key) => ({ key, incident_id: f.incidentId, added }))));
    const version = this.nextVersion(canonicalId, survivor === undefined ? { modified: null, clusterKey } : around.canonicals.get(canonicalId), at);
    writes.push(version.write);
    const duplicates = absorbed.map((gone) => ({ gone, version: this.nextVersion(gone, around.canonicals.get(gone), at) }));
    if (survivor !== undefined) {
      if (absorbed.length > 0) writes.push(this.cdb.updateTable('correlation_members').set({ canonical_id: canonicalId }).where('canonical_id', 'in', absorbed));
      writes.push(...duplicates.map((d) => d.version.write));
      writes.push(this.cdb.insertInto('correlation_merges').values({
        id: randomUUID(),
        canonical_id: canonicalId,
        incident_id: f.incidentId,
        absorbed: JSON.stringify(absorbed.map((id) => ({ canonicalId: id, members: membersOfCluster(id).map((m) => m.incidentId) }))),
        score: first?.[1].best?.score ?? 0,
        reasons: JSON.stringify(first?.[1].best?.reasons ?? []),
        at,
        split_at: null,
      }));
    }
    if (links.length > 0) {
      writes.push(this.cdb.insertInto('correlation_links').values(links.map((other) => ({ ...pair(f.incidentId, other), at }))).onConflict((oc) => oc.doNothing()));
    }
    await writeAtomically(this.cdb, writes);
    await this.entities.auditMerges(entities);
    await this.writeCanonicalOf(canonicalId, members, registry, version);
    const access = canonicalAccess(members.map((m) => m.access));
    for (const { gone, version: v } of duplicates) await this.writeDuplicateOf(gone, canonicalId, access, v.now);
    if (survivor !== undefined) {
      await this.audit?.({
        action: 'correlate.merge',
        target: canonicalId,
        details: { incident: f.incidentId, absorbed, score: first?.[1].best?.score, reasons: first?.[1].best?.reasons },
      });
    }
    return {
      incidentId: f.incidentId,
      canonicalId,
      action: survivor === undefined ? 'founded' : 'joined',
      absorbed,
      match: first?.[1].best,
    };
  }

  /**
   * Everything placing `f` reads, in one statement: the entities of
   * `mentionIds` already held, the grades of the sources named by
   * `sourceKeys`, the canonical incident holding `f` if it is held, its
   * candidates (one indexed look-up over the blocking keys, the most recently
   * filed first) and every member of their canonical incidents with those
   * incidents' last version.
   */
  private async readAround(f: IncidentFeatures, mentionIds: readonly string[], sourceKeys: readonly string[]): Promise<Around> {
    const db = this.cdb;
    const text = (value: string): RawBuilder<string> => sql<string>`${sql.lit(value)}`;
    // Typed: PostgreSQL settles the type of an untyped null in the first arms of a union as text.
    const none = sql<string | null>`cast(null as text)`;
    const noNumber = sql<number | null>`cast(null as bigint)`;
    let read = db.selectFrom('correlation_members')
      .select([text('held').as('kind'), 'incident_id as a', 'canonical_id as b', none.as('c'), none.as('d'), none.as('e'), noNumber.as('n')])
      .where('incident_id', '=', f.incidentId);
    if (mentionIds.length > 0) {
      read = read.unionAll(db.selectFrom('entity_mentions')
        .select([text('mention').as('kind'), 'mention_id as a', 'entity_id as b', none.as('c'), none.as('d'), none.as('e'), noNumber.as('n')])
        .where('mention_id', 'in', [...new Set(mentionIds)]));
    }
    const gradedKeys = new Set(sourceKeys.filter((k) => k !== ''));
    if (gradedKeys.size > 0) {
      read = read.unionAll(db.selectFrom('correlation_sources')
        .select([text('source').as('kind'), 'id as a', 'name_key as b', 'reliability as c', none.as('d'), none.as('e'), noNumber.as('n')])
        .where('name_key', 'in', [...gradedKeys]));
    }
    const keys = probeKeys(f);
    if (keys.length > 0) {
      const filed = db.selectFrom('correlation_block_keys as k')
        .innerJoin('correlation_members as m', 'm.incident_id', 'k.incident_id')
        .select(['m.incident_id', 'm.canonical_id', 'k.added'])
        .where('k.key', 'in', keys)
        .orderBy('k.added', 'desc')
        .limit(this.limit);
      read = read
        .unionAll(db.selectFrom(filed.as('c'))
          .select([text('candidate').as('kind'), 'c.incident_id as a', 'c.canonical_id as b', none.as('c'), none.as('d'), none.as('e'), 'c.added as n']))
        // A join from the candidates' canonical ids (not `IN`, which SQLite answers by scanning every member).
        .unionAll(db.selectFrom(db.selectFrom(filed.as('f')).select('f.canonical_id').distinct().as('cf'))
          .innerJoin('correlation_members as m', 'm.canonical_id', 'cf.canonical_id')
          .leftJoin('correlation_canonicals as cc', 'cc.canonical_id', 'm.canonical_id')
          .select([text('cluster').as('kind'), 'm.incident_id as a', 'm.canonical_id as b', 'm.features as c', 'cc.modified as d', 'cc.cluster_key as e', 'm.added_at as n']));
    }
    const rows = await read.execute();
    const of = (kind: string): typeof rows => rows.filter((r) => r.kind === kind);
    const clusterMembers = of('cluster').map((r) => ({ incidentId: r.a, canonicalId: r.b ?? '', addedAt: Number(r.n), entry: parse(r.c ?? '') }));
    const byIncident = new Map(clusterMembers.map((m) => [m.incidentId, m]));
    const seen = new Set<string>();
    const candidates: Candidate[] = [];
    // Most recently filed first, as the index returns them (the union does not promise to keep the order).
    for (const row of of('candidate').sort((x, y) => Number(y.n) - Number(x.n))) {
      const held = byIncident.get(row.a);
      if (seen.has(row.a) || row.a === f.incidentId || held === undefined) continue;
      seen.add(row.a);
      candidates.push({ features: held.entry.features, canonicalId: held.canonicalId });
    }
    const canonicals = new Map<string, CanonicalRow>();
    for (const r of of('cluster')) if (r.e !== null) canonicals.set(r.b ?? '', { modified: r.d, clusterKey: r.e });
    const sourcesFound = of('source');
    return {
      heldBy: of('held')[0]?.b ?? undefined,
      entities: new Map(of('mention').map((r) => [r.a, r.b ?? ''])),
      sourceIds: new Set(sourcesFound.map((r) => r.a)),
      grades: sourcesFound.map((r) => ({ name_key: r.b ?? '', reliability: r.c ?? '' })),
      gradedKeys,
      candidates,
      clusterMembers,
      canonicals,
    };
  }

  /**
   * Takes `incidentIds` out of canonical incident `canonicalId` into one of
   * their own, and forbids merging them with the rest again. When they are
   * exactly what an earlier join absorbed, that canonical incident comes back
   * under its old id. Both are written as new versions; the derived-from
   * relationships to the incidents that left are revoked.
   *
   * Without ids, undoes the latest join not yet split: what it absorbed
   * comes back, or else the incident that joined leaves.
   *
   * @throws EntenteError('not_found') for an unknown canonical incident;
   *   ('invalid_input') unless the ids are some, but not all, of its members.
   */
  async split(canonicalId: string, incidentIds: readonly string[]): Promise<{ kept: string; created: string; moved: string[] }> {
    const members = (await this.cdb.selectFrom('correlation_members').select('incident_id').where('canonical_id', '=', canonicalId).execute()).map((r) => r.incident_id);
    if (members.length === 0) throw new EntenteError('not_found', `No canonical incident ${canonicalId}`, { canonicalId });
    const merges = await this.cdb.selectFrom('correlation_merges').selectAll().where('canonical_id', '=', canonicalId).where('split_at', 'is', null).orderBy('at').execute();
    const moving = incidentIds.length > 0 ? [...new Set(incidentIds)] : lastJoined(merges, members);
    const staying = members.filter((m) => !moving.includes(m));
    if (moving.length === 0 || staying.length === 0 || moving.some((id) => !members.includes(id))) {
      throw new EntenteError('invalid_input', `Cannot split ${canonicalId}: name some, but not all, of its report incidents (${members.join(', ')})`, {
        canonicalId, members, incidentIds: moving,
      });
    }
    const restored = merges.flatMap((m) => (JSON.parse(m.absorbed) as { canonicalId: string; members: string[] }[]).map((a) => ({ merge: m.id, ...a })))
      .find((a) => a.members.length === moving.length && a.members.every((id) => moving.includes(id)));
    const baseKey = `cluster:${[...moving].sort()[0] as string}`;
    let clusterKey = baseKey;
    let created = restored?.canonicalId ?? canonicalIncidentId(clusterKey);
    const at = nowMicros();
    await this.cdb.transaction().execute(async (trx) => {
      const taken = async (id: string): Promise<boolean> =>
        (await trx.selectFrom('correlation_members').select('incident_id').where('canonical_id', '=', id).limit(1).executeTakeFirst()) !== undefined;
      let attempt = 0;
      while (restored === undefined && (created === canonicalId || (await taken(created)))) {
        clusterKey = `${baseKey}:split:${++attempt}`;
        created = canonicalIncidentId(clusterKey);
      }
      if (restored === undefined) {
        await trx.insertInto('correlation_canonicals').values({ canonical_id: created, cluster_key: clusterKey, modified: null, updated_at: at })
          .onConflict((oc) => oc.doNothing()).execute();
      }
      await trx.updateTable('correlation_members').set({ canonical_id: created }).where('incident_id', 'in', moving).execute();
      const pairs = moving.flatMap((a) => staying.map((b) => ({ ...pair(a, b), at })));
      for (let i = 0; i < pairs.length; i += 200) {
        await trx.insertInto('correlation_cannot_link').values(pairs.slice(i, i + 200)).onConflict((oc) => oc.doNothing()).execute();
      }
      const undone = merges.filter((m) => m.id === restored?.merge || moving.includes(m.incident_id)).map((m) => m.id);
      if (undone.length > 0) await trx.updateTable('correlation_merges').set({ split_at: at }).where('id', 'in', undone).execute();
    });
    await this.writeCanonical(canonicalId, moving);
    await this.writeCanonical(created);
    await this.audit?.({ action: 'correlate.split', target: canonicalId, details: { created, moved: moving } });
    return { kept: canonicalId, created, moved: moving };
  }

  /**
   * The first cluster, and each further one that neither it nor the others kept
   * vetoes (never-merge rules or an analyst's split between any two members).
   */
  private async compatibleClusters(ids: readonly string[], membersOfCluster: (id: string) => readonly ClusterMember[]): Promise<string[]> {
    if (ids.length === 1) return [...ids];
    const membersOf = new Map(ids.map((id) => [id, membersOfCluster(id).map((m) => m.entry.features)]));
    const incidentIds = ids.flatMap((id) => membersOfCluster(id).map((m) => m.incidentId));
    const forbidden = new Set((await this.cdb.selectFrom('correlation_cannot_link').select(['a', 'b']).where('a', 'in', incidentIds).where('b', 'in', incidentIds).execute())
      .map((p) => `${p.a}|${p.b}`));
    const conflict = (a: string, b: string): boolean => (membersOf.get(a) ?? []).some((l) => (membersOf.get(b) ?? []).some((r) => {
      const p = pair(l.incidentId, r.incidentId);
      return forbidden.has(`${p.a}|${p.b}`) || compareIncidents(l, r).veto !== undefined;
    }));
    const kept = [ids[0] as string];
    for (const id of ids.slice(1)) if (kept.every((k) => !conflict(k, id))) kept.push(id);
    return kept;
  }

  /**
   * Writes the canonical incident's next version (its relationships and
   * reconciliation note with it), and revoked versions of its derived-from
   * relationships to `departed` incidents, reading its members from the store.
   */
  private async writeCanonical(canonicalId: string, departed: readonly string[] = []): Promise<void> {
    const rows = await this.cdb.selectFrom('correlation_members').select(['features']).where('canonical_id', '=', canonicalId).execute();
    if (rows.length === 0) return;
    const members = rows.map((r) => parse(r.features));
    const registry = await reliabilityRegistry(this.cdb, members.flatMap((m) => [m.features.outlet, ...m.features.sourceNames]));
    const row = await this.cdb.selectFrom('correlation_canonicals').select(['modified', 'cluster_key']).where('canonical_id', '=', canonicalId).executeTakeFirst();
    const version = this.nextVersion(canonicalId, row === undefined ? undefined : { modified: row.modified, clusterKey: row.cluster_key }, nowMicros());
    await writeAtomically(this.cdb, [version.write]);
    await this.writeCanonicalOf(canonicalId, members, registry, version, departed);
  }

  /** Writes the version `version` of canonical incident `canonicalId`, built from `members`. */
  private async writeCanonicalOf(
    canonicalId: string,
    members: readonly MemberEntry[],
    registry: ReliabilityRegistry,
    version: { readonly now: string; readonly clusterKey: string },
    departed: readonly string[] = [],
  ): Promise<void> {
    const features = members.map((m) => m.features);
    const { now, clusterKey } = version;
    const built = buildCanonicalIncident(
      { id: clusterKey, members: features, news: features.some((m) => m.newsStatus === 'news') },
      { registry, now },
    );
    const access = canonicalAccess(members.map((m) => m.access));
    const marked = (o: StixObject): StixObject => withMarking(o, access.tlp);
    const objects: StixObject[] = built.objects.map((o) => marked(o.id === built.incident.id ? { ...o, id: canonicalId } : retarget(o, built.incident.id, canonicalId)));
    for (const gone of departed) {
      objects.push(marked({
        type: 'relationship', spec_version: '2.1', id: canonicalRelationshipId(canonicalId, 'derived-from', gone),
        created: now, modified: now, relationship_type: 'derived-from', source_ref: canonicalId, target_ref: gone, revoked: true,
      }));
    }
    await this.writeObjects(objects, access);
  }

  /** An absorbed canonical incident points at the one that absorbed it (STIX 2.1 common relationship `duplicate-of`), marked as the survivor is. */
  private async writeDuplicateOf(absorbed: string, survivor: string, access: CanonicalAccess, now: string): Promise<void> {
    await this.writeObjects([withMarking({
      type: 'relationship', spec_version: '2.1', id: canonicalRelationshipId(absorbed, 'duplicate-of', survivor),
      created: now, modified: now, relationship_type: 'duplicate-of', source_ref: absorbed, target_ref: survivor,
    }, access.tlp)], access);
  }

  private async writeObjects(objects: readonly StixObject[], access: CanonicalAccess): Promise<void> {
    const incoming: IncomingObject[] = objects.map((object) => ({ object, json: JSON.stringify(object), tlp: access.tlp }));
    const meta: WriteMeta = { authorOrg: access.authorOrg, authorUser: null, partner: null, sharingGroup: access.sharingGroup };
    await this.store.addObjects(await this.canonicalCollection(), incoming, meta);
  }

  /**
   * The next version of a canonical incident whose row reads `row`
   * (undefined when it has none, as for one founded now): a timestamp later
   * than its last version, so that every write is a new version; the cluster
   * key its id derives from; and the write that records that version.
   */
  private nextVersion(canonicalId: string, row: CanonicalRow | undefined, at: number): { now: string; clusterKey: string; write: PendingWrite } {
    const now = nextVersionTimestamp(row?.modified ?? undefined, this.clock());
    const clusterKey = row?.clusterKey ?? canonicalId;
    const write = row?.modified === null || row === undefined
      ? this.cdb.insertInto('correlation_canonicals').values({ canonical_id: canonicalId, cluster_key: clusterKey, modified: now, updated_at: at }).onConflict((oc) => oc.doNothing())
      : this.cdb.updateTable('correlation_canonicals').set({ modified: now, updated_at: at }).where('canonical_id', '=', canonicalId);
    return { now, clusterKey, write };
  }
}

/** What the latest join not yet split brought: the canonical incidents it absorbed, or else the incident that joined. */
function lastJoined(merges: readonly { incident_id: string; absorbed: string }[], members: readonly string[]): string[] {
  const last = merges.at(-1);
  if (last === undefined) return [];
  const absorbed = (JSON.parse(last.absorbed) as { members: string[] }[]).flatMap((a) => a.members).filter((m) => members.includes(m));
  return absorbed.length > 0 ? absorbed : [last.incident_id];
}

/** The report incident's canonical incident, if it has been correlated. */
export async function canonicalIdOf(db: Kysely<DatabaseSchema>, incidentStixId: string): Promise<string | undefined> {
  const row = await withCorrelation(db).selectFrom('correlation_members').select('canonical_id').where('incident_id', '=', incidentStixId).executeTakeFirst();
  return row?.canonical_id;
}

export interface CanonicalMember {
  readonly incidentId: string;
  readonly reportId: string;
  readonly collectionId: string;
}

/** The report incidents of a canonical incident (every one, whoever asks: callers filter by what the viewer may read). */
export async function membersOf(db: Kysely<DatabaseSchema>, canonicalId: string): Promise<CanonicalMember[]> {
  const rows = await withCorrelation(db).selectFrom('correlation_members').select(['incident_id', 'report_id', 'collection_id'])
    .where('canonical_id', '=', canonicalId).orderBy('incident_id').execute();
  return rows.map((r) => ({ incidentId: r.incident_id, reportId: r.report_id, collectionId: r.collection_id }));
}

interface CanonicalAccess {
  readonly tlp: StoredTlp;
  readonly authorOrg: string | null;
  readonly sharingGroup: string | null;
}

/**
 * Who may read a canonical row: no one who may not read every member. The
 * strictest level (unknown and none count as stricter than RED: only the
 * author sees them); the author organisation when all members share one; the
 * sharing group when every AMBER member was shared with that one group.
 */
export function canonicalAccess(members: readonly RowAccess[]): CanonicalAccess {
  const rank = (tlp: StoredTlp): number => {
    const at = (TLP_LEVELS as readonly string[]).indexOf(tlp);
    return at >= 0 ? at : TLP_LEVELS.length;
  };
  const strictest = members.reduce<StoredTlp>((s, m) => (rank(m.tlp) > rank(s) ? m.tlp : s), 'clear');
  const authors = new Set(members.map((m) => m.authorOrg));
  const groups = new Set(members.filter((m) => m.tlp === 'amber').map((m) => m.sharingGroup));
  const tlp: StoredTlp = rank(strictest) >= TLP_LEVELS.length ? 'unknown' : strictest;
  return {
    tlp,
    authorOrg: authors.size === 1 ? ([...authors][0] ?? null) : null,
    sharingGroup: tlp === 'amber' && groups.size === 1 ? ([...groups][0] ?? null) : null,
  };
}

function withMarking(object: StixObject, tlp: StoredTlp): StixObject {
  const others = (object.object_marking_refs ?? []).filter((ref) => !ref.startsWith('marking-definition--') || !isTlpRef(ref));
  const level = (TLP_LEVELS as readonly string[]).includes(tlp) ? [tlpMarkingId(tlp as TlpLevel)] : [];
  const refs = [...level, ...others];
  const { object_marking_refs: _dropped, ...rest } = object;
  return refs.length > 0 ? { ...rest, object_marking_refs: refs } as StixObject : rest as StixObject;
}

function isTlpRef(ref: string): boolean {
  return TLP_LEVELS.some((level) => tlpMarkingId(level) === ref);
}

/** The built objects name the incident by the cluster key's id; the stored one keeps the id it was first given. */
function retarget(object: StixObject, from: string, to: string): StixObject {
  if (from === to) return object;
  const json = JSON.stringify(object).split(from).join(to);
  const moved = JSON.parse(json) as StixObject;
  if (moved.type === 'relationship') return { ...moved, id: canonicalRelationshipId(to, String(moved.relationship_type), String(moved.target_ref)) };
  return moved;
}

async function fileKeys(trx: CorrelationDb, f: IncidentFeatures): Promise<void> {
  await trx.deleteFrom('correlation_block_keys').where('incident_id', '=', f.incidentId).execute();
  const keys = [...new Set(indexKeys(f))];
  if (keys.length === 0) return;
  const added = nowMicros();
  await trx.insertInto('correlation_block_keys').values(keys.map((key) => ({ key, incident_id: f.incidentId, added }))).execute();
}

function serialise(member: MemberEntry): string {
  return JSON.stringify(member);
}

function parse(text: string): MemberEntry {
  return JSON.parse(text) as MemberEntry;
}

function pair(x: string, y: string): { a: string; b: string } {
  return x < y ? { a: x, b: y } : { a: y, b: x };
}
