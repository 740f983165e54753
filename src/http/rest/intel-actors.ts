import { z } from 'zod';
import type { Kysely } from 'kysely';
import { EntenteError } from '../../errors.js';
import { withFederation } from '../../federation/federation-schema.js';
import { PERSON_EXTENSION_ID, PROVENANCE_EXTENSION_ID, type PersonExtension, type ProvenanceExtension } from '../../stix/extensions.js';
import type { StixObject } from '../../stix/stix-object.js';
import type { PerpetratorItem } from '../../store/incident-index-projection.js';
import { extensionOf } from '../../store/incident-index-projection.js';
import type { IncidentQueries, Viewer } from '../../store/incident-index-queries.js';
import type { DatabaseSchema } from '../../store/schema.js';
import { intelContext } from './intel-context.js';
import { reportSummary } from './intel-incident-detail.js';
import { countryName } from './intel-present.js';
import type { RestApi } from './rest-api.js';

/**
 * REST.md "Intelligence" `GET /actors/:id`: a group, person or organisation
 * the viewer may see, its aliases (with the report each came from: its
 * title, outlet and partner when the viewer may read that report), roles,
 * the incidents attributed to it, and a relation graph of those incidents,
 * the other groups named in them and their countries. The graph is capped at
 * MAX_GRAPH_NODES so the console stays usable.
 */
const ActorParams = z.object({ id: z.string().regex(/^(intrusion-set|identity|threat-actor)--[0-9a-f-]{36}$/, 'a group, person or organisation id') }).strict();
/** Most incidents an actor page lists (newest first). */
export const MAX_ACTOR_INCIDENTS = 200;
export const MAX_GRAPH_NODES = 400;

/** Where an alias came from: the report id always; title, outlet and partner only from a report the viewer may read. */
interface AliasOrigin {
  report: string;
  name?: string;
  outlet?: string;
  partner?: string;
  /** An incident of that report the viewer may see, for the console to link to. */
  incident?: string;
}

interface GraphNode {
  id: string;
  label: string;
  type: string;
}

export function intelActorRoutes(api: RestApi): void {
  const intel = intelContext(api);

  api.app.get('/actors/:id', async (request) => {
    const { viewer } = await intel.begin(request);
    const { id } = ActorParams.parse(request.params);
    const held = (await intel.queries.objects(viewer, [id])).get(id);
    if (held === undefined) throw new EntenteError('not_found', `No group, person or organisation ${id} that you may see`);
    const actor = JSON.parse(held.json) as StixObject;
    const name = typeof actor.name === 'string' ? actor.name : id;
    const reportRef = extensionOf<ProvenanceExtension>(actor, PROVENANCE_EXTENSION_ID)?.report_ref;
    const aliasSource = reportRef === undefined ? {} : { source: await aliasOrigin(api.deps.db, intel.queries, viewer, reportRef) };
    const aliases = [...new Set([
      ...(Array.isArray(actor.aliases) ? (actor.aliases as unknown[]) : []),
      ...(extensionOf<PersonExtension>(actor, PERSON_EXTENSION_ID)?.aliases ?? []),
    ].filter((a): a is string => typeof a === 'string' && a !== name))].map((alias) => ({ alias, ...aliasSource }));
    const roles = Array.isArray(actor.roles) ? (actor.roles as unknown[]).filter((r): r is string => typeof r === 'string') : [];

    const rows = actor.type === 'identity' ? [] : await intel.queries.feed(viewer, { groups: [id] }, MAX_ACTOR_INCIDENTS);
    const kept = rows.slice(0, MAX_ACTOR_INCIDENTS);
    const nodes = new Map<string, GraphNode>([[id, { id, label: name, type: actor.type }]]);
    const edges: { source: string; target: string; label: string }[] = [];
    const addNode = (node: GraphNode): boolean => {
      if (nodes.has(node.id)) return true;
      if (nodes.size >= MAX_GRAPH_NODES) return false;
      nodes.set(node.id, node);
      return true;
    };
    const incidents = kept.map((row) => {
      const perpetrators = JSON.parse(row.perpetrators) as PerpetratorItem[];
      const self = perpetrators.find((p) => p.id === id);
      if (addNode({ id: row.id, label: row.name, type: 'incident' })) {
        edges.push({ source: row.id, target: id, label: self?.claimed === true ? 'claimed by' : 'attributed to' });
        for (const other of perpetrators.filter((p) => p.id !== id)) {
          if (addNode({ id: other.id, label: other.name, type: 'intrusion-set' })) edges.push({ source: row.id, target: other.id, label: other.claimed ? 'claimed by' : 'attributed to' });
        }
        if (row.country !== null && addNode({ id: `country:${row.country}`, label: countryName(row.country) ?? row.country, type: 'location' })) {
          edges.push({ source: row.id, target: `country:${row.country}`, label: 'in' });
        }
      }
      return { id: row.id, name: row.name, date: row.event_date, claimed: self?.claimed === true };
    });
    return { id, type: actor.type, name, aliases, roles, incidents, graph: { nodes: [...nodes.values()], edges } };
  });
}

/**
 * The report an alias came from, named for the console. The report is read
 * through the access policy (`queries.objects`): a report the viewer may not
 * read gives its id alone, never its title or outlet.
 */
async function aliasOrigin(db: Kysely<DatabaseSchema>, queries: IncidentQueries, viewer: Viewer, reportId: string): Promise<AliasOrigin> {
  const held = (await queries.objects(viewer, [reportId])).get(reportId);
  if (held === undefined) return { report: reportId };
  const report = JSON.parse(held.json) as StixObject;
  const summary = reportSummary(report);
  const partner = held.partner === null
    ? undefined
    : await withFederation(db).selectFrom('partners').select('name').where('id', '=', held.partner).executeTakeFirst();
  const incidentRefs = (Array.isArray(report.object_refs) ? (report.object_refs as unknown[]) : []).filter((r): r is string => typeof r === 'string' && r.startsWith('incident--'));
  const incident = incidentRefs.length === 0 ? undefined : [...(await queries.objects(viewer, incidentRefs.slice(0, 1))).keys()][0];
  return {
    report: reportId,
    ...(summary.title !== undefined ? { name: summary.title } : {}),
    ...(summary.outlet !== undefined ? { outlet: summary.outlet } : {}),
    ...(partner !== undefined ? { partner: partner.name } : {}),
    ...(incident !== undefined ? { incident } : {}),
  };
}
