/**
 * The one way the console talks to the server: JSON over /rest/v1 with the
 * session cookie, and the CSRF token on every request that changes something.
 */

const BASE = '/rest/v1';

let csrfToken: string | undefined;

/** Remembered from the session answer; sent as X-CSRF-Token on POST/PUT/PATCH/DELETE. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** An answer the console can show: what went wrong in words a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let onUnauthenticated: (() => void) | undefined;
/** Called when the session has expired, so the console can return to sign-in. */
export function whenSignedOut(callback: () => void): void {
  onUnauthenticated = callback;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function request<T>(method: string, path: string, body?: unknown, query?: Query, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`${BASE}${path}${queryString(query)}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'The server cannot be reached. Check that entente serve is running and your network is up, then try again.');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) throw toApiError(response.status, parsed, path);
  return parsed as T;
}

function toApiError(status: number, body: unknown, path: string): ApiError {
  const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  const code = error?.code ?? `http_${status}`;
  if (status === 401 && path !== '/session') onUnauthenticated?.();
  const fallback: Record<number, string> = {
    400: 'The request was not accepted; check the fields and try again.',
    401: 'Your session has ended. Sign in again.',
    403: 'Your account is not allowed to do this. Ask an administrator of your organisation.',
    404: 'This does not exist, or your organisation may not see it.',
    409: 'This conflicts with something that already exists; change the name and try again.',
    413: 'This is too large for the server; send something smaller.',
    429: 'Too many attempts; wait a minute and try again.',
  };
  const message = error?.message ?? fallback[status] ?? `The server could not answer (HTTP ${status}). Try again; if it persists, tell your administrator.`;
  return new ApiError(status, code, message, error?.details);
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, undefined, query, signal),
  post: <T>(path: string, body: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
