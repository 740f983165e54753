import type { Command } from 'commander';
import { queryAudit, verifyAuditChain, type AuditQuery } from '../../access/audit-log.js';
import { resolveOrganization } from '../../access/organizations.js';
import { findUserByUsername } from '../../access/users.js';
import { EntenteError } from '../../errors.js';
import { microsToTimestamp } from '../../store/timestamps.js';
import { addDbOption, printData, withStore } from '../command-context.js';
import { countOption } from '../count-option.js';
import { parseDateOption } from '../date-option.js';

interface QueryFlags {
  db?: string;
  user?: string;
  org?: string;
  object?: string;
  since?: number;
  limit?: number;
  json?: boolean;
}

/** Exit code of `entente audit verify` when the chain is broken. */
export const EXIT_CHAIN_BROKEN = 3;

/** `entente audit [--user] [--org] [--object] [--since]` and `entente audit verify` (issue 4 "Audit"). */
export function registerAuditCommands(program: Command): void {
  const audit = addDbOption(
    program
      .command('audit')
      .description('Show audit log entries (oldest first); `audit verify` checks the hash chain')
      .option('--user <username>', 'entries by this user')
      .option('--org <org>', 'entries by this organisation (name or id)')
      .option('--object <id>', 'entries about this STIX object')
      .option('--since <date>', 'entries at or after this date, e.g. 2026-11-01 or 2026-11-01T12:00:00Z', parseDateOption)
      .option('--limit <n>', 'at most this many entries (default 1000)', countOption(Number.MAX_SAFE_INTEGER))
      .option('--json', 'print a JSON array'),
  ).action(async (flags: QueryFlags) => {
    await withStore(flags, async ({ db }) => {
      const query: AuditQuery = {
        ...(flags.user !== undefined ? { user: await userId(db, flags.user) } : {}),
        ...(flags.org !== undefined ? { org: (await resolveOrganization(db, flags.org)).id } : {}),
        ...(flags.object !== undefined ? { object: flags.object } : {}),
        ...(flags.since !== undefined ? { since: flags.since } : {}),
        ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
      };
      const entries = await queryAudit(db, query);
      printData(flags.json === true, entries, () =>
        entries.length === 0
          ? 'No audit entries match.'
          : entries
              .map((e) =>
                [e.seq, microsToTimestamp(e.at), e.action, e.actorOrg ?? '-', e.actorUser ?? '-', e.target ?? '-', e.address ?? '-', e.path ?? '-', JSON.stringify(e.details)].join('\t'),
              )
              .join('\n'),
      );
    });
  });

  addDbOption(
    audit.command('verify').description(`Check the audit hash chain; exit code ${EXIT_CHAIN_BROKEN} names the first broken entry`).option('--json', 'print the report as JSON'),
  ).action(async (_flags: unknown, command: Command) => {
    // `--db` may be read by the parent `audit` command, wherever it is written.
    const flags = command.optsWithGlobals<{ db?: string; json?: boolean }>();
    await withStore(flags, async ({ db }) => {
      const report = await verifyAuditChain(db);
      printData(flags.json === true, report, () =>
        report.ok
          ? `Audit chain intact: ${report.entries} entries, head ${report.head}`
          : `Audit chain BROKEN at entry ${report.seq}: ${report.problem} (${report.entries} entries before it verified)`,
      );
      if (!report.ok) process.exitCode = EXIT_CHAIN_BROKEN;
    });
  });
}

async function userId(db: Parameters<typeof findUserByUsername>[0], username: string): Promise<string> {
  const user = await findUserByUsername(db, username);
  if (user === undefined) throw new EntenteError('not_found', `No user named "${username}"`);
  return user.id;
}
