import type { Kysely } from 'kysely';
import type { StixObject } from '../stix/stix-object.js';
import { nextVersionTimestamp } from '../stix/timestamp.js';
import type { IncomingObject, ObjectStore, WriteMeta } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { buildCampaign, campaignIdOf, revokedCampaignRelationship, type CampaignMember, type CampaignTarget, type CommonProperties } from './campaign-build.js';
import { withCampaigns, type CampaignDb } from './campaign-schema.js';
import { canonicalAccess } from './correlator.js';
import type { IncidentFeatures } from './incident-features.js';
import type { RowAccess } from './report-objects.js';

/**
 * Keeps the STIX campaigns (campaign-build.ts) in step with the correlator's
 * campaign links (`correlation_links`: pairs of report incidents on the same
 * day in different places). A campaign is a connected group of canonical
 * incidents joined by links; its id derives from its earliest link, so it
 * keeps its id as incidents join it, and of two campaigns a new link joins,
 * the older one continues. A campaign whose incidents left it (merged into
 * another, or split) is written once more without them.
 *
 * Written into the canonical collection as canonical incidents are, with the
 * row access of canonicalAccess over every report of every member: whoever
 * may read the stored campaign may read every report it was built from. A
 * viewer who sees only some reads campaign-view.ts instead.
 */
export interface CampaignLinkerOptions {
  /** Milliseconds since the epoch; the clock versions are stamped with. */
  readonly clock?: () => number;
}

/** What the linker keeps of each campaign to write its next version (`correlation_campaigns.state`). */
export interface CampaignState {
  readonly created: string;
  readonly targets: readonly CampaignTarget[];
  readonly departures: Readonly<Record<string, number>>;
  readonly signature: string;
  /** The last version written, and how its row was stored, to write it again emptied. */
  readonly campaign: StixObject;
  readonly access: ReturnType<typeof canonicalAccess>;
}

interface Component {
  readonly members: CampaignMember[];
  readonly access: RowAccess[];
  /** The earliest link inside it (`a|b`). */
  readonly key: string;
}

/** Ids per statement: well under SQLite's and PostgreSQL's parameter limits. */
const IDS_PER_QUERY = 500;

export class CampaignLinker {
  private readonly cdb: CampaignDb;
  private readonly clock: () => number;

