import { Command, CommanderError } from 'commander';
import { isEntenteError } from '../errors.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerCollectionCommands } from './commands/collection.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerEntityCommands } from './commands/entity.js';
import { registerExportCommand } from './commands/export.js';
import { registerGroupCommands } from './commands/group.js';
import { registerImportCommand } from './commands/import.js';
import { registerIngestCommand } from './commands/ingest.js';
import { registerOrgCommands } from './commands/org.js';
import { registerPartnerCommands } from './commands/partner.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSourceCommands } from './commands/source.js';
import { registerSyncCommand } from './commands/sync.js';
import { registerTokenCommands } from './commands/token.js';
import { registerUserCommands } from './commands/user.js';

/** Exit code for a failure the user can fix (bad input, missing thing, refused access). */
export const EXIT_FAILURE = 1;

/** The whole `entente` command tree, before parsing: `main` runs it, tests walk it. */
export function buildProgram(): Command {
  const program = new Command('entente')
    .description('Counter-terrorism intelligence exchange: STIX 2.1 over TAXII 2.1')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerServeCommand(program);
  registerCollectionCommands(program);
  registerOrgCommands(program);
  registerUserCommands(program);
  registerTokenCommands(program);
  registerImportCommand(program);
  registerExportCommand(program);
  registerIngestCommand(program);
  registerPartnerCommands(program);
  registerSyncCommand(program);
  registerGroupCommands(program);
  registerAuditCommands(program);
  registerEntityCommands(program);
  registerSourceCommands(program);
  registerDemoCommand(program);
  // Every sub-command reports usage errors through the same path as the root.
  for (const command of program.commands) applyExitOverride(command);
  return program;
}

function applyExitOverride(command: Command): void {
  command.exitOverride();
  for (const child of command.commands) applyExitOverride(child);
}

/**
 * Runs the `entente` command with `argv` as node gives it (`[node, script,
 * ...args]`) and resolves to the process exit code. Errors go to stderr with
 * a message naming the problem; nothing here calls `process.exit`, so open
 * databases are closed by the commands themselves.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`entente: ${describeFailure(error)}\n`);
    return EXIT_FAILURE;
  }
}

/**
 * Domain errors and system errors (a file that cannot be opened, a port in
 * use: they carry a `code`) are told by their message alone; anything else is
 * a bug, shown with its stack so it can be reported.
 */
function describeFailure(error: unknown): string {
  if (isEntenteError(error)) return error.message;
  if (error instanceof Error) return 'code' in error ? error.message : (error.stack ?? error.message);
  return String(error);
}
