import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { RequestOrigin } from '../access/access-audit.js';
import type { AuditEvent } from '../access/audit-log.js';
import { ensureLocalOrganization } from '../access/bootstrap.js';
import type { GroupActor } from '../access/sharing-groups.js';
import { requireUser } from '../access/users.js';
import { EntenteError } from '../errors.js';
import type { DatabaseSchema } from '../store/schema.js';

/**
 * Who a command acts as, recorded on every audit entry it writes (issue 4:
 * who and which organisation). The command line works on the database
 * directly, so by default it is the instance operator: no user, the
 * organisation "local" (the instance's own, README "Sharing"), an admin's
 * rights. `--as USERNAME` names the person at the keyboard instead: the entry
 * records that user and organisation, and the command is held to that user's
 * rights (instance administration needs an admin; sharing group rules are
 * checked for the user's organisation).
 */
export interface CliActor extends GroupActor {
  /** Null for the instance operator. */
  readonly username: string | null;
}

export const ACTOR_FLAGS = '--as <username>';
export const ACTOR_HELP =
  'act as this user: recorded in the audit log with their organisation, and held to their rights (default: the instance operator, organisation "local")';

export function addActorOption(command: Command): Command {
  return command.option(ACTOR_FLAGS, ACTOR_HELP);
}

export async function resolveActor(db: Kysely<DatabaseSchema>, as: string | undefined): Promise<CliActor> {
  if (as === undefined) {
    const local = await ensureLocalOrganization(db);
    return { userId: null, username: null, orgId: local.id, role: 'admin' };
  }
  const user = await requireUser(db, as);
  if (user.disabled) throw new EntenteError('forbidden', `User "${as}" is disabled and cannot act; give another --as`);
  return { userId: user.id, username: user.username, orgId: user.orgId, role: user.role };
}

/** Refuses instance administration to an actor that is not an admin. */
export function requireAdmin(actor: CliActor, what: string): void {
  if (actor.role !== 'admin') {
    throw new EntenteError('forbidden', `Only an admin may ${what}; "${actor.username ?? 'operator'}" is a ${actor.role}. Run it without --as, or --as an admin`);
  }
}

/** Where a command's entry comes from: no network address, the command's name. */
export function cliOrigin(command: string): RequestOrigin {
  return { address: null, path: `cli ${command}` };
}

/** The actor and origin fields of a command's audit entry. */
export function auditedAs(actor: CliActor, command: string): Pick<AuditEvent, 'actorUser' | 'actorOrg' | 'address' | 'path'> {
  return { actorUser: actor.userId, actorOrg: actor.orgId, ...cliOrigin(command) };
}
