import type { StixObject } from '../stix/stix-object.js';

/**
 * The `entente-sharing` property extension: how a TAXII Add Objects request
 * (or an import) says where an object goes, since a TAXII envelope carries
 * nothing but objects. On any object:
 *
 *   "extensions": { "extension-definition--0b070a9d-4be9-4438-93c0-46e85bf09204": {
 *       "extension_type": "property-extension",
 *       "sharing_group_ref": "<sharing group id>",            // TLP:AMBER audience
 *       "recipient_org_refs": ["identity--…"],               // TLP:RED: organisations (STIX identity ids)
 *       "recipient_usernames": ["alice"] } }                 // TLP:RED: users of this instance
 *
 * Every property is optional. The object's JSON is stored as sent; the
 * platform records the resolved group and recipients beside it, and only
 * those records decide who sees it.
 */
export const SHARING_EXTENSION_ID = 'extension-definition--0b070a9d-4be9-4438-93c0-46e85bf09204';

export interface SharingRequest {
  readonly sharingGroup: string | null;
  readonly recipientOrgRefs: readonly string[];
  readonly recipientUsernames: readonly string[];
}

const NONE: SharingRequest = Object.freeze({ sharingGroup: null, recipientOrgRefs: [], recipientUsernames: [] });
const KNOWN = new Set(['extension_type', 'sharing_group_ref', 'recipient_org_refs', 'recipient_usernames']);
const MAX_RECIPIENTS = 1000;

/** The sharing an object asks for, or a sentence saying what is wrong with its extension. */
export function readSharingRequest(object: StixObject): SharingRequest | { readonly problem: string } {
  const extensions = object.extensions;
  if (typeof extensions !== 'object' || extensions === null) return NONE;
  const payload = (extensions as Record<string, unknown>)[SHARING_EXTENSION_ID];
  if (payload === undefined) return NONE;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { problem: 'the entente-sharing extension must be an object' };
  }
  const fields = payload as Record<string, unknown>;
  if (fields.extension_type !== 'property-extension') {
    return { problem: 'the entente-sharing extension needs "extension_type": "property-extension"' };
  }
  const unknown = Object.keys(fields).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) return { problem: `the entente-sharing extension has no property ${unknown.join(', ')}` };
  const group = fields.sharing_group_ref;
  if (group !== undefined && (typeof group !== 'string' || group === '')) {
    return { problem: 'sharing_group_ref must be a sharing group id' };
  }
  const orgRefs = stringList(fields.recipient_org_refs);
  if (orgRefs === undefined || orgRefs.some((ref) => !ref.startsWith('identity--'))) {
    return { problem: `recipient_org_refs must be a list of at most ${MAX_RECIPIENTS} organisation identity ids (identity--…)` };
  }
  const usernames = stringList(fields.recipient_usernames);
  if (usernames === undefined) return { problem: `recipient_usernames must be a list of at most ${MAX_RECIPIENTS} usernames` };
  return { sharingGroup: group ?? null, recipientOrgRefs: orgRefs, recipientUsernames: usernames };
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_RECIPIENTS) return undefined;
  return value.every((item): item is string => typeof item === 'string' && item !== '') ? [...new Set(value)] : undefined;
}
