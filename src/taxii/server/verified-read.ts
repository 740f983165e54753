import type { Principal } from '../../access/principal.js';
import { samePrincipal } from '../../access/recent-principals.js';
import type { TaxiiContext } from './taxii-context.js';

export interface VerifiedRead<T> {
  readonly principal: Principal;
  readonly result: T;
}

/**
 * Authenticates a request and runs a read-only `read` as its principal. When
 * the header authenticated before in this process, `read` starts at once with
 * that principal while the header is verified again, so on PostgreSQL the
 * credential look-up and the read are one round trip apart instead of two.
 * What the early read found is used only when the fresh verification yields
 * the very same principal; otherwise it is discarded and the read runs again
 * as the verified principal. A failed verification throws its own error and
 * nothing read is used, so every answer is exactly what the sequential order
 * gives, errors included (401 before anything `read` throws).
 *
 * `read` must have no side effects: it may run and be thrown away. Anything
 * that records the read (the audit) comes after, with the verified principal —
 * save the entry a PostgreSQL page statement appends itself
 * (object-texts.ts), which it writes only when the token, at that statement's
 * snapshot, is live and this very principal's and the principal may read the
 * collection (access/read-guard.ts). Such an entry records a read the token
 * stood for; should the verification running beside it disagree (the token
 * revoked or its user changed in the same instant), the page is read again
 * as the verified principal and recorded again.
 */
export async function verifiedRead<T>(
  ctx: TaxiiContext,
  authorization: string | undefined,
  read: (principal: Principal) => Promise<T>,
): Promise<VerifiedRead<T>> {
  const recalled = ctx.authenticator.recall?.(authorization);
  if (recalled === undefined) {
    const principal = await ctx.authenticator.authenticate(authorization);
    return { principal, result: await read(principal) };
  }
  const early = settled((async () => read(recalled))());
  const principal = await ctx.authenticator.authenticate(authorization);
  if (!samePrincipal(principal, recalled)) return { principal, result: await read(principal) };
  const outcome = await early;
  if (!outcome.ok) throw outcome.error;
  return { principal, result: outcome.value };
}

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** Holds a promise's outcome without an unhandled rejection while it is not (or never) awaited. */
function settled<T>(promise: Promise<T>): Promise<Outcome<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}
