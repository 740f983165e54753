import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { EntenteError } from '../../errors.js';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry-policy.js';
import { TAXII_MEDIA_TYPE, type TaxiiErrorResource } from './taxii-resources.js';

/** How the client proves who it is to the remote server (TAXII 2.1 §1.6.7). */
export type TaxiiAuth =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string };

export interface TransportOptions {
  readonly auth?: TaxiiAuth;
  readonly retry?: Partial<RetryPolicy>;
  /** Longest wait for the response headers, and between body chunks. Default 30 s. */
  readonly timeoutMs?: number;
  /** Largest response body read; a larger answer is an error. Default 256 MiB. */
  readonly maxResponseBytes?: number;
  readonly userAgent?: string;
  /** Source of jitter; injectable so tests can pin it. */
  readonly random?: () => number;
}

export interface TaxiiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body; undefined for an empty body. */
  readonly body: unknown;
  /** The body's text exactly as received (so objects can be kept byte for byte). */
  readonly text: string;
}

const MiB = 1024 * 1024;

/**
 * The HTTP layer of the TAXII client: media types, authentication, response
 * limits, retries with backoff, and turning failures into
 * `EntenteError('remote_error')` that carry the server's TAXII error body.
 */
export class TaxiiTransport {
  private readonly agent: Agent;
  private readonly policy: RetryPolicy;
  private readonly authorization: string | undefined;
  private readonly maxResponseBytes: number;
  private readonly userAgent: string;
  private readonly random: () => number;

  constructor(options: TransportOptions = {}) {
    const timeout = options.timeoutMs ?? 30_000;
    this.agent = new Agent({ headersTimeout: timeout, bodyTimeout: timeout, connectTimeout: timeout });
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    if (this.policy.maxAttempts < 1) throw new EntenteError('invalid_input', 'retry.maxAttempts must be at least 1');
    this.authorization = authorizationHeader(options.auth);
    this.maxResponseBytes = options.maxResponseBytes ?? 256 * MiB;
    this.userAgent = options.userAgent ?? 'entente-taxii-client';
    this.random = options.random ?? Math.random;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Sends one request, retrying transient failures as the retry policy says. */
  async send(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown): Promise<TaxiiResponse> {
    const target = parseUrl(url);
    const shown = redact(target);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    for (let attempt = 1; ; attempt += 1) {
      let retryAfterMs: number | undefined;
      try {
        const response = await this.once(method, target, payload);
        if (response.status < 400) return response;
        if (!isRetryableStatus(response.status) || attempt >= this.policy.maxAttempts) {
          throw remoteFailure(method, shown, response, attempt);
        }
        retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      } catch (error) {
        if (error instanceof EntenteError) throw error;
        if (attempt >= this.policy.maxAttempts) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new EntenteError('remote_error', `${method} ${shown} failed after ${attempt} attempt(s): ${reason}`, {
            url: shown,
            method,
            attempts: attempt,
            cause: reason,
          });
        }
      }
      await sleep(retryDelayMs(this.policy, attempt, retryAfterMs, this.random));
    }
  }

  private async once(method: string, url: URL, payload: string | undefined): Promise<TaxiiResponse> {
    const headers: Record<string, string> = { accept: TAXII_MEDIA_TYPE, 'user-agent': this.userAgent };
    if (this.authorization !== undefined) headers.authorization = this.authorization;
    if (payload !== undefined) headers['content-type'] = TAXII_MEDIA_TYPE;
    const response = await request(url, { method, headers, body: payload, dispatcher: this.agent });
    const flat: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    const text = await readLimited(response.body, this.maxResponseBytes, `${method} ${redact(url)}`);
    return { status: response.statusCode, headers: flat, body: parseBody(text, response.statusCode, method, url), text };
  }
}

function authorizationHeader(auth: TaxiiAuth | undefined): string | undefined {
  if (auth === undefined) return undefined;
  if (auth.kind === 'bearer') return `Bearer ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
}

function parseUrl(url: string): URL {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new EntenteError('invalid_input', `Not an http(s) URL: ${url}`, { url });
  }
  return parsed;
}

/** The URL without credentials, for messages and details. */
function redact(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

async function readLimited(body: AsyncIterable<Buffer>, limit: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      throw new EntenteError('remote_error', `${what}: response larger than ${limit} bytes`, { limit });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string, status: number, method: string, url: URL): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // An error page from a proxy is not JSON; keep its start for the message.
    if (status >= 400) return text.slice(0, 500);
    throw new EntenteError('remote_error', `${method} ${redact(url)}: the answer is not JSON`, {
      url: redact(url),
      status,
    });
  }
}

function remoteFailure(method: string, url: string, response: TaxiiResponse, attempts: number): EntenteError {
  const taxiiError = asTaxiiError(response.body);
  const summary = taxiiError
    ? [taxiiError.title, taxiiError.description].filter((part) => part !== undefined && part !== '').join(': ')
    : typeof response.body === 'string'
      ? response.body.slice(0, 200)
      : 'no TAXII error body';
  return new EntenteError('remote_error', `${method} ${url} answered ${response.status}: ${summary}`, {
    url,
    method,
    status: response.status,
    attempts,
    ...(taxiiError ? { taxiiError } : {}),
  });
}

function asTaxiiError(body: unknown): TaxiiErrorResource | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const title = (body as { title?: unknown }).title;
  return typeof title === 'string' ? (body as TaxiiErrorResource) : undefined;
}
