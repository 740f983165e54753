import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { EntenteError, type ErrorCode } from '../errors.js';
import type { ReadBatch } from './import-batches.js';

/** What the worker reads: a file by its path, or (no path) the stdin the main thread passes on. */
export interface ReaderInput {
  readonly file?: string;
  /** How messages name the input. */
  readonly name: string;
  readonly batchSize: number;
}

/** The main thread asks for one message at a time. */
export type ReaderRequest = 'next';

export type ReaderReply =
  | { readonly kind: 'batch'; readonly batch: ReadBatch }
  | { readonly kind: 'error'; readonly error: ReaderError };

/** An error thrown while reading, as it crosses the thread boundary. */
export type ReaderError =
  | { readonly kind: 'entente'; readonly code: ErrorCode; readonly message: string; readonly details: Record<string, unknown> | undefined }
  /** A system error (a file that cannot be read: `code` is ENOENT, EACCES…) or a bug (no code, with its stack). */
  | { readonly kind: 'other'; readonly code: string | undefined; readonly message: string; readonly stack: string | undefined };

/** The worker, as built (dist/…/import-reader-worker.js) or run from the sources (tsx: …/import-reader-worker.ts). */
const WORKER = new URL(`./import-reader-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

export type ReaderSource = { readonly file: string } | { readonly stdin: Readable };

/**
 * `entente import`'s input, read, parsed and validated on a worker thread
 * (import-reader-worker.ts) in batches of `batchSize` valid objects, while
 * the main thread writes the previous batch: on SQLite everything else runs
 * on the main thread, so the two overlap on two cores. The worker reads one
 * message ahead of the one being written, never more, so memory stays at two
 * batches however fast it reads. Each object crosses as its JSON text and the
 * few properties publishing reads (import-batches.ts), not as its parsed value.
 *
 * Stopping early (a write failed) stops the worker. A worker that fails or
 * stops without answering ends the reading with an error saying so, never a
 * wait.
 */
export async function* readInWorker(source: ReaderSource, name: string, batchSize: number, worker: URL = WORKER): AsyncGenerator<ReadBatch> {
  const stdin = 'stdin' in source ? source.stdin : undefined;
  const input: ReaderInput = { ...('file' in source ? { file: source.file } : {}), name, batchSize };
  const thread = startWorker(worker, { workerData: input, stdin: stdin !== undefined });
  let waiting: { resolve: (reply: ReaderReply) => void; reject: (error: Error) => void } | undefined;
  let stopped: Error | undefined;
  const stop = (error: Error) => {
    stopped ??= error;
    waiting?.reject(stopped);
    waiting = undefined;
  };
  thread.on('message', (reply: ReaderReply) => {
    waiting?.resolve(reply);
    waiting = undefined;
  });
  thread.on('error', (error) => stop(crashed(error, name)));
  thread.on('exit', (code) =>
    stop(new EntenteError('unavailable', `The import's reader thread stopped (exit code ${code}) before it finished reading ${name}`, { file: name })),
  );
  if (stdin !== undefined && thread.stdin !== null) {
    // The worker stopping first is reported by its exit; a write to it after that is no further news.
    thread.stdin.on('error', () => undefined);
    stdin.pipe(thread.stdin);
  }
  try {
    for (;;) {
      const reply = await new Promise<ReaderReply>((resolve, reject) => {
        if (stopped !== undefined) return reject(stopped);
        waiting = { resolve, reject };
        thread.postMessage('next' satisfies ReaderRequest);
      });
      if (reply.kind === 'error') throw rebuild(reply.error);
      yield reply.batch;
      if (reply.batch.last) return;
    }
  } finally {
    if (stdin !== undefined && thread.stdin !== null) stdin.unpipe(thread.stdin);
    await thread.terminate();
  }
}

/** The error the reading threw, as the main thread would have thrown it reading the input itself. */
function rebuild(error: ReaderError): Error {
  if (error.kind === 'entente') return new EntenteError(error.code, error.message, error.details);
  const rebuilt = new Error(error.message);
  if (error.stack !== undefined) rebuilt.stack = error.stack;
  return error.code === undefined ? rebuilt : Object.assign(rebuilt, { code: error.code });
}

/** An exception nothing in the worker caught (a bug): said to be the reader's, with the worker's stack. */
function crashed(error: Error, name: string): Error {
  const wrapped = new Error(`The import's reader thread failed reading ${name}: ${error.message}`);
  if (error.stack !== undefined) wrapped.stack = `${wrapped.message}\n${error.stack}`;
  return wrapped;
}

/**
 * Starts the worker as built (JavaScript), or from the sources (tests, tsx):
 * there Node's own loader cannot read TypeScript and tsx's loader is not
 * carried into worker threads (Node 20), so a worker started from a `.ts`
 * file registers tsx first, then imports it.
 */
function startWorker(worker: URL, options: WorkerOptions): Worker {
  if (!worker.pathname.endsWith('.ts')) return new Worker(worker, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const start = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(worker.href)}); })`;
  return new Worker(start, { ...options, eval: true });
}
