import type { Kysely } from 'kysely';
import { createOrganization } from '../access/organizations.js';
import type { ObjectStore } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import { openSqliteForTest, type TestStore } from '../store/test-backends.js';

/** The key federation tests seal credentials with. */
export const TEST_SECRET_KEY = 'federation-test-secret-key';

export interface FederationTestDb {
  readonly db: Kysely<DatabaseSchema>;
  readonly store: ObjectStore;
  readonly collectionId: string;
  readonly orgId: string;
  readonly dispose: () => Promise<void>;
}

/** A migrated database (default: in-memory SQLite) with one collection and one organisation. */
export async function openFederationTestDb(open: () => Promise<TestStore> = openSqliteForTest): Promise<FederationTestDb> {
  const { opened, dispose } = await open();
  await opened.store.migrate();
  const collection = await opened.store.createCollection({ title: 'from partners', alias: 'inbox' });
  const org = await createOrganization(opened.db, { name: 'Paris agency' });
  return { db: opened.db, store: opened.store, collectionId: collection.id, orgId: org.id, dispose };
}
