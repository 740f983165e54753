import type { Kysely } from 'kysely';
import { isEntenteError } from '../errors.js';
import type { Collection, ObjectStore } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import { grantCollection } from './collection-grants.js';
import { createOrganization, findOrganizationByName, randomIdentityId, type Organization } from './organizations.js';
import { generatePassword } from './passwords.js';
import { createToken, hashToken } from './tokens.js';
import { createUser, findUserByUsername, type User } from './users.js';

export const LOCAL_ORGANIZATION = 'local';
export const ADMIN_USERNAME = 'admin';
export const DEFAULT_COLLECTION_TITLE = 'default';

export interface BootstrapInput {
  readonly db: Kysely<DatabaseSchema>;
  readonly store: Pick<ObjectStore, 'createCollection' | 'listCollections'>;
  /** ENTENTE_ADMIN_PASSWORD; used only when `admin` does not exist yet. */
  readonly adminPassword?: string;
  /** ENTENTE_ADMIN_TOKEN; registered for `admin` unless already known. */
  readonly adminToken?: string;
}

export interface BootstrapResult {
  readonly organization: Organization;
  readonly admin: User;
  /** True when this call created `admin`. */
  readonly adminCreated: boolean;
  /** The password generated for `admin`, to be shown once; absent when none was generated. */
  readonly generatedPassword?: string;
  /** The collection created for a fresh instance, when this call created it. */
  readonly defaultCollection?: Collection;
}

/**
 * Prepares an instance on start (issue 2, "Authentication"): the organisation
 * "local", the user `admin` in it (with ENTENTE_ADMIN_PASSWORD, or a generated
 * password returned once), ENTENTE_ADMIN_TOKEN as an API token, and on an
 * instance without collections one read-write collection "default" granted to
 * "local". Safe to run on every start: what exists is left as it is, and the
 * password setting never overwrites an existing admin's password.
 */
export async function bootstrap(input: BootstrapInput): Promise<BootstrapResult> {
  const { db, store } = input;
  const organization = await ensureLocalOrganization(db);

  let generatedPassword: string | undefined;
  let admin: User | undefined = await findUserByUsername(db, ADMIN_USERNAME);
  let adminCreated = false;
  if (admin === undefined) {
    const password = input.adminPassword ?? generatePassword();
    const outcome = await inRace(
      () => createUser(db, { orgId: organization.id, username: ADMIN_USERNAME, role: 'admin', password }),
      () => findUserByUsername(db, ADMIN_USERNAME),
    );
    admin = outcome.value;
    adminCreated = outcome.created;
    if (adminCreated && input.adminPassword === undefined) generatedPassword = password;
  }

  if (input.adminToken !== undefined && !(await tokenKnown(db, input.adminToken))) {
    const { adminToken } = input;
    const userId = admin.id;
    await inRace<unknown>(
      () => createToken(db, { userId, scope: 'read-write', label: 'ENTENTE_ADMIN_TOKEN', secret: adminToken }),
      async () => ((await tokenKnown(db, adminToken)) ? adminToken : undefined),
    );
  }

  let defaultCollection: Collection | undefined;
  if ((await store.listCollections()).length === 0) {
    const created = await inRace(
      () =>
        store.createCollection({
          title: DEFAULT_COLLECTION_TITLE,
          alias: DEFAULT_COLLECTION_TITLE,
          description: 'Created on first start; read and write for the local organisation',
        }),
      async () => (await store.listCollections()).find((c) => c.alias === DEFAULT_COLLECTION_TITLE),
    );
    if (created.created) {
      defaultCollection = created.value;
      await grantCollection(db, { collectionId: created.value.id, orgId: organization.id, canRead: true, canWrite: true });
    }
  }

  return {
    organization,
    admin: { id: admin.id, orgId: admin.orgId, username: admin.username, role: admin.role, disabled: admin.disabled, createdAt: admin.createdAt },
    adminCreated,
    ...(generatedPassword !== undefined ? { generatedPassword } : {}),
    ...(defaultCollection !== undefined ? { defaultCollection } : {}),
  };
}

/** The organisation "local", created when missing: the home of `admin` and of what this instance authors. */
export async function ensureLocalOrganization(db: Kysely<DatabaseSchema>): Promise<Organization> {
  return (
    (await findOrganizationByName(db, LOCAL_ORGANIZATION)) ??
    (
      await inRace(
        // "local" names no real organisation, so its identity id is random rather than derived from the name.
        () => createOrganization(db, { name: LOCAL_ORGANIZATION, identityId: randomIdentityId() }),
        () => findOrganizationByName(db, LOCAL_ORGANIZATION),
      )
    ).value
  );
}

/**
 * Creates something, or, when another process starting at the same time on the
 * same PostgreSQL created it first (`conflict`), takes theirs. `created` says
 * which happened.
 */
async function inRace<T>(create: () => Promise<T>, reread: () => Promise<T | undefined>): Promise<{ value: T; created: boolean }> {
  try {
    return { value: await create(), created: true };
  } catch (error) {
    if (!(isEntenteError(error) && error.code === 'conflict')) throw error;
    const theirs = await reread();
    if (theirs === undefined) throw error;
    return { value: theirs, created: false };
  }
}

/** A token already registered, live or revoked: a revoked admin token is not brought back by a restart. */
async function tokenKnown(db: Kysely<DatabaseSchema>, token: string): Promise<boolean> {
  const row = await db.selectFrom('api_tokens').select('id').where('token_hash', '=', hashToken(token)).executeTakeFirst();
  return row !== undefined;
}
