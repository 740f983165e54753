import type { Kysely } from 'kysely';
import { EntenteError, isEntenteError } from '../errors.js';
import type { DatabaseSchema } from '../store/schema.js';
import { TAXII_MEDIA_TYPE, TaxiiClient, type TransportOptions } from '../taxii/client/index.js';
import { partnerCredentials, type Partner } from './partners.js';
import { findRemoteCollection, partnerApiRoot } from './remote.js';
import { toAuth } from './sync.js';

export interface CheckResult {
  /** What was checked, e.g. "reachability", "API root", "pull shared → inbox". */
  readonly check: string;
  readonly ok: boolean;
  /** What was found, or precisely what fails. */
  readonly detail: string;
}

/**
 * `entente partner test`: checks, in order, that the credentials open, the
 * discovery URL answers (TAXII 2.1 §4.1), the credentials are accepted, the API
 * root serves TAXII 2.1 (§4.2), and each rule's remote collection exists with
 * the access the rule needs (§5.2: can_read to pull — proven by reading one
 * object — can_write to push). Stops at the first failure that makes the later
 * checks meaningless; never throws for what the partner answers.
 */
export async function checkPartner(
  db: Kysely<DatabaseSchema>,
  secretKey: string | undefined,
  partner: Partner,
  transport: Omit<TransportOptions, 'auth'> = { retry: { maxAttempts: 2 }, timeoutMs: 10_000 },
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let client: TaxiiClient | undefined;
  try {
    const credentials = await partnerCredentials(db, secretKey, partner);
    results.push({ check: 'credentials', ok: true, detail: `${credentials.kind === 'basic' ? `Basic, user ${credentials.username}` : 'bearer token'}, decrypted` });
    client = new TaxiiClient({ ...transport, auth: toAuth(credentials) });

    let apiRootUrl: string;
    try {
      apiRootUrl = await partnerApiRoot(client, partner.discoveryUrl);
      results.push({ check: 'reachability', ok: true, detail: `${partner.discoveryUrl} answered` }, { check: 'authentication', ok: true, detail: 'credentials accepted' });
    } catch (error) {
      results.push(...discoveryFailure(partner, error));
      return results;
    }

    try {
      const root = await client.getApiRoot(apiRootUrl);
      const speaks = Array.isArray(root.versions) && root.versions.some((v) => v.startsWith(TAXII_MEDIA_TYPE));
      results.push({
        check: 'API root',
        ok: speaks,
        detail: speaks ? `${apiRootUrl} ("${root.title}")` : `${apiRootUrl} does not list ${TAXII_MEDIA_TYPE} among its versions (${(root.versions ?? []).join(', ')})`,
      });
      if (!speaks) return results;
    } catch (error) {
      results.push({ check: 'API root', ok: false, detail: messageOf(error) });
      return results;
    }

    for (const rule of partner.rules) {
      const check = rule.direction === 'pull' ? `pull ${rule.remoteCollection} → ${rule.localCollection}` : `push ${rule.localCollection} → ${rule.remoteCollection}`;
      try {
        const collection = await findRemoteCollection(client, apiRootUrl, rule.remoteCollection);
        if (rule.direction === 'pull') {
          if (!collection.can_read) throw new EntenteError('forbidden', `collection ${collection.id} says can_read: false for these credentials`);
          await client.getObjects(apiRootUrl, collection.id, { limit: 1 });
          results.push({ check, ok: true, detail: `collection ${collection.id} ("${collection.title}") readable` });
        } else {
          if (!collection.can_write) throw new EntenteError('forbidden', `collection ${collection.id} says can_write: false for these credentials`);
          results.push({ check, ok: true, detail: `collection ${collection.id} ("${collection.title}") writable` });
        }
      } catch (error) {
        results.push({ check, ok: false, detail: messageOf(error) });
      }
    }
    return results;
  } catch (error) {
    results.push({ check: 'credentials', ok: false, detail: messageOf(error) });
    return results;
  } finally {
    await client?.close();
  }
}

/** Tells "cannot reach" from "reached, but the credentials were refused" from anything else. */
function discoveryFailure(partner: Partner, error: unknown): CheckResult[] {
  const details = isEntenteError(error) ? error.details : undefined;
  const status = typeof details?.status === 'number' ? details.status : undefined;
  // The transport puts the network error in `cause`; an answer it could not use carries no cause.
  if (status === undefined && details?.cause !== undefined) {
    return [{ check: 'reachability', ok: false, detail: `cannot reach ${partner.discoveryUrl}: ${messageOf(error)}` }];
  }
  const reached: CheckResult = { check: 'reachability', ok: true, detail: `${partner.discoveryUrl} answered${status === undefined ? '' : ` ${status}`}` };
  if (status === 401) return [reached, { check: 'authentication', ok: false, detail: `the partner refused these credentials (401): ${messageOf(error)}` }];
  if (status === 403) return [reached, { check: 'authentication', ok: false, detail: `these credentials may not read the discovery document (403): ${messageOf(error)}` }];
  if (status === 404) return [reached, { check: 'discovery', ok: false, detail: `no TAXII discovery document at ${partner.discoveryUrl} (404): check the URL (it usually ends with /taxii2/)` }];
  return [reached, { check: 'discovery', ok: false, detail: messageOf(error) }];
}

function messageOf(error: unknown): string {
  if (isEntenteError(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}
