/**
 * What the read-model followers of `entente serve` (incident index, alerts,
 * correlation; REST.md "Following new objects") share so that catching up on
 * a large backlog never starves the HTTP server.
 *
 * better-sqlite3 is synchronous and Kysely's SQLite driver answers with
 * already-resolved promises, so a follower's `await` chain runs as one long
 * run of microtasks: sockets are not read until it ends. A follower therefore
 * works in time slices: it checks `expired()` between units of work (a row,
 * a chunk of incidents, a step) and, once the budget is spent, ends its unit
 * cleanly (commits, moves its cursor) and calls `pause()`, which yields to
 * the event loop with `setImmediate` so pending I/O — an HTTP request — runs
 * before the next slice.
 */

/**
 * Work per slice. Three followers may each take a slice between two turns of
 * the event loop, and a request may need a few turns (body, password hash,
 * queries), so a slice is kept well under the 100 ms a request can spare.
 */
export const SLICE_BUDGET_MS = 20;

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class TimeSlice {
  private started = performance.now();

  constructor(private readonly budgetMs = SLICE_BUDGET_MS) {}

  /** Whether this slice's budget is spent: the caller should finish its unit of work and `pause()`. */
  expired(): boolean {
    return performance.now() - this.started >= this.budgetMs;
  }

  /** Yields to the event loop when the budget is spent (then starts a new slice); resolves at once otherwise. */
  async pause(): Promise<void> {
    if (!this.expired()) return;
    await yieldToEventLoop();
    this.started = performance.now();
  }
}

export interface PollingHandle {
  stop(): Promise<void>;
}

/**
 * What a follower's catch-up is given by `startPolling`: aborted on `stop()`.
 * A catch-up looks at it between units of work that each commit on their own
 * (a batch, a chunk, a step) and returns when it is aborted, so stopping a
 * server waits for at most one more unit instead of the whole backlog, and
 * the next catch-up resumes from the cursor that unit left.
 */
export type StopSignal = Pick<AbortSignal, 'aborted'>;

/** Whether a catch-up given `signal` should return now (a function: TypeScript would keep `aborted` narrowed across awaits). */
export function stopRequested(signal: StopSignal | undefined): boolean {
  return signal?.aborted === true;
}

/**
 * Calls `catchUp` now and then `intervalMs` after each run ends, until
 * stopped; a failed run goes to `onError` and the next tick retries. The
 * first run starts on a timer, never synchronously, so a caller that starts
 * followers after `listen` has already handed the socket to the event loop.
 * `stop()` aborts the signal the runs are given and waits for the run in
 * progress to return.
 */
export function startPolling(catchUp: (signal: StopSignal) => Promise<unknown>, intervalMs: number, onError: (error: unknown) => void): PollingHandle {
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = (): void => {
    timer = undefined;
    running = catchUp(stopping.signal).then(
      () => undefined,
      (error: unknown) => onError(error),
    ).finally(() => {
      if (!stopping.signal.aborted) timer = setTimeout(tick, intervalMs);
    });
  };
  timer = setTimeout(tick, 0);
  return {
    stop: async () => {
      stopping.abort();
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
