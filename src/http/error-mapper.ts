import { randomUUID } from 'node:crypto';
import { isEntenteError, type ErrorCode } from '../errors.js';

/**
 * The one place where errors become HTTP answers: TAXII 2.1 §3.6.1 error
 * messages `{title, description, error_id, error_code, http_status, details}`.
 * Domain code throws `EntenteError` with a stable code; Fastify's own request
 * errors (body too large, content type, malformed body) are recognised by
 * their codes. Anything else is an internal error: the client gets a generic
 * message and an `error_id` to quote, never a stack trace.
 */

/** TAXII 2.1 §3.6.1 error message. */
export interface TaxiiErrorBody {
  readonly title: string;
  readonly description: string;
  /** This occurrence, to quote when reporting it (matches the server log). */
  readonly error_id: string;
  /** The kind of error: an entente error code, stable across releases. */
  readonly error_code: string;
  /** §3.6.1 defines http_status as a string. */
  readonly http_status: string;
  readonly details?: Record<string, unknown>;
}

export interface MappedError {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: TaxiiErrorBody;
  /** True for 5xx: the cause must be logged with `body.error_id`. */
  readonly internal: boolean;
}

/** RFC 9110 §11.6.1 challenge for both schemes the server takes (RFC 7617, RFC 6750). */
export const AUTHENTICATE_CHALLENGE = 'Basic realm="entente", Bearer';

const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  not_acceptable: 406,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  invalid_stix: 422,
  unsupported_language: 422,
  invalid_config: 500,
  remote_error: 502,
  unavailable: 503,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  431: 'Request Header Fields Too Large',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Fastify's request errors that describe the client's request, not a server fault. */
const FASTIFY_CODES: Readonly<Record<string, { status: number; code: ErrorCode; description?: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_input' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_input' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_input' },
  FST_ERR_VALIDATION: { status: 400, code: 'invalid_input' },
  FST_ERR_BAD_URL: { status: 400, code: 'invalid_input' },
  // A path segment longer than any STIX id or collection id names nothing here.
  FST_ERR_MAX_PARAM_LENGTH: { status: 404, code: 'not_found', description: 'A path segment is longer than any id this server serves' },
};

function build(status: number, code: string, description: string, details?: Record<string, unknown>): MappedError {
  const body: TaxiiErrorBody = {
    title: TITLES[status] ?? 'Error',
    description,
    error_id: randomUUID(),
    error_code: code,
    http_status: String(status),
    ...(details === undefined ? {} : { details }),
  };
  const headers: Record<string, string> =
    status === 401
      ? { 'www-authenticate': AUTHENTICATE_CHALLENGE }
      : // The rest of an oversized body is not worth reading: close the connection instead.
        status === 413
        ? { connection: 'close' }
        : {};
  return { status, headers, body, internal: status >= 500 };
}

/** Maps anything thrown while answering a request to a TAXII error answer. */
export function mapError(error: unknown): MappedError {
  if (isEntenteError(error)) {
    const status = STATUS_BY_CODE[error.code];
    // A server-side failure's message may name hosts, files or queries: the log has it, the client does not.
    if (status >= 500) return serverError(status, error.code);
    return build(status, error.code, error.message, error.details);
  }
  const fastifyCode = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const known = typeof fastifyCode === 'string' ? FASTIFY_CODES[fastifyCode] : undefined;
  if (known !== undefined) {
    return build(known.status, known.code, known.description ?? (error as Error).message);
  }
  if (error instanceof SyntaxError && (error as { statusCode?: unknown }).statusCode === 400) {
    return build(400, 'invalid_input', `The request body is not valid JSON: ${error.message}`);
  }
  return serverError(500, 'internal');
}

/** 400, or 431 for oversized headers, for a request Node's HTTP parser refused before any route saw it. */
export function unparsableRequest(headersTooLarge: boolean): MappedError {
  return headersTooLarge
    ? build(431, 'too_large', 'The request headers are larger than this server accepts')
    : build(400, 'invalid_input', 'The request line or headers are not valid HTTP');
}

/** 404 for a path the server does not serve (TAXII 2.1 §3.6). */
export function routeNotFound(method: string, url: string): MappedError {
  const path = url.split('?')[0] ?? url;
  return build(404, 'not_found', `No TAXII endpoint answers ${method} ${path}`);
}

function serverError(status: number, code: string): MappedError {
  return build(status, code, 'The server could not complete the request; quote the error_id when reporting it.');
}
