import type { Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import type { DatabaseSchema } from '../store/schema.js';
import type { Role } from './principal.js';
import { deleteSessionsOfUser } from './sessions.js';
import { checkRole, getUser, setPassword, type User } from './users.js';

export interface UserChange {
  readonly role?: Role;
  readonly disabled?: boolean;
  readonly password?: string;
}

/**
 * Changes a user's role, disabled flag or password. Any change ends the
 * user's sign-in sessions, so a demoted or disabled user, or whoever had the
 * old password, is signed out at once; API tokens stop working while the user
 * is disabled (tokens.ts checks the user on every use).
 */
export async function updateUser(db: Kysely<DatabaseSchema>, userId: string, change: UserChange): Promise<User> {
  const existing = await getUser(db, userId);
  if (existing === undefined) throw new EntenteError('not_found', `No user with id ${userId}`);
  // The password first: its policy check is the one change that can still be refused.
  if (change.password !== undefined) await setPassword(db, userId, change.password);
  const set = {
    ...(change.role !== undefined ? { role: checkRole(change.role) } : {}),
    ...(change.disabled !== undefined ? { disabled: change.disabled ? 1 : 0 } : {}),
  };
  if (Object.keys(set).length > 0) await db.updateTable('users').set(set).where('id', '=', userId).execute();
  await deleteSessionsOfUser(db, userId);
  const updated = await getUser(db, userId);
  if (updated === undefined) throw new EntenteError('not_found', `No user with id ${userId}`);
  return updated;
}
