import type { RequestOrigin } from '../../access/access-audit.js';
import type { Principal } from '../../access/principal.js';
import { EntenteError } from '../../errors.js';
import { compareTimestamps } from '../../stix/timestamp.js';
import type { ObjectQuery, VersionSelector } from '../../store/object-store.js';
import type { TaxiiContext } from './taxii-context.js';

/**
 * TAXII 2.1 §5.7 Delete An Object with its two filters. Without a
 * `match[version]` every version goes. `match[spec_version]` first narrows the
 * versions considered, then `match[version]` picks among them (first, last,
 * all or exact), so the selection is made here — among the versions the
 * principal may see — and the store deletes exact versions. Returns how many versions were deleted.
 * Among what it sees, a principal deletes only what its organisation authored
 * (access/deletion-rights.ts; an instance admin deletes any): otherwise 403,
 * and the refusal is audited.
 */
export async function deleteObjectVersions(
  ctx: TaxiiContext,
  collectionId: string,
  objectId: string,
  query: ObjectQuery,
  principal: Principal,
  origin: RequestOrigin = { address: null, path: `DELETE ${objectId}` },
): Promise<number> {
  const selectors: readonly VersionSelector[] = query.versions ?? [{ kind: 'all' }];
  const scope = ctx.readScope(principal);
  // A viewer deletes only among the versions it may see: a hidden version is neither removed nor revealed.
  if (query.specVersions === undefined && scope.kind === 'all' && ctx.deletionRights === undefined) {
    return ctx.store.deleteObject(collectionId, objectId, selectors);
  }

  const candidates: string[] = [];
  let next: string | undefined;
  do {
    const page = await ctx.store.queryVersions(
      collectionId,
      objectId,
      {
        ...(query.specVersions === undefined ? {} : { specVersions: query.specVersions }),
        limit: ctx.settings.maxPageSize,
        ...(next === undefined ? {} : { next }),
      },
      scope,
    );
    candidates.push(...page.items.map((record) => record.version));
    next = page.more ? page.next : undefined;
  } while (next !== undefined);
  if (candidates.length === 0) return 0;

  const chosen = selectVersions(candidates.sort(compareTimestamps), selectors);
  if (chosen.length === 0) return 0;
  await requireDeletionRight(ctx, principal, { collectionId, objectId, versions: chosen }, origin);
  return ctx.store.deleteObject(
    collectionId,
    objectId,
    chosen.map((version) => ({ kind: 'at', version })),
    query.specVersions,
  );
}

/** `match[version]` (TAXII 2.1 §3.4.1) over versions sorted oldest first. */
function selectVersions(sorted: readonly string[], selectors: readonly VersionSelector[]): string[] {
  const chosen = new Set<string>();
  for (const selector of selectors) {
    if (selector.kind === 'all') sorted.forEach((version) => chosen.add(version));
    else if (selector.kind === 'first') chosen.add(sorted[0] as string);
    else if (selector.kind === 'last') chosen.add(sorted[sorted.length - 1] as string);
    else sorted.filter((version) => compareTimestamps(version, selector.version) === 0).forEach((version) => chosen.add(version));
  }
  return [...chosen];
}

async function requireDeletionRight(
  ctx: TaxiiContext,
  principal: Principal,
  { collectionId, objectId, versions }: { collectionId: string; objectId: string; versions: readonly string[] },
  origin: RequestOrigin,
): Promise<void> {
  if (ctx.deletionRights === undefined) return;
  if ((await ctx.deletionRights(principal, collectionId, objectId, versions)) === 'allowed') return;
  await ctx.audit?.record({
    action: 'objects.delete-refused',
    actorUser: principal.userId,
    actorOrg: principal.orgId,
    target: objectId,
    ...origin,
    details: { collection: collectionId, versions: [...versions] },
  });
  throw new EntenteError(
    'forbidden',
    `Object ${objectId} was published by another organisation; only that organisation or an instance admin deletes it`,
    { object: objectId },
  );
}
