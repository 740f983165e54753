import { sql, type RawBuilder } from 'kysely';

/**
 * 1 when the organisation in `orgColumn` (e.g. `users.org_id`) represents a
 * partner instance (federation's `partner_organizations`), 0 otherwise; one
 * expression, so the lookup that authenticates a request stays one statement.
 *
 * An account of such an organisation is how a partner instance pulls from
 * this one, so it reads with the partner scope (partner-scope.ts), never the
 * viewer rule: AMBER+STRICT and RED never leave by pull, even when a partner
 * account is named as a RED recipient (issue 5 "never AMBER+STRICT or RED").
 */
export function representsPartnerSql(orgColumn: 'users.org_id'): RawBuilder<number> {
  return sql<number>`case when exists (select 1 from partner_organizations po where po.org_id = ${sql.ref(orgColumn)}) then 1 else 0 end`;
}
