import { EntenteError } from '../../errors.js';

/**
 * Identifiers taken from URL paths. One that cannot name anything (control
 * characters, absurd length, an object id that is not a STIX identifier) is
 * answered as "not found" before it reaches the database, which could refuse
 * such text (PostgreSQL rejects NUL) and turn a bad request into a 500.
 */

/** STIX 2.1 §2.9 identifier: `type--UUID`. */
export const STIX_IDENTIFIER = /^[a-z0-9][a-z0-9-]*--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const CONTROL = /\p{Cc}/u;
const MAX_ID_LENGTH = 256;

/** Throws `not_found` for a collection or status id that cannot exist. */
export function requirePlainId(what: 'Collection' | 'Status', id: string): void {
  if (id.length === 0 || id.length > MAX_ID_LENGTH || CONTROL.test(id)) {
    throw new EntenteError('not_found', `${what} ${JSON.stringify(id)} not found`);
  }
}

/** Throws `not_found` for an object id that is not a STIX identifier. */
export function requireStixIdentifier(objectId: string, collectionId: string): void {
  if (!STIX_IDENTIFIER.test(objectId)) {
    throw new EntenteError('not_found', `Object ${JSON.stringify(objectId)} not found in collection ${collectionId}`);
  }
}
