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
