import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameless as namelessIdentity, identity as validIdentity } from '../../test/cli-fixtures.js';
import type { ReadBatch } from './import-batches.js';
import { readInWorker, type ReaderSource } from './import-reader.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'entente-import-reader-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function readAll(source: ReaderSource, batchSize: number, worker?: URL): Promise<ReadBatch[]> {
  const read: ReadBatch[] = [];
  for await (const batch of readInWorker(source, 'input', batchSize, worker)) read.push(batch);
  return read;
}

/** A valid identity with a fixed id, as an NDJSON line. */
function identity(n: number): string {
  return JSON.stringify(validIdentity(`Agency ${n}`, undefined, `identity--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`));
}

const nameless = JSON.stringify({ ...namelessIdentity(), id: 'identity--00000000-0000-4000-8000-999999999999' });

describe('readInWorker', () => {
  it('reads a file on the worker thread: whole batches, every rejection named and counted', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => (i % 10 === 3 ? nameless : i === 20 ? '{not json' : identity(i)));
    const read = await readAll({ file: file('mixed.ndjson', lines.join('\n')) }, 10);
    expect(read.map((b) => [b.objects.length, b.last])).toEqual([[10, false], [10, false], [1, true]]);
    expect(read.flatMap((b) => b.objects.map((o) => o.json))).toEqual(lines.filter((l) => l !== nameless && l !== '{not json'));
    expect(read.flatMap((b) => b.rejected)).toEqual([
      { reason: 'identity: name: is required for identity (STIX 2.1 §4.5)', where: 'identity--00000000-0000-4000-8000-999999999999' },
      { reason: 'identity: name: is required for identity (STIX 2.1 §4.5)', where: 'identity--00000000-0000-4000-8000-999999999999' },
      { reason: expect.stringContaining('not valid JSON') as string, where: 'line 21' },
      { reason: 'identity: name: is required for identity (STIX 2.1 §4.5)', where: 'identity--00000000-0000-4000-8000-999999999999' },
    ]);
    expect(read.at(-1)?.bytes).toBe(Buffer.byteLength(lines.join('\n')));
  });

  it('reads what the main thread passes on from stdin', async () => {
    const text = [identity(1), identity(2), identity(3)].join('\n');
    const read = await readAll({ stdin: Readable.from([Buffer.from(text.slice(0, 100)), Buffer.from(text.slice(100))]) }, 2);
    expect(read.flatMap((b) => b.objects.map((o) => o.object.id))).toHaveLength(3);
    expect(read.at(-1)?.last).toBe(true);
  });

  it('fails with the reading error itself: input that is not STIX, a file that cannot be read', async () => {
    await expect(readAll({ file: file('garbage.txt', 'hello\nworld\n') }, 10)).rejects.toMatchObject({
      name: 'EntenteError',
      code: 'invalid_input',
      message: expect.stringContaining('input is neither NDJSON nor one JSON document') as string,
    });
    await expect(readAll({ file: dir }, 10)).rejects.toMatchObject({ code: 'EISDIR', message: expect.stringContaining('EISDIR') as string });
  });

  it('stops the worker when the writer stops early', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => identity(i));
    let seen = 0;
    for await (const batch of readInWorker({ file: file('long.ndjson', lines.join('\n')) }, 'input', 5)) {
      seen += batch.objects.length;
      break;
    }
    expect(seen).toBe(5);
  });

  it('says so, instead of waiting, when the worker crashes or exits without answering', async () => {
    const crash = pathToFileURL(file('crash.mjs', `import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { throw new Error('boom'); });\n`));
    await expect(readAll({ file: file('a.ndjson', identity(1)) }, 10, crash)).rejects.toThrow(/reader thread failed reading input: boom/);
    const exits = pathToFileURL(file('exit.mjs', `import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\n`));
    await expect(readAll({ file: file('b.ndjson', identity(1)) }, 10, exits)).rejects.toThrow(/reader thread stopped \(exit code 3\) before it finished reading input/);
    const fails = pathToFileURL(file('fails.mjs', `throw new Error('cannot start');\n`));
    await expect(readAll({ file: file('c.ndjson', identity(1)) }, 10, fails)).rejects.toThrow(/cannot start/);
  });
});
