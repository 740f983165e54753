import { readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * CPU-seconds the PostgreSQL server spends for one client, read from
 * /proc/<pid>/stat of the backends serving it (the server runs on this
 * machine). The client's connections are told apart by an application_name
 * set in its connection URL; a backend's figures are read every 250 ms while
 * it lives, so the last quarter-second of each is missed.
 *
 * Backends already serving the client when watching starts count from
 * there, so a server started before (and settled) is measured over the work
 * that follows only.
 *
 * The server's background processes (WAL writer, checkpointer, background
 * writer, autovacuum) work for every database user at once; their CPU over
 * the same time is given beside, as an upper bound of their share.
 */
export interface PostgresCpu {
  /** The URL with the application name that marks the measured client's connections. */
  readonly url: string;
  /** Stops watching; backend and background CPU-seconds since start. */
  stop(): Promise<{ backendSeconds: number; backends: number; backgroundSeconds: number }>;
}

const CLOCK_TICKS = 100;

/** `url` with the application name that `watchPostgresCpu(url, label)` tells the client's connections by. */
export function markedPostgresUrl(url: string, label: string): string {
  const marked = new URL(url);
  marked.searchParams.set('application_name', applicationName(label));
  return marked.toString();
}

const applicationName = (label: string): string => `${label}-${process.pid}`;

export async function watchPostgresCpu(url: string, label: string): Promise<PostgresCpu> {
  const name = applicationName(label);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const backgroundPids = async (): Promise<number[]> => {
    const { rows } = await admin.query<{ pid: number }>(
      `select pid from pg_stat_activity where backend_type in ('walwriter', 'checkpointer', 'background writer', 'autovacuum worker', 'autovacuum launcher')`,
    );
    return rows.map((row) => row.pid);
  };
  const background = async (): Promise<Map<number, number>> => new Map((await backgroundPids()).flatMap((pid) => cpuOf(pid)));
  const backgroundAtStart = await background();
  const backendCpu = async (): Promise<Map<number, number>> => {
    const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [name]);
    return new Map(rows.flatMap((row) => cpuOf(row.pid)));
  };
  const backendsAtStart = await backendCpu();
  const backends = new Map<number, number>();
  let polling = Promise.resolve();
  const poll = async () => {
    for (const [pid, seconds] of await backendCpu()) backends.set(pid, seconds - (backendsAtStart.get(pid) ?? 0));
  };
  const timer = setInterval(() => {
    polling = polling.then(poll).catch(() => undefined);
  }, 250);
  return {
    url: markedPostgresUrl(url, label),
    async stop() {
      clearInterval(timer);
      await polling;
      const backgroundAtEnd = await background();
      await admin.end();
      let backgroundSeconds = 0;
      // Autovacuum workers come and go: one that started meanwhile counts from zero.
      for (const [pid, seconds] of backgroundAtEnd) backgroundSeconds += seconds - (backgroundAtStart.get(pid) ?? 0);
      return {
        backendSeconds: [...backends.values()].reduce((sum, seconds) => sum + seconds, 0),
        backends: backends.size,
        backgroundSeconds,
      };
    },
  };
}

/** [pid, user + system CPU-seconds] of a local process, or nothing when it is gone or not on this machine. */
function cpuOf(pid: number): [number, number][] {
  try {
    // The command name in parentheses may hold spaces: fields are counted after its closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return [[pid, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS]];
  } catch {
    return [];
  }
}

/**
 * Waits until the backends serving the client marked `label` (markedPostgresUrl)
 * spend under a tenth of a core for three seconds running: a server's own
 * CPU can be idle while PostgreSQL works for it (a follower's batch reads).
 */
export async function waitUntilPostgresQuiet(url: string, label: string, timeoutMs = 30 * 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 3) {
    if (performance.now() > deadline) throw new Error(`PostgreSQL stayed busy for ${label} for ${timeoutMs / 1000} s`);
    const watch = await watchPostgresCpu(url, label);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const { backendSeconds } = await watch.stop();
    quiet = backendSeconds < 0.1 ? quiet + 1 : 0;
  }
}
