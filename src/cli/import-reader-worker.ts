/**
 * The worker thread of `entente import` (import-reader.ts): reads the input,
 * parses and validates it (import-batches.ts), and answers each request of the
 * main thread with the next message, so it reads one batch ahead of the
 * writes and never more.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { isEntenteError } from '../errors.js';
import { validatedBatches, type ReadBatch } from './import-batches.js';
import type { ReaderError, ReaderInput, ReaderReply, ReaderRequest } from './import-reader.js';

const input = workerData as ReaderInput;
// Opened on the first request, so that an error opening it is that request's answer.
let reading: { source: Readable; batches: AsyncGenerator<ReadBatch> } | undefined;

function serve(port: MessagePort): void {
  // Requests are answered one at a time, in order: each takes the next message from the batches.
  let answered: Promise<void> = Promise.resolve();
  port.on('message', (request: ReaderRequest) => {
    if (request === 'next') answered = answered.then(() => answer(port));
  });
}

async function answer(port: MessagePort): Promise<void> {
  let reply: ReaderReply;
  reading ??= open();
  try {
    const next = await reading.batches.next();
    // The main thread asks no more once it has the last batch; were it to, it would hear that nothing is left.
    reply = next.done === true ? { kind: 'error', error: describe(new Error(`${input.name} was already read to the end`)) } : { kind: 'batch', batch: next.value };
  } catch (error) {
    reply = { kind: 'error', error: describe(error) };
  }
  port.postMessage(reply);
  if (reply.kind === 'error' || reply.batch.last) {
    // Nothing more will be asked: stop reading and let the thread end.
    port.close();
    reading.source.destroy();
  }
}

function open(): { source: Readable; batches: AsyncGenerator<ReadBatch> } {
  const source = input.file === undefined ? process.stdin : createReadStream(input.file);
  return { source, batches: validatedBatches(source, input.name, input.batchSize) };
}

function describe(error: unknown): ReaderError {
  if (isEntenteError(error)) return { kind: 'entente', code: error.code, message: error.message, details: error.details };
  if (!(error instanceof Error)) return { kind: 'other', code: undefined, message: String(error), stack: undefined };
  const code = (error as { code?: unknown }).code;
  return { kind: 'other', code: typeof code === 'string' ? code : undefined, message: error.message, stack: error.stack };
}

if (parentPort === null) throw new Error('import-reader-worker.ts runs as a worker thread: import-reader.ts starts it');
serve(parentPort);
