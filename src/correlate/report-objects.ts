import type { Kysely } from 'kysely';
import { PROVENANCE_EXTENSION_ID, type ProvenanceExtension } from '../stix/extensions.js';
import type { StixObject } from '../stix/stix-object.js';
import { TLP_LEVELS, tlpMarkingId, type TlpLevel } from '../stix/tlp.js';
import type { ReadScope } from '../store/object-store.js';
import type { DatabaseSchema, TlpLevel as StoredTlp } from '../store/schema.js';
import { visibilityCondition } from '../store/visibility-sql.js';
import { extractIncidentFeatures, type IncidentFeatures } from './incident-features.js';

/**
 * Reads report incidents back from the store with what extraction needs: the
 * incident, its report (the provenance `report_ref`), the report's author and
 * every object the report refers to — each read under the reader's scope and
 * collections, so that a fact a viewer may not see (a hidden location, a
 * hidden attribution) never reaches features built for that viewer.
 */
export interface RowAccess {
  readonly collectionId: string;
  readonly tlp: StoredTlp;
  readonly authorOrg: string | null;
  readonly sharingGroup: string | null;
  readonly partner: string | null;
}

export interface StoredIncident {
  readonly features: IncidentFeatures;
  readonly access: RowAccess;
  /** The objects the features were read from: the incident, its report and what the report refers to. */
  readonly objects: readonly StixObject[];
}

export interface ReadRestriction {
  readonly scope: ReadScope;
  /** Only rows of these collections; undefined for every collection. */
  readonly collections?: readonly string[];
  /** Never rows of this collection (the correlator's own output). */
  readonly excludeCollection?: string;
}

interface Row extends RowAccess {
  readonly id: string;
  readonly version: string;
  readonly object: StixObject;
}

/** Ids per statement: well under SQLite's and PostgreSQL's parameter limits. */
const IDS_PER_QUERY = 500;

/**
 * The features of each incident of `incidentIds` the restriction lets the
 * reader see, from its latest visible version; incidents it cannot see are
 * left out. A report or referred object it cannot see is left out of the
 * extraction as if it did not exist.
 */
export async function loadStoredIncidents(db: Kysely<DatabaseSchema>, incidentIds: readonly string[], restriction: ReadRestriction): Promise<StoredIncident[]> {
  const incidents = (await latestRows(db, incidentIds, restriction)).filter((r) => r.object.type === 'incident');
  const reportIds = incidents.map((r) => provenanceOf(r.object)?.report_ref).filter((id): id is string => id !== undefined);
  const reports = new Map((await latestRows(db, reportIds, restriction)).filter((r) => r.object.type === 'report').map((r) => [r.id, r]));
  const referred = new Set<string>();
  for (const report of reports.values()) {
    for (const ref of refsOf(report.object)) referred.add(ref);
  }
  const others = new Map((await latestRows(db, [...referred], restriction)).map((r) => [r.id, r]));
  const loaded: StoredIncident[] = [];
  for (const incident of incidents) {
    const report = reports.get(provenanceOf(incident.object)?.report_ref ?? '');
    const objects: StixObject[] = [incident.object];
    if (report !== undefined) {
      objects.push(report.object);
      for (const ref of refsOf(report.object)) {
        const other = others.get(ref);
        if (other !== undefined && other.id !== incident.id) objects.push(other.object);
      }
    }
    const features = extractIncidentFeatures(objects).find((f) => f.incidentId === incident.id);
    if (features === undefined) continue;
    loaded.push({ features: withRowMarking(features, incident.tlp), access: incident, objects });
  }
  return loaded;
}

/** The latest version of each id the restriction lets the reader see (any collection allowed). */
async function latestRows(db: Kysely<DatabaseSchema>, ids: readonly string[], restriction: ReadRestriction): Promise<Row[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0 || restriction.collections?.length === 0) return [];
  const latest = new Map<string, Row>();
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
    let query = db
      .selectFrom('objects as o')
      .select(['o.id', 'o.version', 'o.json', 'o.collection_id', 'o.tlp', 'o.author_org', 'o.sharing_group', 'o.partner'])
      .where('o.id', 'in', unique.slice(i, i + IDS_PER_QUERY));
    if (restriction.collections !== undefined) query = query.where('o.collection_id', 'in', [...restriction.collections]);
    if (restriction.excludeCollection !== undefined) query = query.where('o.collection_id', '!=', restriction.excludeCollection);
    const visible = visibilityCondition('o', restriction.scope);
    if (visible !== undefined) query = query.where(visible);
    for (const r of await query.execute()) {
      const held = latest.get(r.id);
      if (held !== undefined && held.version >= r.version) continue;
      latest.set(r.id, {
        id: r.id,
        version: r.version,
        object: JSON.parse(r.json) as StixObject,
        collectionId: r.collection_id,
        tlp: r.tlp,
        authorOrg: r.author_org,
        sharingGroup: r.sharing_group,
        partner: r.partner,
      });
    }
  }
  return [...latest.values()];
}

/**
 * The level the object was stored at — its markings' level, granular ones
 * included, or its publisher's default when it carries no TLP marking — joins
 * its features' markings, so that a canonical incident built from them is
 * marked at least as strictly.
 */
function withRowMarking(features: IncidentFeatures, tlp: StoredTlp): IncidentFeatures {
  if (!(TLP_LEVELS as readonly string[]).includes(tlp)) return features;
  const stored = tlpMarkingId(tlp as TlpLevel);
  return features.markingRefs.includes(stored) ? features : { ...features, markingRefs: [...features.markingRefs, stored] };
}

function provenanceOf(object: StixObject): ProvenanceExtension | undefined {
  const extensions = object.extensions as Record<string, unknown> | undefined;
  const value = extensions?.[PROVENANCE_EXTENSION_ID];
  return typeof value === 'object' && value !== null ? (value as ProvenanceExtension) : undefined;
}

function refsOf(report: StixObject): string[] {
  const refs = Array.isArray(report.object_refs) ? report.object_refs.filter((r): r is string => typeof r === 'string') : [];
  return typeof report.created_by_ref === 'string' ? [...refs, report.created_by_ref] : refs;
}

/** Which of `ids` the restriction lets the reader see (in any version), for a 404 that hides as a missing id would. */
export async function visibleObjectIds(db: Kysely<DatabaseSchema>, ids: readonly string[], restriction: ReadRestriction): Promise<Set<string>> {
  return new Set((await latestRows(db, ids, restriction)).map((r) => r.id));
}
