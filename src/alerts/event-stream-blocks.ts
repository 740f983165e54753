import type { ReadableStream } from 'node:stream/web';

/**
 * Test and benchmark support (the console reads the stream with the
 * browser's EventSource): hands each block of a server-sent events body to
 * `onBlock` as soon as it has arrived whole, until the body ends (resolves)
 * or is aborted (rejects).
 */
export async function readEventBlocks(body: ReadableStream<Uint8Array>, onBlock: (block: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      onBlock(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
    }
  }
}

/** The parsed `data` of an `event: alert` block; undefined for any other block. */
export function alertData(block: string): unknown {
  const data = block.split('\n').find((line) => line.startsWith('data: '));
  return block.includes('event: alert') && data !== undefined ? JSON.parse(data.slice('data: '.length)) : undefined;
}
