import type { Expression, SqlBool } from 'kysely';
import type { ReadScope } from './object-store.js';

/** The aliases under which read queries name rows of `objects`. */
export type ObjectsAlias = 'o' | 'v';

/**
 * The one translation of a reader's scope into SQL over a row of `objects`
 * named `alias` (build it with `sql.ref(`${alias}.tlp`)` and the like). Every
 * read path applies it, to the rows it returns and to the rows its version
 * probes compare against, so "latest version" means the latest the reader may
 * see. `undefined` means no restriction.
 */
export function visibilityCondition(_alias: ObjectsAlias, scope: ReadScope): Expression<SqlBool> | undefined {
  switch (scope.kind) {
    case 'all':
      return undefined;
  }
}
