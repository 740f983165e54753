import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The checkout root, where `src/cli/main.ts` lives. */
export const ROOT = resolve(import.meta.dirname, '..');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

// Runs `main` from the sources through tsx, exactly as bin/entente.js runs the built one.
const ENTRY = `import('${join(ROOT, 'src/cli/main.ts')}').then((m) => m.main(['node', 'entente', ...process.argv.slice(1)])).then((code) => { process.exitCode = code; })`;

/** Environment without any ENTENTE_* variable of the developer's shell. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Where the shared folder is stays: it is the machine's layout, not a setting under test.
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('ENTENTE_') || name === 'ENTENTE_SHARED_DIR') env[name] = value;
  return { ...env, ENTENTE_LOG_LEVEL: 'warn', ...extra };
}

export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv()): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', '--eval', ENTRY, '--', ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs the real `entente` command to completion. */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  const child = spawnCli(args, options.env ?? cleanEnv());
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin?.end(options.input ?? '');
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** A temporary folder removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'entente-cli-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What an import left in the database, read the same way on either backend. */
export interface StoredImport {
  readonly objects: number;
  readonly distinctIds: number;
  readonly claims: number;
  /** `id@version` of every version the audit entries say were added, in order. */
  readonly audited: string[];
}

/** Runs one SQL query on the test's database (SQLite or PostgreSQL) and answers its rows. */
export type RowQuery = <R extends object>(text: string) => Promise<R[]>;

// PostgreSQL answers count(*) as a bigint string, SQLite as a number: Number() reads both.
async function countRows(query: RowQuery, text: string): Promise<number> {
  return Number((await query<{ n: number | string }>(text))[0]?.n ?? 0);
}

/** Counts what an import stored, through the backend's `query`; the SQL is the same on both. */
export async function storedImport(query: RowQuery): Promise<StoredImport> {
  const count = (text: string) => countRows(query, text);
  const details = await query<{ details: string }>(`select details from audit_log where action = 'objects.add' order by seq`);
  return {
    objects: await count('select count(*) as n from objects'),
    distinctIds: await count('select count(distinct id) as n from objects'),
    claims: await count('select count(*) as n from object_publishers'),
    audited: details.flatMap((row) => (JSON.parse(row.details) as { added: string[] }).added),
  };
}

/**
 * Starts `entente import FILE --batch-size BATCH --json --db DB`, waits until
 * `query` (on the same database) sees its first committed batch, then kills
 * it as a crash would (SIGKILL: no cleanup runs). Throws when the import ends first, since
 * then there was no crash to test.
 */
export async function killAfterFirstCommit(
  options: { file: string; db: string; batch: number },
  query: RowQuery,
): Promise<void> {
  const child = spawnCli(['import', options.file, '--batch-size', String(options.batch), '--json', '--db', options.db]);
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (gone) throw new Error('the import finished before it could be killed');
    if ((await countRows(query, 'select count(*) as n from objects')) > 0) break;
  }
  child.kill('SIGKILL');
  await exited;
}
