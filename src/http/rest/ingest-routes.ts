import { z } from 'zod';
import { publishObjects } from '../../access/publication.js';
import { SHARING_EXTENSION_ID } from '../../access/sharing-extension.js';
import { EntenteError } from '../../errors.js';
import { ingestText } from '../../ingest/index.js';
import { ENTENTE_IDENTITY, INCIDENT_EXTENSION_ID, type Count, type IncidentExtension } from '../../stix/extensions.js';
import type { StixObject } from '../../stix/stix-object.js';
import { tlpMarkingId, type TlpLevel } from '../../stix/tlp.js';
import { formatIssue, validateObject } from '../../stix/validate.js';
import { extensionOf } from '../../store/incident-index-projection.js';
import { bundleIncidents } from './intel-bundle-incidents.js';
import { reportView } from './intel-report-view.js';
import type { RestApi } from './rest-api.js';

/**
 * REST.md "Intelligence" ingest: `POST /ingest/preview` runs the extraction
 * (src/ingest) on pasted text and answers the bundle, the report with its
 * highlighted spans and the incidents found, storing nothing;
 * `POST /ingest/publish` applies the analyst's corrections, marking, sharing
 * group and RED recipients to that bundle and publishes it through
 * access/publication.ts, exactly like TAXII Add Objects (same checks, same
 * audit), plus an `ingest.publish` audit entry.
 */

/** Ingest refuses larger input (src/ingest); said here so the error names the field. */
const MAX_TEXT_CHARS = 1_000_000;
/** Most objects a published bundle may hold. */
export const MAX_PUBLISH_OBJECTS = 5000;

const Preview = z.object({
  text: z.string().min(1).max(MAX_TEXT_CHARS),
  outlet: z.string().max(200).optional(),
  url: z.string().url().max(2000).optional(),
  published: z.string().max(40).optional(),
  title: z.string().max(500).optional(),
  language: z.string().regex(/^[a-z]{2}$/, 'an ISO 639-1 code').optional(),
}).strict();

const Correction = z.object({
  objectId: z.string().max(200),
  field: z.enum(['name', 'description', 'event_date', 'date_precision', 'attack_types', 'target_types', 'weapon_types', 'victims_killed', 'perpetrators_killed', 'wounded', 'claimed']),
  value: z.union([z.string().max(10_000), z.number().int().min(0).max(10_000_000), z.boolean(), z.array(z.string().max(200)).max(50), z.null()]),
}).strict();

const Publish = z.object({
  bundle: z.object({ type: z.literal('bundle'), id: z.string().max(200), objects: z.array(z.record(z.string(), z.unknown())).min(1).max(MAX_PUBLISH_OBJECTS) }).strict(),
  collection: z.string().min(1).max(200),
  marking: z.enum(['clear', 'green', 'amber', 'amber+strict', 'red']),
  sharingGroup: z.string().min(1).max(200).optional(),
  recipients: z.array(z.string().min(1).max(200)).max(1000).optional(),
  corrections: z.array(Correction).max(1000).optional(),
}).strict();

/** Objects every entente instance publishes identically: never re-marked, never re-published once held. */
const SHARED_DEFINITION_TYPES = new Set(['extension-definition', 'marking-definition']);
const isSharedDefinition = (o: StixObject): boolean => SHARED_DEFINITION_TYPES.has(o.type) || o.id === ENTENTE_IDENTITY.id;

export function ingestRoutes(api: RestApi): void {
  api.app.post('/ingest/preview', async (request) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'contributor');
    const body = Preview.parse(request.body);
    const result = ingestText(body.text, {
      ...(body.outlet !== undefined ? { outlet: body.outlet } : {}),
      ...(body.url !== undefined ? { url: body.url } : {}),
      ...(body.published !== undefined ? { published: body.published } : {}),
      ...(body.title !== undefined ? { title: body.title } : {}),
      ...(body.language !== undefined ? { language: body.language } : {}),
    });
    const report = result.bundle.objects.find((o) => o.type === 'report') as StixObject;
    return { report: reportView(report, result.bundle.objects), bundle: result.bundle, incidents: bundleIncidents(result.bundle.objects, result.text) };
  });

  api.app.post('/ingest/publish', async (request) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'contributor');
    api.requireWrite(principal);
    const body = Publish.parse(request.body);
    const permissions = await api.deps.permissions(principal, body.collection);
    if (!permissions.canRead) throw new EntenteError('not_found', `No collection ${body.collection} that you may use`);
    if (!permissions.canWrite) throw new EntenteError('forbidden', `Your organisation may not publish to collection ${body.collection}`);
    if (body.recipients !== undefined && body.recipients.length > 0 && body.marking !== 'red') {
      throw new EntenteError('invalid_input', 'recipients are named only when publishing as TLP:RED', { field: 'recipients' });
    }
    if (body.sharingGroup !== undefined && body.marking !== 'amber') {
      throw new EntenteError('invalid_input', 'a sharing group is the audience of TLP:AMBER; choose marking "amber" or leave sharingGroup out', { field: 'sharingGroup' });
    }
    const corrected = applyCorrections(body.bundle.objects as StixObject[], body.corrections ?? []);
    const held = await heldIds(api, corrected.filter(isSharedDefinition).map((o) => o.id));
    const objects = corrected
      .filter((o) => !held.has(o.id))
      .map((o) => (isSharedDefinition(o) ? o : marked(o, body.marking, body.sharingGroup, body.recipients ?? [])));
    const invalid = objects.flatMap((o) => validateObject(o).slice(0, 1).map((issue) => ({ id: o.id, reason: formatIssue(issue) })));
    const valid = objects.filter((o) => !invalid.some((bad) => bad.id === o.id));
    const origin = { address: request.ip, path: 'POST /rest/v1/ingest/publish' };
    const outcome = await publishObjects(api.deps.db, api.deps.store, body.collection, { orgId: principal.orgId, userId: principal.userId }, valid.map((object) => ({ object, json: JSON.stringify(object) })), origin);
    const added = new Set(outcome.results.filter((r) => r.status === 'added').map((r) => r.id));
    const rejected = [...invalid, ...outcome.failures.map((f) => ({ id: f.id, reason: f.message }))];
    await api.audit(request, principal, {
      action: 'ingest.publish',
      target: body.collection,
      details: { marking: body.marking, sharingGroup: body.sharingGroup ?? null, recipients: body.recipients?.length ?? 0, corrections: body.corrections?.length ?? 0, published: added.size, rejected: rejected.length },
    });
    return {
      published: added.size,
      rejected,
      incidentIds: valid.filter((o) => o.type === 'incident' && outcome.results.some((r) => r.id === o.id)).map((o) => o.id),
    };
  });
}

