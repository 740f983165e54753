import { fetch } from 'undici';
import { expect } from 'vitest';
import { PASSWORD, type TaxiiTestServer } from '../test-server.js';

/**
 * Test support for REST suites, over real HTTP against `startTestServer`
 * (http/test-server.ts: organisations A and B, users admin, writer, reader of
 * A and outsider of B, all with the password `basicAuth` uses).
 *
 *   const admin = await signIn(server, 'admin');        // cookie + CSRF token kept
 *   const answer = await admin.post('/orgs', { name: 'C' });
 *   const asToken = restClient(server, server.auth.reader); // Authorization header instead
 */
export interface RestAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /**
   * The parsed JSON body (undefined when empty). `any`: each test states the
   * shape it expects with `expect`, and typing every answer here would only
   * repeat the route schemas.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

export interface RestCallOptions {
  /** A JSON value to send, or a string sent as is (for malformed bodies). */
  readonly body?: unknown;
  readonly contentType?: string;
  /** Override the CSRF header: a value, or null to leave it out. */
  readonly csrf?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RestClient {
  readonly server: TaxiiTestServer;
  /** The session cookie pair `entente_session=…`, when signed in. */
  readonly cookie: string | undefined;
  readonly csrfToken: string | undefined;
  call(method: string, path: string, options?: RestCallOptions): Promise<RestAnswer>;
  get(path: string, options?: RestCallOptions): Promise<RestAnswer>;
  post(path: string, body?: unknown, options?: RestCallOptions): Promise<RestAnswer>;
  put(path: string, body?: unknown, options?: RestCallOptions): Promise<RestAnswer>;
  patch(path: string, body?: unknown, options?: RestCallOptions): Promise<RestAnswer>;
  delete(path: string, options?: RestCallOptions): Promise<RestAnswer>;
}

interface ClientAuth {
  readonly authorization?: string;
  readonly cookie?: string;
  readonly csrfToken?: string;
}

/** Paths are relative to /rest/v1, e.g. `/orgs`. */
export function restClient(server: TaxiiTestServer, authorization?: string): RestClient {
  return makeClient(server, authorization === undefined ? {} : { authorization });
}

/** Signs in with the test password (or `password`) and keeps the session cookie and CSRF token. */
export async function signIn(server: TaxiiTestServer, username: string, password?: string): Promise<RestClient> {
  const answer = await restClient(server).post('/session', { username, password: password ?? PASSWORD });
  expect(answer.status, answer.text).toBe(200);
  const cookie = cookiePair(answer.headers.get('set-cookie'));
  expect(cookie).toBeDefined();
  return makeClient(server, { ...(cookie === undefined ? {} : { cookie }), csrfToken: String(answer.body.csrfToken) });
}

/** The `name=value` of a Set-Cookie header. */
export function cookiePair(setCookie: string | null): string | undefined {
  if (setCookie === null) return undefined;
  const pair = setCookie.split(';')[0];
  return pair === undefined || pair.endsWith('=') ? undefined : pair;
}

/** Asserts a REST error answer: status and stable code; returns the error object. */
export function expectRestError(answer: RestAnswer, status: number, code: string): { code: string; message: string; details?: Record<string, unknown> } {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.body.error.code, answer.text).toBe(code);
  expect(typeof answer.body.error.message).toBe('string');
  expect(answer.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  return answer.body.error;
}

function makeClient(server: TaxiiTestServer, auth: ClientAuth): RestClient {
  const call = async (method: string, path: string, options: RestCallOptions = {}): Promise<RestAnswer> => {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (auth.authorization !== undefined) headers.authorization = auth.authorization;
    if (auth.cookie !== undefined) headers.cookie = auth.cookie;
    const csrf = options.csrf === undefined ? auth.csrfToken : options.csrf;
    if (csrf !== undefined && csrf !== null && method !== 'GET') headers['x-csrf-token'] = csrf;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const response = await fetch(`${server.url}/rest/v1${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers as unknown as Headers, text, body: parsed };
  };
  const withBody = (method: string) => (path: string, body?: unknown, options: RestCallOptions = {}) =>
    call(method, path, body === undefined ? options : { ...options, body });
  return {
    server,
    cookie: auth.cookie,
    csrfToken: auth.csrfToken,
    call,
    get: (path, options) => call('GET', path, options),
    post: withBody('POST'),
    put: withBody('PUT'),
    patch: withBody('PATCH'),
    delete: (path, options) => call('DELETE', path, options),
  };
}
