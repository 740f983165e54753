import type { Command } from 'commander';
import { appendAudit } from '../../access/audit-log.js';
import { createToken, listTokens, revokeToken } from '../../access/tokens.js';
import { requireUser } from '../../access/users.js';
import { microsToTimestamp } from '../../store/timestamps.js';
import { ACTOR_FLAGS, ACTOR_HELP, auditedAs, requireAdmin, resolveActor } from '../cli-actor.js';
import { addDbOption, printData, withStore } from '../command-context.js';
import { parseDateOption } from '../date-option.js';

interface CreateFlags {
  db?: string;
  as?: string;
  readOnly?: boolean;
  expires?: number;
  label?: string;
  json?: boolean;
}

function shownTime(micros: number | null): string {
  return micros === null ? '-' : microsToTimestamp(micros);
}

/** `entente token create|list|revoke`: API tokens for `Authorization: Bearer`. */
export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('Create, list and revoke API tokens');

  addDbOption(
    token
      .command('create')
      .description('Create an API token for a user and print it once (only its hash is kept)')
      .argument('<username>', 'the owner')
      .option('--read-only', 'the token may read but never write')
      .option('--expires <date>', 'expiry, e.g. 2027-01-31 or 2027-01-31T12:00:00Z', parseDateOption)
      .option('--label <text>', 'a note saying what the token is for')
      .option(ACTOR_FLAGS, ACTOR_HELP)
      .option('--json', 'print {"id", "token", …} as JSON'),
  ).action(async (username: string, flags: CreateFlags) => {
    await withStore(flags, async ({ db }) => {
      const actor = await resolveActor(db, flags.as);
      const owner = await requireUser(db, username);
      if (owner.id !== actor.userId) requireAdmin(actor, "create another user's tokens");
      const { token: secret, record } = await createToken(db, {
        userId: owner.id,
        scope: flags.readOnly === true ? 'read' : 'read-write',
        ...(flags.expires !== undefined ? { expiresAt: flags.expires } : {}),
        ...(flags.label !== undefined ? { label: flags.label } : {}),
      });
      // The token's id and scope only: never the secret.
      await appendAudit(db, {
        action: 'token.create',
        target: record.id,
        ...auditedAs(actor, 'token create'),
        details: { user: owner.id, scope: record.scope, expiresAt: record.expiresAt },
      });
      printData(
        flags.json === true,
        {
          id: record.id,
          token: secret,
          username: owner.username,
          scope: record.scope,
          expires: record.expiresAt === null ? null : microsToTimestamp(record.expiresAt),
        },
        () => `${secret}\n(token ${record.id} for ${owner.username}, ${record.scope}; shown once, store it now)`,
      );
    });
  });

  addDbOption(
    token.command('list').description("List a user's tokens (never the secrets)").argument('<username>').option('--json', 'print a JSON array'),
  ).action(async (username: string, flags: { db?: string; json?: boolean }) => {
    await withStore(flags, async ({ db }) => {
      const owner = await requireUser(db, username);
      const tokens = await listTokens(db, owner.id);
      printData(
        flags.json === true,
        tokens.map((t) => ({
          id: t.id,
          prefix: t.prefix,
          scope: t.scope,
          label: t.label,
          created: shownTime(t.createdAt),
          expires: t.expiresAt === null ? null : shownTime(t.expiresAt),
          revoked: t.revokedAt === null ? null : shownTime(t.revokedAt),
          lastUsed: t.lastUsedAt === null ? null : shownTime(t.lastUsedAt),
        })),
        () =>
          tokens.length === 0
            ? 'No tokens.'
            : tokens
                .map((t) => [t.id, `${t.prefix}…`, t.scope, `expires ${shownTime(t.expiresAt)}`, t.revokedAt === null ? 'live' : 'revoked'].join('\t'))
                .join('\n'),
      );
    });
  });

  addDbOption(token.command('revoke').description('Revoke a token by its id').argument('<id>').option(ACTOR_FLAGS, ACTOR_HELP)).action(
    async (id: string, flags: { db?: string; as?: string }) => {
      await withStore(flags, async ({ db }) => {
        const actor = await resolveActor(db, flags.as);
        if (actor.role !== 'admin' && !(actor.userId !== null && (await listTokens(db, actor.userId)).some((t) => t.id === id))) {
          requireAdmin(actor, "revoke another user's tokens");
        }
        await revokeToken(db, id);
        await appendAudit(db, { action: 'token.revoke', target: id, ...auditedAs(actor, 'token revoke') });
        process.stdout.write(`Revoked token ${id}\n`);
      });
    },
  );
}