/** The analyst's corrections, each on the object it names; an unknown object or a field it lacks is refused. */
export function applyCorrections(objects: readonly StixObject[], corrections: readonly z.infer<typeof Correction>[]): StixObject[] {
  // Mutable copies: the corrections are applied field by field.
  const byId = new Map(objects.map((o) => [o.id, structuredClone(o) as Record<string, unknown> & { id: string; type: string; modified?: unknown; created?: unknown }]));
  for (const correction of corrections) {
    const object = byId.get(correction.objectId);
    if (object === undefined) throw new EntenteError('invalid_input', `correction names ${correction.objectId}, which is not in the bundle`, { field: 'corrections' });
    const fail = (why: string) => new EntenteError('invalid_input', `correction of ${correction.field} on ${correction.objectId}: ${why}`, { field: 'corrections' });
    if (correction.field === 'name' || correction.field === 'description') {
      if (typeof correction.value !== 'string' || correction.value.trim() === '') throw fail('give a non-empty text');
      object[correction.field] = correction.value;
      continue;
    }
    const ext = object.type === 'incident' ? extensionOf<IncidentExtension>(object as StixObject, INCIDENT_EXTENSION_ID) : undefined;
    if (ext === undefined) throw fail('only incidents have this field');
    const value = correction.value;
    switch (correction.field) {
      case 'event_date':
        if (typeof value !== 'string' || !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(value)) throw fail('give a date YYYY, YYYY-MM or YYYY-MM-DD');
        ext.event_date = value;
        ext.date_precision = value.length === 10 ? 'day' : value.length === 7 ? 'month' : 'year';
        break;
      case 'date_precision':
        if (value !== 'exact' && value !== 'day' && value !== 'month' && value !== 'year' && value !== 'approximate' && value !== 'unknown') throw fail('give exact, day, month, year, approximate or unknown');
        ext.date_precision = value;
        break;
      case 'attack_types':
      case 'target_types':
      case 'weapon_types':
        if (!Array.isArray(value) || value.length === 0) throw fail('give a non-empty list (use "Unknown" when not known)');
        ext[correction.field] = value;
        break;
      case 'victims_killed':
      case 'perpetrators_killed':
      case 'wounded':
        if (value === null) delete ext[correction.field];
        else if (typeof value === 'number') ext[correction.field] = corrected(ext[correction.field], value);
        else throw fail('give a whole number, or null to remove the figure');
        break;
      case 'claimed':
        if (typeof value !== 'boolean') throw fail('give true or false');
        ext.claimed = value;
        break;
    }
    // A corrected object is a new version of the extracted one (STIX 2.1 §3.6).
    object.modified = laterTimestamp(String(object.modified ?? object.created ?? ''));
  }
  return objects.map((o) => byId.get(o.id) as unknown as StixObject);
}

function corrected(previous: Count | undefined, value: number): Count {
  return { low: value, high: value, qualifier: 'exact', text: previous?.text ?? '' };
}

function laterTimestamp(previous: string): string {
  const now = new Date().toISOString();
  if (now > previous) return now;
  return new Date(Date.parse(previous) + 1).toISOString();
}

function marked(object: StixObject, marking: TlpLevel, sharingGroup: string | undefined, recipients: readonly string[]): StixObject {
  const sharing: Record<string, unknown> = { extension_type: 'property-extension' };
  if (sharingGroup !== undefined) sharing.sharing_group_ref = sharingGroup;
  const orgs = recipients.filter((r) => r.startsWith('identity--'));
  const users = recipients.filter((r) => !r.startsWith('identity--'));
  if (orgs.length > 0) sharing.recipient_org_refs = orgs;
  if (users.length > 0) sharing.recipient_usernames = users;
  const extensions = { ...((object.extensions as Record<string, unknown> | undefined) ?? {}) };
  if (Object.keys(sharing).length > 1) extensions[SHARING_EXTENSION_ID] = sharing;
  return { ...object, object_marking_refs: [tlpMarkingId(marking)], ...(Object.keys(extensions).length > 0 ? { extensions } : {}) };
}

async function heldIds(api: RestApi, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await api.deps.db.selectFrom('objects').select('id').distinct().where('id', 'in', [...new Set(ids)]).execute();
  return new Set(rows.map((r) => r.id));
}
