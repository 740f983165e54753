import { EntenteError } from '../errors.js';
import { CANDIDATE_LIMIT, MemoryCandidateIndex, indexKeys, probeKeys, type CandidateIndex } from './blocking.js';
import type { IncidentFeatures } from './incident-features.js';
import { compareIncidents, type MatchResult } from './incident-matching.js';

/**
 * Groups reports' incidents into events, one incident at a time, through a
 * {@link CandidateIndex} so that adding a report does not read the whole store.
 *
 * - An incident joins the cluster of its best `same` candidate unless some
 *   candidate member of that cluster vetoes it (complete linkage on the
 *   never-merge rules, single linkage on similarity).
 * - When it matches several clusters that do not veto one another, they are
 *   merged: the partition then does not depend on which report came first.
 * - Background incidents (older events a report mentions) cluster like any
 *   other but never make a cluster news: a cluster is news when one member is.
 *   A background-only cluster stands for a past event nobody has reported as
 *   news here; it is kept (marked background) so that later news reports and
 *   mentions of it find it.
 * - `linked` decisions (same day, different places, same attack type or actor)
 *   are kept as campaign links between clusters, never merges.
 * - Every join is logged; {@link IncidentClusterer.split} undoes a wrong merge
 *   and forbids the split parts from being merged again.
 */
export interface Cluster {
  readonly id: string;
  readonly members: readonly IncidentFeatures[];
  readonly news: boolean;
}

export interface JoinRecord {
  readonly clusterId: string;
  readonly incidentId: string;
  /** Clusters absorbed because this incident matched them too, with their members before the merge. */
  readonly absorbed: readonly { readonly clusterId: string; readonly members: readonly string[] }[];
  readonly match: MatchResult | undefined;
}

export interface ClustererOptions {
  readonly index?: CandidateIndex;
  readonly candidateLimit?: number;
}

export class IncidentClusterer {
  private readonly index: CandidateIndex;
  private readonly limit: number;
  private readonly features = new Map<string, IncidentFeatures>();
  private readonly clusterOfIncident = new Map<string, string>();
  private readonly membersOf = new Map<string, Set<string>>();
  /** Campaign links, per incident (an adjacency map: one global set would not scale to millions of pairs). */
  private readonly links = new Map<string, Set<string>>();
  private readonly cannotLink = new Set<string>();
  private readonly log: JoinRecord[] = [];

  constructor(options: ClustererOptions = {}) {
    this.index = options.index ?? new MemoryCandidateIndex();
    this.limit = options.candidateLimit ?? CANDIDATE_LIMIT;
  }

  /** Adds every incident of one report; returns the cluster each joined. */
  addReport(incidents: readonly IncidentFeatures[]): Map<string, string> {
    const placed = new Map<string, string>();
    for (const f of incidents) placed.set(f.incidentId, this.addIncident(f));
    return placed;
  }

  addIncident(f: IncidentFeatures): string {
    if (this.features.has(f.incidentId)) return this.clusterOf(f.incidentId) as string;
    const byCluster = new Map<string, { best: MatchResult | undefined; vetoed: boolean }>();
    for (const candidateId of this.index.candidates(probeKeys(f), this.limit)) {
      const candidate = this.features.get(candidateId);
      const clusterId = this.clusterOfIncident.get(candidateId);
      if (candidate === undefined || clusterId === undefined) continue;
      const match = this.compare(f, candidate);
      if (match.decision === 'linked') this.link(f.incidentId, candidateId);
      const entry = byCluster.get(clusterId) ?? { best: undefined, vetoed: false };
      if (match.veto !== undefined) entry.vetoed = true;
      else if (match.decision === 'same' && (entry.best === undefined || match.score > entry.best.score)) entry.best = match;
      byCluster.set(clusterId, entry);
    }
    const matched = [...byCluster.entries()]
      .filter(([, e]) => !e.vetoed && e.best !== undefined)
      .sort(([idA, a], [idB, b]) => (b.best?.score ?? 0) - (a.best?.score ?? 0) || idA.localeCompare(idB));
    this.features.set(f.incidentId, f);
    this.index.add(f.incidentId, indexKeys(f));
    const first = matched[0];
    if (first === undefined) return this.found(f);
    const compatible = [first[0]];
    for (const [clusterId] of matched.slice(1)) {
      if (compatible.every((c) => !this.clustersConflict(c, clusterId))) compatible.push(clusterId);
    }
    return this.join(f, compatible, first[1].best);
  }

  clusterOf(incidentId: string): string | undefined {
    return this.clusterOfIncident.get(incidentId);
  }

  clusters(): Cluster[] {
    return [...this.membersOf.entries()].map(([id, members]) => {
      const list = [...members].map((m) => this.features.get(m) as IncidentFeatures);
      return { id, members: list, news: list.some((m) => m.newsStatus === 'news') };
    });
  }

