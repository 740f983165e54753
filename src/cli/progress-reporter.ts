import { SingleBar } from 'cli-progress';
import type { ImportCounts } from './import-summary.js';

/**
 * Progress of a long command on stderr: a bar when stderr is a terminal and
 * the total is known, otherwise a line at most every few seconds (readable
 * in logs and CI output).
 */
export interface ProgressReporter {
  update(doneBytes: number, counts: ImportCounts): void;
  stop(): void;
}

const LINE_INTERVAL_MS = 5_000;

export function createProgressReporter(totalBytes: number | undefined, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (stream.isTTY === true && totalBytes !== undefined && totalBytes > 0) return new BarReporter(totalBytes, stream);
  return new LineReporter(stream);
}

class BarReporter implements ProgressReporter {
  private readonly bar: SingleBar;

  constructor(totalBytes: number, stream: NodeJS.WriteStream) {
    this.bar = new SingleBar({
      stream,
      format: 'import [{bar}] {percentage}% | {read} objects: {accepted} accepted, {duplicate} duplicate, {rejected} rejected',
      hideCursor: true,
      clearOnComplete: false,
    });
    this.bar.start(totalBytes, 0, { read: 0, accepted: 0, duplicate: 0, rejected: 0 });
  }

  update(doneBytes: number, counts: ImportCounts): void {
    this.bar.update(doneBytes, { ...counts });
  }

  stop(): void {
    this.bar.stop();
  }
}

class LineReporter implements ProgressReporter {
  private last = Date.now();

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(_doneBytes: number, counts: ImportCounts): void {
    const now = Date.now();
    if (now - this.last < LINE_INTERVAL_MS) return;
    this.last = now;
    this.stream.write(
      `import: ${counts.read} objects read (${counts.accepted} accepted, ${counts.duplicate} duplicate, ${counts.rejected} rejected)\n`,
    );
  }

  stop(): void {}
}
