import { z } from 'zod';
import { EntenteError } from '../../errors.js';
import { PERSON_EXTENSION_ID, PROVENANCE_EXTENSION_ID, type PersonExtension, type ProvenanceExtension } from '../../stix/extensions.js';
import type { StixObject } from '../../stix/stix-object.js';
import type { PerpetratorItem } from '../../store/incident-index-projection.js';
import { extensionOf } from '../../store/incident-index-projection.js';
import { intelContext } from './intel-context.js';
import { countryName } from './intel-present.js';
import type { RestApi } from './rest-api.js';

/**
 * REST.md "Intelligence" `GET /actors/:id`: a group, person or organisation
 * the viewer may see, its aliases (with the report each came from), roles,
 * the incidents attributed to it, and a relation graph of those incidents,
 * the other groups named in them and their countries. The graph is capped at
 * MAX_GRAPH_NODES so the console stays usable.
 */
const ActorParams = z.object({ id: z.string().regex(/^(intrusion-set|identity|threat-actor)--[0-9a-f-]{36}$/, 'a group, person or organisation id') }).strict();
/** Most incidents an actor page lists (newest first). */
export const MAX_ACTOR_INCIDENTS = 200;
export const MAX_GRAPH_NODES = 400;

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
    const aliasSource = reportRef === undefined ? {} : { source: reportRef };
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
