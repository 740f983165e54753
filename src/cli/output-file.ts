import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Where a command writes a stream of text, with backpressure respected. */
export interface TextSink {
  write(text: string): Promise<void>;
  /** Makes the output final (for a file: renames the temporary file into place). */
  commit(): Promise<void>;
  /** Throws away what was written (for a file: removes the temporary file). */
  abort(): Promise<void>;
}

/**
 * A file written under a temporary name in the same folder and renamed into
 * place only when complete, so an interrupted export never leaves a
 * half-written file under the name asked for.
 */
export function fileSink(path: string): TextSink {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const stream = createWriteStream(temporary, { flags: 'wx' });
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  return {
    write: (text) => writeTo(stream, text, () => failure),
    async commit() {
      stream.end();
      await once(stream, 'close');
      if (failure) throw failure;
      await rename(temporary, path);
    },
    async abort() {
      stream.destroy();
      await unlink(temporary).catch(() => undefined);
    },
  };
}

export function stdoutSink(): TextSink {
  return {
    write: (text) => writeTo(process.stdout, text, () => undefined),
    async commit() {},
    async abort() {},
  };
}

async function writeTo(stream: WriteStream | NodeJS.WriteStream, text: string, failed: () => Error | undefined): Promise<void> {
  const error = failed();
  if (error) throw error;
  if (!stream.write(text)) await once(stream, 'drain');
}
