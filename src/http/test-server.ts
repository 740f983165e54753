import type { Kysely } from 'kysely';
import { accessServices } from '../access/access-services.js';
import { grantCollection } from '../access/collection-grants.js';
import { createOrganization } from '../access/organizations.js';
import type { Role } from '../access/principal.js';
import { createToken } from '../access/tokens.js';
import { createUser } from '../access/users.js';
import { loadSettings, type Settings, type SettingsInput } from '../config/settings.js';
import type { ObjectStore } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import type { TestStore } from '../store/test-backends.js';
import { startServer } from './server.js';

/**
 * Test support: a real server on loopback over a real store, with two
 * organisations, users of every role with API tokens, and collections granted
 * so that every access case can be exercised.
 */
export interface TaxiiTestServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** The API root URL, ending with '/'. */
  readonly apiRoot: string;
  readonly settings: Settings;
  readonly store: ObjectStore;
  readonly db: Kysely<DatabaseSchema>;
  /** `Authorization` header values. */
  readonly auth: Readonly<Record<'admin' | 'writer' | 'reader' | 'outsider' | 'readToken', string>>;
  /** Read-write for organisation A. */
  readonly sharedId: string;
  /** Read-only for organisation A (the writer's `readToken` also only reads). */
  readonly readOnlyId: string;
  /** Granted to organisation B only: invisible to A. */
  readonly hiddenId: string;
  /** A new empty collection, read-write for organisation A. */
  readonly newCollection: () => Promise<string>;
  readonly close: () => Promise<void>;
}

/** The password of every test user. */
export const PASSWORD = 'correct horse battery staple';

export async function startTestServer(
  open: () => Promise<TestStore>,
  overrides: Partial<SettingsInput> = {},
): Promise<TaxiiTestServer> {
  const testStore = await open();
  const { store, db } = testStore.opened;
  await store.migrate();
  const settings = loadSettings(
    {},
    { host: '127.0.0.1', port: 0, logLevel: 'silent', maxPageSize: 50, defaultPageSize: 20, ...overrides },
  );

  const orgA = await createOrganization(db, { name: 'Agency A' });
  const orgB = await createOrganization(db, { name: 'Agency B' });
  const userWithToken = async (username: string, orgId: string, role: Role) => {
    const user = await createUser(db, { orgId, username, role, password: PASSWORD });
    return { user, token: (await createToken(db, { userId: user.id, scope: 'read-write' })).token };
  };
  const admin = await userWithToken('admin', orgA.id, 'admin');
  const writer = await userWithToken('writer', orgA.id, 'contributor');
  const reader = await userWithToken('reader', orgA.id, 'reader');
  const outsider = await userWithToken('outsider', orgB.id, 'contributor');
  const readToken = await createToken(db, { userId: writer.user.id, scope: 'read' });

  const shared = await store.createCollection({ title: 'Shared', description: 'Read-write for A', alias: 'shared' });
  const readOnly = await store.createCollection({ title: 'Read only' });
  const hidden = await store.createCollection({ title: 'Hidden' });
  await grantCollection(db, { collectionId: shared.id, orgId: orgA.id, canRead: true, canWrite: true });
  await grantCollection(db, { collectionId: readOnly.id, orgId: orgA.id, canRead: true, canWrite: false });
  await grantCollection(db, { collectionId: hidden.id, orgId: orgB.id, canRead: true, canWrite: true });

  const server = await startServer({
    settings,
    store,
    db,
    ...accessServices(db, store),
  });
  return {
    url: server.url,
    apiRoot: `${server.url}/api/v21/`,
    settings,
    store,
    db,
    auth: {
      admin: `Bearer ${admin.token}`,
      writer: `Bearer ${writer.token}`,
      reader: `Bearer ${reader.token}`,
      outsider: `Bearer ${outsider.token}`,
      readToken: `Bearer ${readToken.token}`,
    },
    sharedId: shared.id,
    readOnlyId: readOnly.id,
    hiddenId: hidden.id,
    newCollection: async () => {
      const collection = await store.createCollection({ title: 'Scratch' });
      await grantCollection(db, { collectionId: collection.id, orgId: orgA.id, canRead: true, canWrite: true });
      return collection.id;
    },
    close: async () => {
      await server.close();
      await testStore.dispose();
    },
  };
}

/** HTTP Basic header for a test user (all share one password). */
export function basicAuth(username: string, password = PASSWORD): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
