import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { grantCollection } from '../access/collection-grants.js';
import { createOrganization, findOrganizationByName, type Organization } from '../access/organizations.js';
import { createToken } from '../access/tokens.js';
import { createUser } from '../access/users.js';
import type { DatabaseSchema } from '../store/schema.js';
import { addPartner, type Partner } from './partners.js';

/** One side of a partnership: an instance's database, base URL, name and the collection it shares. */
export interface PartnerSide {
  readonly name: string;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly db: Kysely<DatabaseSchema>;
  /** Id of the collection this side shares (and pulls into). */
  readonly collectionId: string;
  /** Its alias or title, as the other side names it over TAXII. */
  readonly collectionName: string;
}

/**
 * Sets up a pull partnership the way two administrators would (`entente demo`,
 * README "Federation"): on `source`, an organisation named after the puller
 * and a reader account in it, with a read-only token and read access to the
 * shared collection; on `puller`, an organisation standing for the source and
 * the partner itself, pulling the source's collection into its own every
 * `everySeconds`. What the puller receives is what that account may see there.
 * Each side has one organisation per peer: the same stands for the peer as
 * the holder of the account it pulls with and as the partner it is pulled from.
 */
export async function connectPull(puller: PartnerSide, source: PartnerSide, secretKey: string, everySeconds: number): Promise<Partner> {
  const account = await organizationNamed(source.db, puller.name);
  const user = await createUser(source.db, {
    orgId: account.id,
    username: `${puller.name}-sync`,
    role: 'reader',
    password: randomBytes(18).toString('base64url'),
  });
  const { token } = await createToken(source.db, { userId: user.id, scope: 'read', label: `partner ${puller.name}` });
  await grantCollection(source.db, { collectionId: source.collectionId, orgId: account.id, canRead: true, canWrite: false });
  const represented = await organizationNamed(puller.db, source.name);
  return await addPartner(puller.db, secretKey, {
    name: source.name,
    discoveryUrl: `${source.url}/taxii2/`,
    credentials: { kind: 'token', token },
    orgIds: [represented.id],
    pull: [{ remoteCollection: source.collectionName, localCollection: puller.collectionId }],
    intervalSeconds: everySeconds,
  });
}

async function organizationNamed(db: Kysely<DatabaseSchema>, name: string): Promise<Organization> {
  return (await findOrganizationByName(db, name)) ?? (await createOrganization(db, { name }));
}
