/**
 * The one base class for domain errors. Each error carries a stable `code` that
 * callers (the HTTP error mapper, the CLI, federation) switch on, a message a
 * person can act on, and optional structured `details`. Domain code never throws
 * transport errors; the HTTP layer maps codes to statuses in one place.
 */
export type ErrorCode =
  | 'invalid_stix'
  | 'invalid_input'
  | 'invalid_config'
  | 'not_found'
  | 'unauthenticated'
  | 'forbidden'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'not_acceptable'
  | 'unsupported_language'
  | 'unavailable'
  | 'remote_error';

export class EntenteError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'EntenteError';
    this.code = code;
    this.details = details;
  }
}

export function isEntenteError(value: unknown): value is EntenteError {
  return value instanceof EntenteError;
}
