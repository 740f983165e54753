import { randomUUID } from 'node:crypto';
import { fetch } from 'undici';
import { expect } from 'vitest';
import type { TaxiiTestServer } from './test-server.js';

/** Test support for the TAXII suites: a small HTTP client over undici and object factories. */
export const TAXII = 'application/taxii+json;version=2.1';
export const TAXII_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
/** Small limits, so that every limit can be crossed cheaply. */
export const LIMITS = { maxBodyBytes: 256 * 1024, maxObjectsPerEnvelope: 100, maxJsonDepth: 20, maxPageSize: 50, defaultPageSize: 20 };

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body ({} when empty). */
  readonly body: Record<string, unknown> & { objects?: Record<string, unknown>[] };
}

export interface Call {
  readonly method?: string;
  /** `Authorization` value; default the writer's token; null sends none. */
  readonly auth?: string | null;
  /** Default the TAXII 2.1 type; null sends none. */
  readonly accept?: string | null;
  readonly contentType?: string;
  readonly body?: string;
}

export function indicator(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-01T00:00:00.000Z',
    name: 'Known bad address',
    pattern: "[ipv4-addr:value = '198.51.100.7']",
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
    ...overrides,
  };
}

export function envelope(objects: readonly unknown[]): string {
  return JSON.stringify({ objects });
}

/** What each section of the suite works with; `server` is read when a test runs (it starts in beforeAll). */
export interface SuiteContext {
  readonly server: TaxiiTestServer;
  readonly call: (path: string, options?: Call) => Promise<Answer>;
  readonly add: (collectionId: string, objects: readonly unknown[], options?: Call) => Promise<Answer>;
  readonly collectionPath: (id: string) => string;
  readonly objectsPath: (id: string) => string;
  readonly expectError: (answer: Answer, status: number) => void;
}

export function suiteContext(getServer: () => TaxiiTestServer): SuiteContext {
  const collectionPath = (id: string) => `/api/v21/collections/${id}/`;
  const objectsPath = (id: string) => `${collectionPath(id)}objects/`;
  const call = async (path: string, options: Call = {}): Promise<Answer> => {
    const server = getServer();
    const headers: Record<string, string> = {};
    const auth = options.auth === undefined ? server.auth.writer : options.auth;
    if (auth !== null) headers.authorization = auth;
    const accept = options.accept === undefined ? TAXII : options.accept;
    if (accept !== null) headers.accept = accept;
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    const response = await fetch(`${server.url}${path}`, { method: options.method ?? 'GET', headers, body: options.body ?? null });
    const text = await response.text();
    // Every answer, success or error, is a TAXII resource (TAXII 2.1 §1.6.8).
    expect(response.headers.get('content-type')).toBe(TAXII);
    if (response.ok) expect(response.headers.get('cache-control')).toBe('no-store');
    return { status: response.status, headers: response.headers as unknown as Headers, text, body: text === '' ? {} : JSON.parse(text) };
  };
  return {
    get server() {
      return getServer();
    },
    call,
    add: (collectionId, objects, options = {}) =>
      call(objectsPath(collectionId), { method: 'POST', contentType: TAXII, body: envelope(objects), ...options }),
    collectionPath,
    objectsPath,
    expectError: (answer, status) => {
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ http_status: String(status) });
      expect(typeof answer.body.title).toBe('string');
      expect(typeof answer.body.description).toBe('string');
      expect(typeof answer.body.error_id).toBe('string');
      expect(typeof answer.body.error_code).toBe('string');
      expect(answer.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
    },
  };
}
