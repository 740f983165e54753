import { sql, type Expression, type SqlBool } from 'kysely';
import type { ReadScope } from './object-store.js';

/** The aliases under which read queries name rows of `objects`. */
export type ObjectsAlias = 'o' | 'v';

/**
 * The one translation of a reader's scope into SQL over a row of `objects`
 * named `alias`. Every read path applies it, to the rows it returns and to the
 * rows its version probes compare against, so "latest version" means the
 * latest the reader may see. `undefined` means no restriction.
 *
 * For a viewer it states access/marking-policy.ts `canSee` (property tests
 * hold the two equal): the author's organisation sees all it authored; CLEAR
 * everyone; GREEN the community; AMBER the organisations of the sharing group
 * (membership read in this same query); RED the recipients recorded for that
 * very row; AMBER+STRICT, unknown and unresolved levels nobody else.
 * For a partner it states access/partner-scope.ts `canSendToPartner`.
 */
export function visibilityCondition(alias: ObjectsAlias, scope: ReadScope): Expression<SqlBool> | undefined {
  switch (scope.kind) {
    case 'all':
      return undefined;
    case 'viewer': {
      const column = (name: string) => sql.ref(`${alias}.${name}`);
      const tlp = column('tlp');
      const alternatives = [
        sql`${column('author_org')} = ${scope.orgId}`,
        sql`${tlp} = 'clear'`,
        ...(scope.community ? [sql`${tlp} = 'green'`] : []),
        sql`(${tlp} = 'amber' and ${column('sharing_group')} in (select m.group_id from sharing_group_members m where m.org_id = ${scope.orgId}))`,
        sql`(${tlp} = 'red' and exists (select 1 from object_recipients r where r.collection_id = ${column('collection_id')} and r.date_added = ${column('date_added')} and ((r.recipient_kind = 'user' and r.recipient_id = ${scope.userId}) or (r.recipient_kind = 'org' and r.recipient_id = ${scope.orgId}))))`,
      ];
      return sql<SqlBool>`(${sql.join(alternatives, sql` or `)})`;
    }
    case 'partner': {
      const tlp = sql.ref(`${alias}.tlp`);
      const alternatives = [
        sql`${tlp} in ('clear', 'green')`,
        ...(scope.orgIds.length > 0
          ? [
              sql`(${tlp} = 'amber' and ${sql.ref(`${alias}.sharing_group`)} in (select m.group_id from sharing_group_members m where m.org_id in (${sql.join(scope.orgIds)})))`,
            ]
          : []),
      ];
      return sql<SqlBool>`(${sql.join(alternatives, sql` or `)})`;
    }
  }
}
