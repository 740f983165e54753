import { nowMicros } from '../store/timestamps.js';
import type { Principal } from './principal.js';
import { hashToken } from './tokens.js';

/** Numbered PostgreSQL placeholders after those a statement already has. */
export class StatementParameters {
  readonly values: unknown[] = [];

  constructor(private readonly taken: number) {}

  /** The placeholder for `value`, cast to `type`. */
  add(value: unknown, type: 'text' | 'bigint' | 'int'): string {
    this.values.push(value);
    return `$${this.taken + this.values.length}::${type}`;
  }
}

/**
 * A PostgreSQL condition, true exactly when a request presenting API token
 * `token` is, at the statement's snapshot, authenticated as `principal` and
 * may read collection `collectionId`: the token is live (not revoked, not
 * expired) and belongs to the principal's user, who is not disabled and has
 * the principal's name, organisation, role and partner flag, the token has
 * the principal's scope, and the principal is an admin or its organisation
 * was granted reading. These are the conditions of tokens.ts `findLiveToken`
 * with authenticator.ts `bearer` and of permissions.ts
 * `decideCollectionPermissions` (`canRead`), stated in SQL so that a
 * statement can write what depends on them (the read audit's append,
 * access-audit.ts) in the same round trip as the read; read-guard.test.ts
 * holds the two equal.
 *
 * Only for a principal that authenticated with a token (`via: 'token'`): a
 * password cannot be checked inside a statement.
 */
export function readGuardSql(
  params: StatementParameters,
  token: string,
  principal: Principal,
  collectionId: string,
  now: number = nowMicros(),
): string {
  const partner = `case when exists (select 1 from partner_organizations po where po.org_id = u.org_id) then 1 else 0 end`;
  return `exists (select 1 from api_tokens t join users u on u.id = t.user_id
    where t.token_hash = ${params.add(hashToken(token), 'text')}
      and t.revoked_at is null and (t.expires_at is null or t.expires_at > ${params.add(now, 'bigint')})
      and u.disabled = 0 and u.id = ${params.add(principal.userId, 'text')} and u.username = ${params.add(principal.username, 'text')}
      and u.org_id = ${params.add(principal.orgId, 'text')} and u.role = ${params.add(principal.role, 'text')}
      and t.scope = ${params.add(principal.scope, 'text')} and ${partner} = ${params.add(principal.representsPartner ? 1 : 0, 'int')}
      and (u.role = 'admin' or exists (select 1 from collection_grants g
        where g.collection_id = ${params.add(collectionId, 'text')} and g.org_id = u.org_id and g.can_read <> 0)))`;
}