  constructor(
    db: Kysely<DatabaseSchema>,
    private readonly store: ObjectStore,
    /** The canonical collection (Correlator.canonicalCollection). */
    private readonly collection: () => Promise<string>,
    options: CampaignLinkerOptions = {},
  ) {
    this.cdb = withCampaigns(db);
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Rewrites the campaigns of the canonical incidents `canonicalIds` (after
   * they were written, joined, merged or split): those the incidents are in
   * now, and those they were in before. Resolves to the campaign ids written.
   */
  async refresh(canonicalIds: readonly string[]): Promise<string[]> {
    const seeds = new Set(canonicalIds);
    const previous = new Set(await this.campaignsHolding([...seeds]));
    const formerMembers = await inChunks([...previous], (ids) => this.cdb.selectFrom('correlation_campaign_members').select(['canonical_id']).where('campaign_id', 'in', ids).execute());
    for (const m of formerMembers) seeds.add(m.canonical_id);
    const seen = new Set<string>();
    const written: string[] = [];
    const current = new Set<string>();
    for (const seed of [...seeds].sort()) {
      if (seen.has(seed)) continue;
      const component = await this.component(seed);
      for (const m of component?.members ?? [{ canonicalId: seed }]) seen.add(m.canonicalId);
      if (component === undefined) continue;
      // A new link may join incidents of other campaigns, which this one takes over.
      for (const held of await this.campaignsHolding(component.members.map((m) => m.canonicalId))) previous.add(held);
      const id = campaignIdOf(component.key);
      current.add(id);
      if (await this.write(id, component)) written.push(id);
    }
    for (const id of [...previous].filter((p) => !current.has(p)).sort()) {
      await this.empty(id);
      written.push(id);
    }
    return written;
  }

  private async campaignsHolding(canonicalIds: readonly string[]): Promise<string[]> {
    const rows = await inChunks(canonicalIds, (ids) => this.cdb.selectFrom('correlation_campaign_members').select(['campaign_id']).where('canonical_id', 'in', ids).execute());
    return [...new Set(rows.map((r) => r.campaign_id))];
  }

  /** The canonical incidents linked to `seed`, directly or not, with their reports; undefined when it is linked to none. */
  private async component(seed: string): Promise<Component | undefined> {
    const reportsOf = new Map<string, IncidentFeatures[]>();
    const access: RowAccess[] = [];
    const incidents = new Set<string>();
    let links: { a: string; b: string; at: number }[] = [];
    let frontier = [seed];
    reportsOf.set(seed, []);
    while (frontier.length > 0) {
      const rows = await inChunks(frontier, (ids) => this.cdb.selectFrom('correlation_members').select(['incident_id', 'canonical_id', 'features']).where('canonical_id', 'in', ids).execute());
      const added: string[] = [];
      for (const row of rows) {
        const member = JSON.parse(row.features) as { features: IncidentFeatures; access: RowAccess };
        reportsOf.get(row.canonical_id)?.push(member.features);
        access.push(member.access);
        incidents.add(row.incident_id);
        added.push(row.incident_id);
      }
      const found = [
        ...(await inChunks(added, (ids) => this.cdb.selectFrom('correlation_links').select(['a', 'b', 'at']).where('a', 'in', ids).execute())),
        ...(await inChunks(added, (ids) => this.cdb.selectFrom('correlation_links').select(['a', 'b', 'at']).where('b', 'in', ids).execute())),
      ];
      links = [...links, ...found];
      const others = [...new Set(found.flatMap((l) => [l.a, l.b]))].filter((id) => !incidents.has(id));
      const canonicals = await inChunks(others, (ids) => this.cdb.selectFrom('correlation_members').select(['canonical_id']).where('incident_id', 'in', ids).execute());
      frontier = [...new Set(canonicals.map((c) => c.canonical_id))].filter((id) => !reportsOf.has(id));
      for (const id of frontier) reportsOf.set(id, []);
    }
    const members = [...reportsOf.entries()].filter(([, reports]) => reports.length > 0).map(([canonicalId, reports]) => ({ canonicalId, reports }));
    const first = links.sort((x, y) => Number(x.at) - Number(y.at) || x.a.localeCompare(y.a) || x.b.localeCompare(y.b))[0];
    if (first === undefined || members.length < 2) return undefined;
    return { members, access, key: `${first.a}|${first.b}` };
  }

  /** Writes the campaign's next version when it changed; true when written. */
  private async write(id: string, component: Component): Promise<boolean> {
    const row = await this.cdb.selectFrom('correlation_campaigns').select(['state', 'modified']).where('campaign_id', '=', id).executeTakeFirst();
    const state = row === undefined ? undefined : (JSON.parse(row.state) as CampaignState);
    const now = nextVersionTimestamp(row?.modified, this.clock());
    const access = canonicalAccess(component.access);
    const departures = { ...(state?.departures ?? {}) };
    const built = buildCampaign({ id, members: component.members, created: state?.created ?? now, now, departures, tlp: access.tlp });
    const gone = (state?.targets ?? []).filter((t) => !built.targets.some((n) => n.id === t.id && n.type === t.type));
    if (state !== undefined && gone.length === 0 && built.signature === state.signature && sameAccess(access, state.access)) return false;
    const common = commonOf(built.campaign);
    const revoked = gone.map((t) => revokedCampaignRelationship(id, t, departures[t.id] ?? 0, common));
    for (const t of gone) departures[t.id] = (departures[t.id] ?? 0) + 1;
    await this.writeObjects([...built.objects, ...revoked], access);
    const next: CampaignState = { created: state?.created ?? now, targets: built.targets, departures, signature: built.signature, campaign: built.campaign, access };
    const memberIds = component.members.map((m) => m.canonicalId);
    await this.cdb.transaction().execute(async (trx) => {
      await trx.insertInto('correlation_campaigns').values({ campaign_id: id, campaign_key: component.key, state: JSON.stringify(next), modified: now, updated_at: nowMicros() })
        .onConflict((oc) => oc.column('campaign_id').doUpdateSet({ state: JSON.stringify(next), modified: now, updated_at: nowMicros() })).execute();
      await trx.deleteFrom('correlation_campaign_members').where('campaign_id', '=', id).execute();
      for (let i = 0; i < memberIds.length; i += IDS_PER_QUERY) {
        const chunk = memberIds.slice(i, i + IDS_PER_QUERY);
        await trx.deleteFrom('correlation_campaign_members').where('canonical_id', 'in', chunk).execute();
        await trx.insertInto('correlation_campaign_members').values(chunk.map((canonicalId) => ({ canonical_id: canonicalId, campaign_id: id }))).execute();
      }
    });
    return true;
  }

  /**
   * A campaign none of whose incidents are linked as one any more (joined to
   * an older campaign, or split apart): its relationships are revoked and it
   * is written once more saying so, stored as strictly as before.
   */
  private async empty(id: string): Promise<void> {
    const row = await this.cdb.selectFrom('correlation_campaigns').select(['state', 'modified']).where('campaign_id', '=', id).executeTakeFirst();
    if (row === undefined) return;
    const state = JSON.parse(row.state) as CampaignState;
    const now = nextVersionTimestamp(row.modified, this.clock());
    const campaign: StixObject = { ...state.campaign, modified: now, description: 'No longer a campaign of its own: its incidents are not linked as one any more.' };
    const common = commonOf(campaign);
    const departures = { ...state.departures };
    const revoked = state.targets.map((t) => revokedCampaignRelationship(id, t, departures[t.id] ?? 0, common));
    for (const t of state.targets) departures[t.id] = (departures[t.id] ?? 0) + 1;
    await this.writeObjects([campaign, ...revoked], state.access);
    const next: CampaignState = { ...state, targets: [], departures, signature: '', campaign };
    await this.cdb.transaction().execute(async (trx) => {
      await trx.updateTable('correlation_campaigns').set({ state: JSON.stringify(next), modified: now, updated_at: nowMicros() }).where('campaign_id', '=', id).execute();
      await trx.deleteFrom('correlation_campaign_members').where('campaign_id', '=', id).execute();
    });
  }

  private async writeObjects(objects: readonly StixObject[], access: ReturnType<typeof canonicalAccess>): Promise<void> {
    const incoming: IncomingObject[] = objects.map((object) => ({ object, json: JSON.stringify(object), tlp: access.tlp }));
    const meta: WriteMeta = { authorOrg: access.authorOrg, authorUser: null, partner: null, sharingGroup: access.sharingGroup };
    await this.store.addObjects(await this.collection(), incoming, meta);
  }

}

/** The campaign a canonical incident is part of, if any. */
export async function campaignOf(db: Kysely<DatabaseSchema>, canonicalId: string): Promise<string | undefined> {
  const row = await withCampaigns(db).selectFrom('correlation_campaign_members').select('campaign_id').where('canonical_id', '=', canonicalId).executeTakeFirst();
  return row?.campaign_id;
}

/** The canonical incidents of a campaign (every one, whoever asks: campaign-view.ts filters by what the viewer may read). */
export async function campaignMembers(db: Kysely<DatabaseSchema>, campaignId: string): Promise<string[]> {
  const rows = await withCampaigns(db).selectFrom('correlation_campaign_members').select('canonical_id').where('campaign_id', '=', campaignId).orderBy('canonical_id').execute();
  return rows.map((r) => r.canonical_id);
}

function commonOf(object: StixObject): CommonProperties {
  const refs = object.object_marking_refs;
  return { spec_version: '2.1', created: String(object.created), modified: String(object.modified), ...(refs !== undefined ? { object_marking_refs: refs } : {}) };
}

function sameAccess(a: ReturnType<typeof canonicalAccess>, b: ReturnType<typeof canonicalAccess>): boolean {
  return a.tlp === b.tlp && a.authorOrg === b.authorOrg && a.sharingGroup === b.sharingGroup;
}

async function inChunks<T>(ids: readonly string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) out.push(...(await query(ids.slice(i, i + IDS_PER_QUERY))));
  return out;
}
