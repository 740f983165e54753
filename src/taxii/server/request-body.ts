import { EntenteError } from '../../errors.js';

/**
 * Reads a request body as UTF-8 text, refusing more than `maxBytes`: at once
 * from a declared Content-Length, otherwise as soon as the bytes received pass
 * the limit (chunked uploads). TAXII 2.1 §4.2.1 `max_content_length` is this
 * limit, advertised by the API root.
 */
export async function readBodyText(
  body: AsyncIterable<Uint8Array>,
  contentLength: string | undefined,
  maxBytes: number,
): Promise<string> {
  if (contentLength !== undefined && Number(contentLength) > maxBytes) throw tooLarge(maxBytes);
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of body) {
    received += chunk.byteLength;
    if (received > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, received));
  } catch {
    throw new EntenteError('invalid_input', 'The request body is not valid UTF-8 text');
  }
}

/** Whether Fastify handed the handler a readable body stream (see the app's content-type parser). */
export function isBodyStream(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function tooLarge(maxBytes: number): EntenteError {
  return new EntenteError('too_large', `The request body exceeds ${maxBytes} bytes, the max_content_length of this API root`, {
    maxContentLength: maxBytes,
  });
}
