import type { Kysely } from 'kysely';
import { z } from 'zod';
import { resolveOrganization, type Organization } from '../../../access/organizations.js';
import { EntenteError, isEntenteError } from '../../../errors.js';
import type { DatabaseSchema } from '../../../store/schema.js';
import { microsToTimestamp } from '../../../store/timestamps.js';

/** A path parameter naming a row by its id. */
export const IdParams = z.object({ id: z.string().min(1).max(300) }).strict();

/**
 * The organisation a request body names (by name or id). An unknown one is a
 * mistake in the body, so 400 naming the field, not 404 for the URL.
 */
export async function organizationField(db: Kysely<DatabaseSchema>, nameOrId: string, field: string): Promise<Organization> {
  try {
    return await resolveOrganization(db, nameOrId);
  } catch (error) {
    if (isEntenteError(error) && error.code === 'not_found') {
      throw new EntenteError('invalid_input', `${field}: no organisation named or with id "${nameOrId}"`, { field });
    }
    throw error;
  }
}

/** Microseconds since the epoch as an ISO 8601 date-time (RFC 3339, microsecond precision). */
export function isoTime(micros: number): string {
  return microsToTimestamp(micros);
}

export function isoTimeOrNull(micros: number | null): string | null {
  return micros === null ? null : microsToTimestamp(micros);
}

/** An ISO 8601 date or date-time in a body or query, as microseconds since the epoch. */
export const IsoDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/, 'use an ISO 8601 date such as 2027-01-31 or 2027-01-31T12:00:00Z')
  .transform((value, context) => {
    const millis = Date.parse(value);
    if (Number.isNaN(millis)) {
      context.addIssue({ code: 'custom', message: 'not a real date' });
      return z.NEVER;
    }
    return millis * 1000;
  });
