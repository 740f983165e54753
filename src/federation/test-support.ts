import type { Kysely } from 'kysely';
import { createOrganization } from '../access/organizations.js';
import type { ObjectStore } from '../store/object-store.js';
import type { DatabaseSchema } from '../store/schema.js';
import { openSqliteForTest, type TestStore } from '../store/test-backends.js';
import { TaxiiClient } from '../taxii/client/index.js';
import { addPartner, type Partner, type PartnerRule, type RuleFilters } from './partners.js';
import type { PullSource } from './pull.js';
import { startFakeTaxii, type FakeTaxiiOptions, type FakeTaxiiServer } from './test-taxii-server.js';

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

/** A partner feed for pull tests (`openPullFeed`). */
export interface PullFeed {
  readonly server: FakeTaxiiServer;
  readonly client: TaxiiClient;
  readonly partner: Partner;
  /** The partner's one pull rule, from the server's collection into `fixture`'s. */
  readonly rule: PartnerRule;
  /** Where that rule pulls from, as `pullRule` takes it. */
  readonly source: PullSource;
}

/**
 * A fake TAXII server started with `options`, a partner of `fixture`'s
 * organisation named `name` with one pull rule (with `filters`) from it into
 * `fixture`'s collection, and a client that retries at once; closing them is
 * pushed onto `cleanups`.
 */
export async function openPullFeed(
  fixture: FederationTestDb,
  cleanups: (() => Promise<void>)[],
  options: FakeTaxiiOptions & { readonly name?: string; readonly filters?: Partial<RuleFilters> },
): Promise<PullFeed> {
  const { name = 'feed', filters, ...serverOptions } = options;
  const server = await startFakeTaxii(serverOptions);
  cleanups.push(() => server.close());
  const partner = await addPartner(fixture.db, TEST_SECRET_KEY, {
    name,
    discoveryUrl: server.discoveryUrl,
    credentials: { kind: 'token', token: 'unused' },
    orgIds: [fixture.orgId],
    pull: [{ remoteCollection: server.collectionId, localCollection: fixture.collectionId, ...(filters === undefined ? {} : { filters }) }],
  });
  const client = new TaxiiClient({ retry: { baseDelayMs: 1, maxDelayMs: 5 } });
  cleanups.push(() => client.close());
  const rule = partner.rules[0];
  if (rule === undefined) throw new Error('rule expected');
  return { server, client, partner, rule, source: { apiRootUrl: server.discoveryUrl.replace('/taxii2/', '/root/'), collectionId: server.collectionId } };
}
