import { sql, type RawBuilder } from 'kysely';
import type { TlpLevel } from './schema.js';

/**
 * The levels whose reads go to the audit log (issue 4 "Audit"): AMBER,
 * AMBER+STRICT and RED, and `unknown` (a marking entente cannot read), which
 * the access policy already treats as restrictive.
 */
export const AUDITED_LEVELS = ['amber', 'amber+strict', 'red', 'unknown'] as const satisfies readonly TlpLevel[];

/**
 * `id@version level` for a row of `objects as o` whose reads are audited, else
 * null: computed by the page query itself, so auditing a page costs no second
 * query and a page with no such object costs nothing at all.
 */
export function auditLabelColumn(): RawBuilder<string | null> {
  const levels = sql.join(AUDITED_LEVELS.map((level) => sql.lit(level)));
  const tlp = sql.ref('o.tlp');
  return sql<string | null>`case when ${tlp} in (${levels}) then ${sql.ref('o.id')} || '@' || ${sql.ref('o.version_raw')} || ' ' || ${tlp} end`;
}
