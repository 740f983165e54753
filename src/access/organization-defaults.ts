import type { Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import type { DatabaseSchema } from '../store/schema.js';
import { isPublishableLevel, type StoredTlp } from './marking-policy.js';

/** The TLP 2.0 levels an organisation may choose as the default of writes that carry no marking. */
export const DEFAULT_MARKINGS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type DefaultMarking = Exclude<StoredTlp, 'unknown' | 'none'>;

/**
 * Sets the marking applied to an organisation's writes that carry none
 * (issue 4: "Each organisation has a default marking"). Throws `not_found`
 * for an unknown organisation and `invalid_input` for a level that is not TLP 2.0.
 */
export async function setDefaultMarking(db: Kysely<DatabaseSchema>, orgId: string, marking: string): Promise<DefaultMarking> {
  if (!isPublishableLevel(marking)) {
    throw new EntenteError('invalid_input', `"${marking}" is not a TLP 2.0 level: use one of ${DEFAULT_MARKINGS.join(', ')}`, { field: 'defaultMarking' });
  }
  const result = await db.updateTable('organizations').set({ default_tlp: marking }).where('id', '=', orgId).executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new EntenteError('not_found', `No organisation with id ${orgId}`);
  return marking;
}
