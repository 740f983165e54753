import type { Kysely } from 'kysely';
import type { ObjectStore, ReadScope } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import { buildCanonicalIncident, buildPartialCanonicalIncident, type CanonicalIncident } from './canonical-incident.js';
import { withCorrelation } from './correlation-schema.js';
import { CANONICAL_COLLECTION_ALIAS, membersOf } from './correlator.js';
import { fieldViews, type FieldView } from './field-view.js';
import { loadStoredIncidents } from './report-objects.js';
import { reliabilityRegistry } from './source-reliability.js';

/**
 * A canonical incident as one viewer may see it, rebuilt from the member
 * reports that viewer can read (collections it is granted AND the marking
 * policy, in SQL, for the incidents, their reports and every object the
 * reports refer to). When it sees every member this is the stored canonical
 * incident's content; otherwise an incident of its own built only from what
 * it sees, so nothing a hidden report said shows through.
 */
export interface CanonicalView {
  readonly canonicalId: string;
  /** The collection canonical incidents are stored in, when it exists. */
  readonly collectionId: string | undefined;
  /** Whether the viewer sees every report the canonical incident was built from. */
  readonly complete: boolean;
  readonly canonical: CanonicalIncident;
  readonly members: readonly { readonly incidentId: string; readonly reportId: string; readonly collectionId: string; readonly outlet: string; readonly published: string | undefined }[];
  readonly fields: readonly FieldView[];
}

/** Undefined when the id is no canonical incident or the viewer sees none of its reports (404 alike). */
export async function canonicalViewFor(
  db: Kysely<DatabaseSchema>,
  store: ObjectStore,
  scope: ReadScope,
  readableCollections: readonly string[],
  canonicalId: string,
): Promise<CanonicalView | undefined> {
  const members = await membersOf(db, canonicalId);
  const readable = new Set(readableCollections);
  const candidates = members.filter((m) => readable.has(m.collectionId));
  if (candidates.length === 0) return undefined;
  const visible = await loadStoredIncidents(db, candidates.map((m) => m.incidentId), { scope, collections: [...new Set(candidates.map((m) => m.collectionId))] });
  if (visible.length === 0) return undefined;
  const features = visible.map((v) => v.features).sort((a, b) => a.incidentId.localeCompare(b.incidentId));
  const row = await withCorrelation(db).selectFrom('correlation_canonicals').select(['cluster_key', 'modified']).where('canonical_id', '=', canonicalId).executeTakeFirst();
  const clusterKey = row?.cluster_key ?? canonicalId;
  const registry = await reliabilityRegistry(withCorrelation(db), features.flatMap((f) => [f.outlet, ...f.sourceNames]));
  const options = { registry, now: row?.modified ?? new Date().toISOString() };
  const complete = visible.length === members.length;
  const canonical = complete
    ? buildCanonicalIncident({ id: clusterKey, members: features, news: features.some((f) => f.newsStatus === 'news') }, options)
    : buildPartialCanonicalIncident(clusterKey, features, options);
  const collection = (await store.listCollections()).find((c) => c.alias === CANONICAL_COLLECTION_ALIAS);
  return {
    canonicalId: complete ? canonicalId : canonical.id,
    collectionId: collection?.id,
    complete,
    canonical,
    members: visible.map((v) => ({
      incidentId: v.features.incidentId, reportId: v.features.reportId, collectionId: v.access.collectionId, outlet: v.features.outlet, published: v.features.published,
    })),
    fields: fieldViews(canonical.reconciliation, features),
  };
}
