import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import { deterministicId, isIdOfType } from '../stix/identifier.js';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { isUniqueViolation } from '../store/unique-violation.js';

/**
 * Organisations: every user belongs to one, collections grant access to them,
 * and (issue 4) markings and sharing groups are decided per organisation. Each
 * is a STIX `identity` of class organization (`identityId`), the `created_by_ref`
 * of what it publishes.
 */
export interface Organization {
  readonly id: string;
  readonly name: string;
  readonly identityId: string;
  readonly defaultTlp: string;
  readonly createdAt: number;
}

export interface NewOrganization {
  readonly name: string;
  /**
   * The STIX identity id. Default: the deterministic identity id of the name
   * (STIX 2.1 §2.9, as OpenCTI), so the same agency gets the same id on every
   * instance. A name that is not globally meaningful ("local") should be given
   * a random id instead, or two instances would merge their "local"s.
   */
  readonly identityId?: string;
}

const MAX_NAME_LENGTH = 200;

export function checkOrganizationName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > MAX_NAME_LENGTH || /\p{Cc}/u.test(trimmed)) {
    throw new EntenteError(
      'invalid_input',
      `An organisation name needs 1 to ${MAX_NAME_LENGTH} characters and no control characters`,
      { name },
    );
  }
  return trimmed;
}

export async function createOrganization(
  db: Kysely<DatabaseSchema>,
  input: NewOrganization,
  now: number = nowMicros(),
): Promise<Organization> {
  const name = checkOrganizationName(input.name);
  const identityId = input.identityId ?? deterministicId('identity', { name, identity_class: 'organization' });
  if (!isIdOfType(identityId, ['identity'])) {
    throw new EntenteError('invalid_input', `"${identityId}" is not a STIX identity id`, { identityId });
  }
  if ((await findOrganizationByName(db, name)) !== undefined) {
    throw new EntenteError('conflict', `An organisation named "${name}" already exists`, { name });
  }
  try {
    await db.insertInto('organizations').values({ id: randomUUID(), name, identity_id: identityId, created_at: now }).execute();
  } catch (error) {
    // Another process created it between the check and the insert.
    if (isUniqueViolation(error)) throw new EntenteError('conflict', `An organisation named "${name}" already exists`, { name });
    throw error;
  }
  const created = await findOrganizationByName(db, name);
  if (created === undefined) throw new EntenteError('unavailable', `Organisation "${name}" was not stored`);
  return created;
}

export async function getOrganization(db: Kysely<DatabaseSchema>, id: string): Promise<Organization | undefined> {
  const row = await db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toOrganization(row);
}

export async function findOrganizationByName(db: Kysely<DatabaseSchema>, name: string): Promise<Organization | undefined> {
  const row = await db.selectFrom('organizations').selectAll().where('name', '=', name.trim()).executeTakeFirst();
  return row === undefined ? undefined : toOrganization(row);
}

/** Resolves what a person typed (a name or an id); throws `not_found` naming it. */
export async function resolveOrganization(db: Kysely<DatabaseSchema>, nameOrId: string): Promise<Organization> {
  const found = (await findOrganizationByName(db, nameOrId)) ?? (await getOrganization(db, nameOrId));
  if (found === undefined) throw new EntenteError('not_found', `No organisation named or with id "${nameOrId}"`);
  return found;
}

export async function listOrganizations(db: Kysely<DatabaseSchema>): Promise<Organization[]> {
  const rows = await db.selectFrom('organizations').selectAll().orderBy('name').execute();
  return rows.map(toOrganization);
}

function toOrganization(row: { id: string; name: string; identity_id: string; default_tlp: string; created_at: number }): Organization {
  return {
    id: row.id,
    name: row.name,
    identityId: row.identity_id,
    defaultTlp: row.default_tlp,
    createdAt: Number(row.created_at),
  };
}

export function randomIdentityId(): string {
  return `identity--${randomUUID()}`;
}
