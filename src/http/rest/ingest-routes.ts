import { z } from 'zod';
import { publishObjects } from '../../access/publication.js';
import { SHARING_EXTENSION_ID } from '../../access/sharing-extension.js';
import { EntenteError } from '../../errors.js';
import { ingestText } from '../../ingest/index.js';
import { ENTENTE_IDENTITY } from '../../stix/extensions.js';
import type { StixObject } from '../../stix/stix-object.js';
import { tlpMarkingId, type TlpLevel } from '../../stix/tlp.js';
import { formatIssue, validateObject } from '../../stix/validate.js';
import { CODEBOOK, Correction, ENTITY_TYPES, applyCorrections } from './ingest-corrections.js';
import { bundleIncidents } from './intel-bundle-incidents.js';
import { reportView } from './intel-report-view.js';
import type { RestApi } from './rest-api.js';

/**
 * REST.md "Intelligence" ingest: `POST /ingest/preview` runs the extraction
 * (src/ingest) on pasted text and answers the bundle, the report with its
 * highlighted spans and the incidents found, storing nothing;
 * `POST /ingest/publish` applies the analyst's corrections (ingest-corrections.ts), marking, sharing
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
    return {
      report: reportView(report, result.bundle.objects),
      bundle: result.bundle,
      incidents: bundleIncidents(result.bundle.objects, result.text),
      // The only values the console offers for the coded fields and an entity's kind.
      choices: { ...CODEBOOK, entityTypes: ENTITY_TYPES },
    };
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
    const corrections = applyCorrections(body.bundle.objects as StixObject[], body.corrections ?? [], principal.username);
    const corrected = corrections.record === undefined ? corrections.objects : [...corrections.objects, corrections.record];
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
