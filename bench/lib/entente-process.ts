import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

/** The repository root and the built command, as `npx entente` runs it. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${REPO}bin/entente.js`;

export const BENCH_PASSWORD = 'bench-admin-password-0001';
export const BENCH_TOKEN = 'bench-token-0123456789abcdef0123456789abcdef';

export function requireBuild(): void {
  if (!existsSync(`${REPO}dist/cli/main.js`)) {
    throw new Error('dist/ is missing: run `npm run build` first (the benchmarks drive the built `entente` command).');
  }
}

/** Environment for every `entente` child: the bench admin, quiet logs. */
function benchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ENTENTE_ADMIN_PASSWORD: BENCH_PASSWORD,
    ENTENTE_ADMIN_TOKEN: BENCH_TOKEN,
    ENTENTE_LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** Runs `entente <args>` to completion; throws with its stderr when it fails. */
export function runEntente(args: readonly string[], extraEnv: Record<string, string> = {}): string {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: benchEnv(extraEnv),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0) {
    throw new Error(`entente ${args.join(' ')} exited ${result.status}: ${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

/** Samples a process's resident set size from /proc (Linux) every `intervalMs`. */
export class RssSampler {
  readonly samples: { t: number; rssMiB: number }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pid: number) {}

  start(intervalMs = 100): void {
    const t0 = performance.now();
    this.timer = setInterval(() => {
      const rss = rssMiB(this.pid);
      if (rss !== undefined) this.samples.push({ t: performance.now() - t0, rssMiB: rss });
    }, intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  peak(): number {
    return Math.max(0, ...this.samples.map((s) => s.rssMiB));
  }
}

/**
 * CPU seconds (user + system) a live process has used, from /proc/<pid>/stat
 * (clock ticks of 1/100 s on Linux). On a shared machine CPU time, unlike wall
 * time, does not grow with other people's load.
 */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

export function rssMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** A server child process listening on loopback. */
export interface RunningServer {
  readonly baseUrl: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts `child`, then waits until `probeUrl` answers any HTTP status. */
export async function waitForHttp(child: ChildProcess, probeUrl: string, timeoutMs = 30_000): Promise<void> {
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${output}`);
    try {
      const res = await request(probeUrl);
      await res.body.dump();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`server did not answer ${probeUrl} within ${timeoutMs} ms: ${output}`);
}

export async function stopChild(child: ChildProcess): Promise<void> {
  // A child killed by a signal has a signalCode and no exitCode; its 'exit' has already fired.
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Waits until a started server has finished its own background work: on a
 * freshly imported collection `entente serve` first correlates every incident
 * (correlate/correlation-follower.ts), which would otherwise be measured as
 * the cost of serving pages. Idle means under `maxCoreShare` of one core (2%
 * unless given) for two seconds running (its follower still polls every 200
 * ms). Returns the CPU seconds and wall seconds that background work took,
 * for the report.
 */
export async function waitUntilIdle(
  pid: number,
  timeoutMs = 30 * 60_000,
  maxCoreShare = 0.02,
): Promise<{ cpuSeconds: number; seconds: number }> {
  const start = performance.now();
  const cpuAtStart = cpuSeconds(pid) ?? 0;
  let quiet = 0;
  let last = cpuAtStart;
  while (quiet < 2) {
    if (performance.now() - start > timeoutMs) throw new Error(`server ${pid} stayed busy for ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1_000));
    const now = cpuSeconds(pid) ?? last;
    quiet = now - last < maxCoreShare ? quiet + 1 : 0;
    last = now;
  }
  return { cpuSeconds: last - cpuAtStart, seconds: (performance.now() - start) / 1000 };
}

/** The share of one core under which a benchmarked server counts as settled (bench/taxii-paging.ts waits the same). */
export const SETTLED_CORE_SHARE = 0.1;

/** `entente serve --db <db> --port <port>` as a child process. */
export async function startEntente(db: string, port: number): Promise<RunningServer> {
  const child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', String(port), '--host', '127.0.0.1'], {
    cwd: REPO,
    env: benchEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${baseUrl}/taxii2/`);
  return { baseUrl, pid: child.pid ?? 0, stop: () => stopChild(child) };
}

/** Where the API root serves a collection's objects (TAXII 2.1 §5.3). */
export function collectionObjectsUrl(baseUrl: string, collectionId: string): string {
  return `${baseUrl}/api/v21/collections/${collectionId}/objects/`;
}

/** A TAXII 2.1 Accept and the bench admin's Bearer token. */
export function benchHeaders(): Record<string, string> {
  return { accept: 'application/taxii+json;version=2.1', authorization: `Bearer ${BENCH_TOKEN}` };
}
