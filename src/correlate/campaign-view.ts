import type { Kysely } from 'kysely';
import type { StixObject } from '../stix/stix-object.js';
import type { ObjectStore, ReadScope } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import { buildCampaign, campaignIdOf, type CampaignMember } from './campaign-build.js';
import { campaignMembers, type CampaignState } from './campaign-linker.js';
import { withCampaigns } from './campaign-schema.js';
import { canonicalViewFor } from './canonical-view.js';
import { membersOf } from './correlator.js';
import { loadStoredIncidents } from './report-objects.js';

/**
 * A campaign as one viewer may see it, in the manner of canonical-view.ts:
 * built only from the report incidents the viewer can read, and linked only
 * by links between those (a link found through a hidden report — its
 * perpetrator, its place — says nothing to this viewer). When the viewer sees
 * everything, this is the stored campaign; otherwise campaigns of their own,
 * with ids derived from what they were built from, linking the viewer's
 * views of the canonical incidents. A campaign needs two incidents: a viewer
 * who sees one member alone sees no campaign, so it never learns that a
 * hidden attack was coordinated with it.
 */
export interface CampaignView {
  readonly campaignId: string;
  /** Whether this is the stored campaign (the viewer sees every report of every member). */
  readonly complete: boolean;
  readonly campaign: StixObject;
  /** The campaign, then its relationships. */
  readonly objects: readonly StixObject[];
  /** Each member incident as the viewer sees it (canonical-view.ts ids) and the report incidents it was built from. */
  readonly members: readonly { readonly canonicalId: string; readonly incidentIds: readonly string[] }[];
}

/**
 * What the viewer sees of stored campaign `campaignId`: nothing, one
 * campaign, or — when only hidden reports joined them — several.
 */
export async function campaignViewsFor(
  db: Kysely<DatabaseSchema>,
  store: ObjectStore,
  scope: ReadScope,
  readableCollections: readonly string[],
  campaignId: string,
): Promise<CampaignView[]> {
  const row = await withCampaigns(db).selectFrom('correlation_campaigns').select(['campaign_key', 'state', 'modified']).where('campaign_id', '=', campaignId).executeTakeFirst();
  const canonicalIds = await campaignMembers(db, campaignId);
  if (row === undefined || canonicalIds.length < 2) return [];
  const readable = new Set(readableCollections);
  const stored = new Map<string, string>();
  const totals = new Map<string, number>();
  const canonicalOf = new Map<string, string>();
  for (const canonicalId of canonicalIds) {
    const members = await membersOf(db, canonicalId);
    totals.set(canonicalId, members.length);
    for (const m of members) {
      canonicalOf.set(m.incidentId, canonicalId);
      if (readable.has(m.collectionId)) stored.set(m.incidentId, m.collectionId);
    }
  }
  if (stored.size === 0) return [];
  const visible = await loadStoredIncidents(db, [...stored.keys()], { scope, collections: [...new Set(stored.values())] });
  const reportsOf = new Map<string, typeof visible>();
  for (const v of visible) {
    const canonicalId = canonicalOf.get(v.features.incidentId);
    if (canonicalId !== undefined) reportsOf.set(canonicalId, [...(reportsOf.get(canonicalId) ?? []), v]);
  }
  const seen = new Set(visible.map((v) => v.features.incidentId));
  if (seen.size < 2) return [];
  const links = (await withCampaigns(db).selectFrom('correlation_links').select(['a', 'b']).where('a', 'in', [...seen]).execute()).filter((l) => seen.has(l.b));
  const groups = componentsOf([...reportsOf.keys()], links.map((l) => [canonicalOf.get(l.a) ?? '', canonicalOf.get(l.b) ?? '']));
  const state = JSON.parse(row.state) as CampaignState;
  const views: CampaignView[] = [];
  for (const group of groups.filter((g) => g.length >= 2)) {
    const everything = group.length === canonicalIds.length && group.every((id) => reportsOf.get(id)?.length === totals.get(id));
    const members: CampaignMember[] = [];
    const shown: { canonicalId: string; incidentIds: string[] }[] = [];
    for (const canonicalId of group) {
      const reports = (reportsOf.get(canonicalId) ?? []).map((r) => r.features);
      const viewId = everything ? canonicalId : (await canonicalViewFor(db, store, scope, readableCollections, canonicalId))?.canonicalId;
      if (viewId === undefined) continue;
      members.push({ canonicalId: viewId, reports });
      shown.push({ canonicalId: viewId, incidentIds: reports.map((r) => r.incidentId).sort() });
    }
    if (members.length < 2) continue;
    const id = everything ? campaignId : campaignIdOf(`${row.campaign_key}|${shown.flatMap((m) => m.incidentIds).sort().join(',')}`);
    const built = everything
      ? buildCampaign({ id, members, created: state.created, now: row.modified, departures: state.departures, tlp: state.access.tlp })
      : buildCampaign({ id, members, created: row.modified, now: row.modified, departures: {} });
    views.push({ campaignId: id, complete: everything, campaign: built.campaign, objects: built.objects, members: shown.sort((a, b) => a.canonicalId.localeCompare(b.canonicalId)) });
  }
  return views.sort((a, b) => b.members.length - a.members.length || a.campaignId.localeCompare(b.campaignId));
}

/** Connected groups of `nodes` under `edges`, each sorted (union-find). */
function componentsOf(nodes: readonly string[], edges: readonly (readonly [string, string])[]): string[][] {
  const parent = new Map(nodes.map((n) => [n, n]));
  const find = (n: string): string => {
    let root = n;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(n, root);
    return root;
  };
  for (const [a, b] of edges) {
    if (!parent.has(a) || !parent.has(b)) continue;
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const groups = new Map<string, string[]>();
  for (const n of nodes) groups.set(find(n), [...(groups.get(find(n)) ?? []), n]);
  return [...groups.values()].map((g) => g.sort());
}
