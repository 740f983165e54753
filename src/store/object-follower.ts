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
 * Calls `catchUp` now and then `intervalMs` after each run ends, until
 * stopped; a failed run goes to `onError` and the next tick retries. The
 * first run starts on a timer, never synchronously, so a caller that starts
 * followers after `listen` has already handed the socket to the event loop.
 */
export function startPolling(catchUp: () => Promise<unknown>, intervalMs: number, onError: (error: unknown) => void): PollingHandle {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = (): void => {
    timer = undefined;
    running = catchUp().then(
      () => undefined,
      (error: unknown) => onError(error),
    ).finally(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs);
    });
  };
  timer = setTimeout(tick, 0);
  return {
    stop: async () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
