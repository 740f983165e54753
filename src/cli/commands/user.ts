import { InvalidArgumentError, type Command } from 'commander';
import { appendAudit } from '../../access/audit-log.js';
import { ensureLocalOrganization, LOCAL_ORGANIZATION } from '../../access/bootstrap.js';
import { resolveOrganization } from '../../access/organizations.js';
import { generatePassword } from '../../access/passwords.js';
import { checkRole, createUser, listUsers, ROLES } from '../../access/users.js';
import { EntenteError } from '../../errors.js';
import type { Role } from '../../access/principal.js';
import { ACTOR_FLAGS, ACTOR_HELP, auditedAs, requireAdmin, resolveActor } from '../cli-actor.js';
import { addDbOption, printData, withStore } from '../command-context.js';
import { readStdinText } from '../read-stdin.js';

interface AddFlags {
  db?: string;
  as?: string;
  org?: string;
  role: Role;
  password?: string;
  passwordStdin?: boolean;
  json?: boolean;
}

function parseRole(value: string): Role {
  try {
    return checkRole(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

/** `entente user add|list`: accounts that sign in with HTTP Basic or own API tokens. */
export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('Create and list users');

  addDbOption(
    user
      .command('add')
      .description('Create a user; without a password one is generated and printed once')
      .argument('<username>', 'lower-case letters, digits, ".", "_", "@" or "-"')
      .option('--org <org>', `the user's organisation, by name or id (default: "${LOCAL_ORGANIZATION}")`)
      .option('--role <role>', `one of ${ROLES.join(', ')}`, parseRole, 'reader')
      .option('--password <password>', 'the password (at least 12 characters; visible to other local users, prefer --password-stdin)')
      .option('--password-stdin', 'read the password from stdin')
      .option(ACTOR_FLAGS, ACTOR_HELP)
      .option('--json', 'print the new user as JSON'),
  ).action(async (username: string, flags: AddFlags) => {
    if (flags.password !== undefined && flags.passwordStdin === true) {
      throw new EntenteError('invalid_input', 'Give either --password or --password-stdin, not both');
    }
    const given = flags.passwordStdin === true ? (await readStdinText()).replace(/\r?\n$/, '') : flags.password;
    const password = given ?? generatePassword();
    await withStore(flags, async ({ db }) => {
      const actor = await resolveActor(db, flags.as);
      requireAdmin(actor, 'add users');
      const org = flags.org !== undefined ? await resolveOrganization(db, flags.org) : await ensureLocalOrganization(db);
      const created = await createUser(db, { orgId: org.id, username, role: flags.role, password });
      await appendAudit(db, { action: 'user.add', target: created.id, ...auditedAs(actor, 'user add'), details: { username, org: org.id, role: created.role } });
      const generated = given === undefined ? { password } : {};
      printData(
        flags.json === true,
        { id: created.id, username: created.username, org: org.name, orgId: org.id, role: created.role, ...generated },
        () =>
          [
            `Created user ${created.username} (${created.role}) in organisation ${org.name}: ${created.id}`,
            ...(given === undefined ? [`Password (shown once): ${password}`] : []),
          ].join('\n'),
      );
    });
  });

  addDbOption(
    user
      .command('list')
      .description('List users')
      .option('--org <org>', 'only this organisation (name or id)')
      .option('--json', 'print a JSON array'),
  ).action(async (flags: { db?: string; org?: string; json?: boolean }) => {
    await withStore(flags, async ({ db }) => {
      const org = flags.org !== undefined ? await resolveOrganization(db, flags.org) : undefined;
      const users = await listUsers(db, org?.id);
      printData(
        flags.json === true,
        users.map((u) => ({ id: u.id, username: u.username, orgId: u.orgId, role: u.role, disabled: u.disabled })),
        () => (users.length === 0 ? 'No users.' : users.map((u) => [u.username, u.role, u.orgId, u.id].join('\t')).join('\n')),
      );
    });
  });
}
