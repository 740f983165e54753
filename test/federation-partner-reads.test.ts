import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantCollection } from '../src/access/collection-grants.js';
import { createOrganization, type Organization } from '../src/access/organizations.js';
import { SHARING_EXTENSION_ID } from '../src/access/sharing-extension.js';
import { createSharingGroup } from '../src/access/sharing-groups.js';
import type { Principal } from '../src/access/principal.js';
import { readScopeOf } from '../src/access/read-scope.js';
import { createSession, findSession } from '../src/access/sessions.js';
import { createToken } from '../src/access/tokens.js';
import { createUser, findUserByUsername } from '../src/access/users.js';
import { addPartner } from '../src/federation/partners.js';
import { TEST_SECRET_KEY } from '../src/federation/test-support.js';
import { basicAuth, PASSWORD, startTestServer, type TaxiiTestServer } from '../src/http/test-server.js';
import { indicator, suiteContext } from '../src/http/taxii-test-client.js';
import { TLP2_MARKING_IDS } from '../src/stix/tlp.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../src/store/test-backends.js';

/**
 * Issue 5 "never AMBER+STRICT or RED leave", by pull: an account of an
 * organisation that represents a partner instance is that partner pulling,
 * so over TAXII it reads what may be sent to the partner — even when it is
 * named as a RED recipient — while a local account named the same way reads
 * the RED object.
 */
function partnerReadsSuite(open: () => Promise<TestStore>): void {
  let server: TaxiiTestServer;
  let partnerOrg: Organization;
  let partnerToken: string;
  let ally: Organization;
  let allyToken: string;
  const t = suiteContext(() => server);
  const sharing = (payload: Record<string, unknown>) => ({
    extensions: { [SHARING_EXTENSION_ID]: { extension_type: 'property-extension', ...payload } },
  });
  const marked = (level: keyof typeof TLP2_MARKING_IDS, extra: Record<string, unknown> = {}) =>
    indicator({ object_marking_refs: [TLP2_MARKING_IDS[level]], ...extra });

  beforeAll(async () => {
    server = await startTestServer(open);
    partnerOrg = await createOrganization(server.db, { name: 'London (partner)' });
    ally = await createOrganization(server.db, { name: 'Local ally' });
    for (const [org, username] of [
      [partnerOrg, 'london-puller'],
      [ally, 'ally'],
    ] as const) {
      await createUser(server.db, { orgId: org.id, username, role: 'reader', password: PASSWORD });
      await grantCollection(server.db, { collectionId: server.sharedId, orgId: org.id, canRead: true, canWrite: false });
    }
    const tokenOf = async (username: string) =>
      `Bearer ${(await createToken(server.db, { userId: (await findUserByUsername(server.db, username))?.id ?? '', scope: 'read' })).token}`;
    partnerToken = await tokenOf('london-puller');
    allyToken = await tokenOf('ally');
    await addPartner(server.db, TEST_SECRET_KEY, {
      name: 'london',
      discoveryUrl: 'http://127.0.0.1:9/taxii2/',
      credentials: { kind: 'token', token: 'unused' },
      orgIds: [partnerOrg.id],
    });
  });
  afterAll(async () => server.close());

  async function idsSeenBy(auth: string): Promise<Set<string>> {
    const page = await t.call(`${t.objectsPath(server.sharedId)}?limit=50`, { auth });
    expect(page.status).toBe(200);
    return new Set((page.body.objects ?? []).map((o) => String(o.id)));
  }

  it('a partner account named as a RED recipient does not pull the RED object; a local recipient reads it', async () => {
    const writerOrg = (await findUserByUsername(server.db, 'writer'))?.orgId ?? '';
    const group = await createSharingGroup(server.db, { name: 'with london', ownerOrg: writerOrg, members: [{ orgId: partnerOrg.id, canExtend: false }] });
    const red = marked('red', sharing({ recipient_org_refs: [partnerOrg.identityId, ally.identityId], recipient_usernames: ['london-puller'] }));
    const strict = marked('amber+strict');
    const green = marked('green');
    const amberToGroup = marked('amber', sharing({ sharing_group_ref: group.id }));
    const added = await t.add(server.sharedId, [red, strict, green, amberToGroup]);
    expect(added.body, JSON.stringify(added.body)).toMatchObject({ success_count: 4 });

    for (const auth of [partnerToken, basicAuth('london-puller')]) {
      const seen = await idsSeenBy(auth);
      expect(seen.has(green.id as string)).toBe(true);
      expect(seen.has(amberToGroup.id as string)).toBe(true);
      expect(seen.has(red.id as string)).toBe(false);
      expect(seen.has(strict.id as string)).toBe(false);
      t.expectError(await t.call(`${t.objectsPath(server.sharedId)}${String(red.id)}/`, { auth }), 404);
      t.expectError(await t.call(`${t.objectsPath(server.sharedId)}${String(red.id)}/versions/`, { auth }), 404);
    }
    // Every way of signing in marks the principal alike: a console session of the partner account reads with the partner scope too.
    const puller = (await findUserByUsername(server.db, 'london-puller'))?.id ?? '';
    const session = await findSession(server.db, (await createSession(server.db, puller, '127.0.0.1')).secret);
    expect(session?.principal.representsPartner).toBe(true);
    expect(readScopeOf(session?.principal as Principal)).toEqual({ kind: 'partner', orgIds: [partnerOrg.id] });
    const seenByAlly = await idsSeenBy(allyToken);
    expect(seenByAlly.has(red.id as string)).toBe(true);
    expect(seenByAlly.has(amberToGroup.id as string)).toBe(false);
  });
}

describe('partner accounts read with the partner scope on SQLite', () => partnerReadsSuite(openSqliteForTest));
describeIfPostgres('partner accounts read with the partner scope on PostgreSQL', await postgresProblem(), () => partnerReadsSuite(openPostgresForTest));
