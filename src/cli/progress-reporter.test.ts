import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgressReporter } from './progress-reporter.js';

/** A stderr stand-in that keeps what was written; `tty` makes it look like a terminal. */
function stream(tty: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  // A Writable has every method progress output uses (readline's cursor moves write escape codes); only the terminal's properties are added.
  const fake = Object.assign(sink, { isTTY: tty, columns: 200 }) as unknown as NodeJS.WriteStream;
  return { stream: fake, written: () => text };
}

const counts = (read: number) => ({ read, accepted: read - 3, duplicate: 2, rejected: 1 });

afterEach(() => vi.useRealTimers());

describe('import progress', () => {
  it('draws a bar with the share of the file read and the counts on a terminal', () => {
    const { stream: terminal, written } = stream(true);
    const progress = createProgressReporter(1000, terminal);
    progress.update(500, counts(40));
    progress.stop();
    expect(written()).toMatch(/import \[[^\]]+\] 50% \| 40 objects: 37 accepted, 2 duplicate, 1 rejected/);
  });

  it('writes a line at most every five seconds when stderr is not a terminal, as in logs and CI', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    const { stream: log, written } = stream(false);
    const progress = createProgressReporter(1000, log);
    progress.update(100, counts(10));
    vi.setSystemTime(4_999);
    progress.update(200, counts(20));
    expect(written()).toBe('');
    vi.setSystemTime(5_000);
    progress.update(300, counts(30));
    vi.setSystemTime(6_000);
    progress.update(400, counts(40));
    progress.stop();
    expect(written()).toBe('import: 30 objects read (27 accepted, 2 duplicate, 1 rejected)\n');
  });

  it('writes lines, not a bar, on a terminal when the size of the input is unknown (stdin)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    const { stream: terminal, written } = stream(true);
    const progress = createProgressReporter(undefined, terminal);
    vi.setSystemTime(5_000);
    progress.update(0, counts(50));
    progress.stop();
    expect(written()).toBe('import: 50 objects read (47 accepted, 2 duplicate, 1 rejected)\n');
  });
});
