import { randomUUID } from 'node:crypto';
import { ZodError } from 'zod';
import { EntenteError, isEntenteError, type ErrorCode } from '../../errors.js';

/**
 * The one place where errors become REST answers (REST.md "Errors"):
 * `{ error: { code, message, details? } }` with a stable `code`. Domain code
 * throws `EntenteError`; request validation throws `ZodError`; Fastify's own
 * request errors are recognised by their codes. Anything else is internal:
 * the client gets a generic message and an `errorId` to quote, never a stack.
 */
export interface RestErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: Record<string, unknown> };
}

export interface MappedRestError {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: RestErrorBody;
  /** True for 5xx: the cause must be logged with the `errorId` in details. */
  readonly internal: boolean;
}

/** A refused CSRF check: 403 with code `csrf`, so the UI knows to fetch the token again. */
export class CsrfError extends EntenteError {
  constructor() {
    super(
      'forbidden',
      'This request is authenticated by the session cookie but lacks a valid X-CSRF-Token header: send the csrfToken that POST or GET /rest/v1/session returned',
    );
  }
}

/** 429 while an address or account is locked out after authentication failures. */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed authentication attempts from this address or for this user name; try again in ${retryAfterSeconds} seconds`);
  }
}

const BY_CODE: Readonly<Record<ErrorCode, { status: number; code: string }>> = {
  invalid_input: { status: 400, code: 'validation' },
  invalid_stix: { status: 400, code: 'validation' },
  unsupported_language: { status: 400, code: 'validation' },
  unauthenticated: { status: 401, code: 'unauthenticated' },
  forbidden: { status: 403, code: 'forbidden' },
  not_found: { status: 404, code: 'not_found' },
  not_acceptable: { status: 406, code: 'not_acceptable' },
  conflict: { status: 409, code: 'conflict' },
  too_large: { status: 413, code: 'too_large' },
  unsupported_media_type: { status: 415, code: 'unsupported_media_type' },
  invalid_config: { status: 500, code: 'internal' },
  remote_error: { status: 502, code: 'remote_error' },
  unavailable: { status: 503, code: 'unavailable' },
};

const FASTIFY_CODES: Readonly<Record<string, { status: number; code: string; message?: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'too_large', message: 'The request body is larger than this API accepts (ENTENTE_MAX_REST_BODY_BYTES)' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Send the body as application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'bad_request', message: 'The request declares a JSON body but sends none' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'bad_request' },
  FST_ERR_BAD_URL: { status: 400, code: 'bad_request' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 404, code: 'not_found', message: 'A path segment is longer than any id this server serves' },
};

/*
 * A REST 401 carries no WWW-Authenticate challenge: a browser would answer one
 * with its own password dialog instead of letting the console sign in.
 */
function build(status: number, code: string, message: string, details?: Record<string, unknown>): MappedRestError {
  const headers: Record<string, string> = status === 413 ? { connection: 'close' } : {};
  return { status, headers, body: { error: { code, message, ...(details === undefined ? {} : { details }) } }, internal: status >= 500 };
}

/** The zod issues as `{path, message}`: the field each problem is about, by its dotted path. */
function zodDetails(error: ZodError): Record<string, unknown> {
  return { issues: error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message, code: issue.code })) };
}

function zodMessage(error: ZodError): string {
  const first = error.issues[0];
  if (first === undefined) return 'The request is not valid';
  const where = first.path.length === 0 ? 'the request' : `"${first.path.map(String).join('.')}"`;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems, see details)` : '';
  return `Invalid value for ${where}: ${first.message}${more}`;
}

export function mapRestError(error: unknown): MappedRestError {
  if (error instanceof CsrfError) return build(403, 'csrf', error.message);
  if (error instanceof RateLimitedError) {
    return { ...build(429, 'rate_limited', error.message), headers: { 'retry-after': String(error.retryAfterSeconds) } };
  }
  if (error instanceof ZodError) return build(400, 'validation', zodMessage(error), zodDetails(error));
  if (isEntenteError(error)) {
    const { status, code } = BY_CODE[error.code];
    // A server-side failure's message may name hosts, files or queries: the log has it, the client does not.
    if (status >= 500) return internalError(status, code);
    return build(status, code, error.message, error.details);
  }
  const fastifyCode = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const known = typeof fastifyCode === 'string' ? FASTIFY_CODES[fastifyCode] : undefined;
  if (known !== undefined) return build(known.status, known.code, known.message ?? (error as Error).message);
  if (error instanceof SyntaxError) return build(400, 'bad_request', `The request body is not valid JSON: ${error.message}`);
  return internalError(500, 'internal');
}

function internalError(status: number, code: string): MappedRestError {
  return build(status, code, 'The server could not complete the request; quote the errorId when reporting it.', { errorId: randomUUID() });
}

export function restRouteNotFound(method: string, url: string): MappedRestError {
  const path = url.split('?')[0] ?? url;
  return build(404, 'not_found', `No REST endpoint answers ${method} ${path}; see README "REST API"`);
}
