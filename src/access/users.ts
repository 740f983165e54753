import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { representsPartnerSql } from './partner-accounts.js';
import { hashPassword } from './passwords.js';
import type { Role } from './principal.js';

/** A user belongs to one organisation and has one role (DESIGN.md, security model). */
export interface User {
  readonly id: string;
  readonly orgId: string;
  readonly username: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly createdAt: number;
}

/** The user row with its password hash, for the authenticator only. */
export interface UserCredentials extends User {
  readonly passwordHash: string;
  /** The user's organisation represents a partner instance (partner-accounts.ts). */
  readonly representsPartner: boolean;
}

export interface NewUser {
  readonly orgId: string;
  readonly username: string;
  readonly role: Role;
  readonly password: string;
}

export const ROLES: readonly Role[] = ['reader', 'contributor', 'admin'];

/*
 * Lower-case letters, digits and . _ @ - ; no colon, so HTTP Basic (RFC 7617
 * user-id:password) can always carry it; lower case only, so "Admin" and
 * "admin" cannot be two people.
 */
const USERNAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

export function checkUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new EntenteError(
      'invalid_input',
      `Username "${username}" is not valid: use 1 to 64 lower-case letters, digits, ".", "_", "@" or "-", starting with a letter or digit`,
      { username },
    );
  }
}

export function checkRole(role: string): Role {
  const found = ROLES.find((known) => known === role);
  if (found === undefined) {
    throw new EntenteError('invalid_input', `Role "${role}" is not one of ${ROLES.join(', ')}`, { role });
  }
  return found;
}

export async function createUser(db: Kysely<DatabaseSchema>, input: NewUser, now: number = nowMicros()): Promise<User> {
  checkUsername(input.username);
  const role = checkRole(input.role);
  const org = await db.selectFrom('organizations').select('id').where('id', '=', input.orgId).executeTakeFirst();
  if (org === undefined) throw new EntenteError('not_found', `No organisation with id ${input.orgId}`);
  if ((await findUserByUsername(db, input.username)) !== undefined) {
    throw new EntenteError('conflict', `A user named "${input.username}" already exists`, { username: input.username });
  }
  const passwordHash = await hashPassword(input.password);
  const id = randomUUID();
  try {
    await db
      .insertInto('users')
      .values({ id, org_id: input.orgId, username: input.username, role, password_hash: passwordHash, created_at: now })
      .execute();
  } catch (error) {
    // Another process created it between the check and the insert.
    if (isUniqueViolation(error)) {
      throw new EntenteError('conflict', `A user named "${input.username}" already exists`, { username: input.username });
    }
    throw error;
  }
  return { id, orgId: input.orgId, username: input.username, role, disabled: false, createdAt: now };
}

export async function findUserByUsername(db: Kysely<DatabaseSchema>, username: string): Promise<UserCredentials | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .select(representsPartnerSql('users.org_id').as('represents_partner'))
    .where('username', '=', username)
    .executeTakeFirst();
  return row === undefined ? undefined : toCredentials(row);
}

export async function getUser(db: Kysely<DatabaseSchema>, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toUser(row);
}

/** Resolves a username; throws `not_found` naming it. */
export async function requireUser(db: Kysely<DatabaseSchema>, username: string): Promise<User> {
  const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  if (row === undefined) throw new EntenteError('not_found', `No user named "${username}"`, { username });
  return toUser(row);
}

export async function listUsers(db: Kysely<DatabaseSchema>, orgId?: string): Promise<User[]> {
  let query = db.selectFrom('users').selectAll().orderBy('username');
  if (orgId !== undefined) query = query.where('org_id', '=', orgId);
  return (await query.execute()).map(toUser);
}

export async function setPassword(db: Kysely<DatabaseSchema>, userId: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  const result = await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new EntenteError('not_found', `No user with id ${userId}`);
}

export interface UserRow {
  id: string;
  org_id: string;
  username: string;
  role: Role;
  created_at: number;
  disabled: number;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    orgId: row.org_id,
    username: row.username,
    role: row.role,
    disabled: Number(row.disabled) !== 0,
    createdAt: Number(row.created_at),
  };
}

function toCredentials(row: UserRow & { password_hash: string; represents_partner: number }): UserCredentials {
  return { ...toUser(row), passwordHash: row.password_hash, representsPartner: Number(row.represents_partner) !== 0 };
}