  /** Pairs of clusters linked as parts of one campaign, each pair sorted, the list sorted. */
  campaignLinks(): [string, string][] {
    const pairs = new Set<string>();
    for (const [a, linked] of this.links) {
      for (const b of linked) {
        const ca = this.clusterOfIncident.get(a);
        const cb = this.clusterOfIncident.get(b);
        if (ca !== undefined && cb !== undefined && ca !== cb) pairs.add(pairKey(ca, cb));
      }
    }
    return [...pairs].sort().map((p) => p.split('|') as [string, string]);
  }

  joins(): readonly JoinRecord[] {
    return this.log;
  }

  /**
   * Takes `incidentIds` out of their cluster into a cluster of their own and
   * forbids merging them with the rest again. When they are exactly a cluster
   * that an earlier join absorbed, that cluster comes back under its old id.
   *
   * @throws EntenteError('invalid_input') when the ids are not a proper subset of one cluster.
   */
  split(clusterId: string, incidentIds: readonly string[]): string {
    const members = this.membersOf.get(clusterId);
    const moving = new Set(incidentIds);
    if (members === undefined || moving.size === 0 || moving.size >= members.size || [...moving].some((id) => !members.has(id))) {
      throw new EntenteError('invalid_input', `Cannot split ${clusterId}: name some, but not all, of its incidents`,
        { clusterId, incidentIds: [...incidentIds] });
    }
    const restored = this.log.flatMap((j) => j.absorbed).find((a) => sameSet(a.members, moving));
    // The rest keep the cluster's id, even when the incident that founded it is the one split off.
    let newId = restored?.clusterId ?? canonicalIdFor([...moving].sort()[0] as string);
    while (this.membersOf.has(newId)) newId = `${newId}:split`;
    for (const id of moving) {
      members.delete(id);
      for (const other of members) this.cannotLink.add(pairKey(id, other));
      this.clusterOfIncident.set(id, newId);
    }
    this.membersOf.set(newId, moving);
    return newId;
  }

  private compare(a: IncidentFeatures, b: IncidentFeatures): MatchResult {
    if (this.cannotLink.has(pairKey(a.incidentId, b.incidentId))) {
      return { decision: 'distinct', score: 0, veto: 'split by an analyst', reasons: ['never merge: split by an analyst'] };
    }
    return compareIncidents(a, b);
  }

  private link(a: string, b: string): void {
    const [from, to] = a < b ? [a, b] : [b, a];
    let set = this.links.get(from);
    if (set === undefined) this.links.set(from, (set = new Set()));
    set.add(to);
  }

  private found(f: IncidentFeatures): string {
    const id = canonicalIdFor(f.incidentId);
    this.membersOf.set(id, new Set([f.incidentId]));
    this.clusterOfIncident.set(f.incidentId, id);
    this.log.push({ clusterId: id, incidentId: f.incidentId, absorbed: [], match: undefined });
    return id;
  }

  /** The survivor is the largest cluster (then the smallest id): its id stays stable as reports come in. */
  private join(f: IncidentFeatures, clusterIds: readonly string[], match: MatchResult | undefined): string {
    const survivor = [...clusterIds].sort((a, b) => this.sizeOf(b) - this.sizeOf(a) || a.localeCompare(b))[0] as string;
    const target = this.membersOf.get(survivor) as Set<string>;
    const absorbed = clusterIds.filter((c) => c !== survivor).map((c) => {
      const members = [...(this.membersOf.get(c) ?? [])];
      for (const m of members) {
        target.add(m);
        this.clusterOfIncident.set(m, survivor);
      }
      this.membersOf.delete(c);
      return { clusterId: c, members };
    });
    target.add(f.incidentId);
    this.clusterOfIncident.set(f.incidentId, survivor);
    this.log.push({ clusterId: survivor, incidentId: f.incidentId, absorbed, match });
    return survivor;
  }

  private sizeOf(clusterId: string): number {
    return this.membersOf.get(clusterId)?.size ?? 0;
  }

  /** Whether any member of one cluster vetoes any member of the other. */
  private clustersConflict(a: string, b: string): boolean {
    const left = [...(this.membersOf.get(a) ?? [])].map((id) => this.features.get(id) as IncidentFeatures);
    for (const id of this.membersOf.get(b) ?? []) {
      const right = this.features.get(id) as IncidentFeatures;
      if (left.some((l) => this.compare(l, right).veto !== undefined)) return true;
    }
    return false;
  }
}

/**
 * A cluster is keyed by the report incident that founded it; its canonical
 * STIX id is derived from that key (canonical-incident.ts), so it stays the
 * same as reports join.
 */
function canonicalIdFor(incidentId: string): string {
  return `cluster:${incidentId}`;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function sameSet(list: readonly string[], set: ReadonlySet<string>): boolean {
  return list.length === set.size && list.every((x) => set.has(x));
}
