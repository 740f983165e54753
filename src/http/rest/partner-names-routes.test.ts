import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOrganization } from '../../access/organizations.js';
import { createUser } from '../../access/users.js';
import { addPartner } from '../../federation/partners.js';
import { openSqliteForTest } from '../../store/test-backends.js';
import { startTestServer, type TaxiiTestServer } from '../test-server.js';
import { expectRestError, restClient } from './rest-test-client.js';

/**
 * `GET /rest/v1/partner-names` over real HTTP: a reader gets every partner's
 * id and name and nothing else; no credentials, 401; an account representing
 * a partner, 403.
 */
const SECRET = 'partner-names-secret-key-0123456789';
let server: TaxiiTestServer;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer(openSqliteForTest, { secretKey: SECRET });
  for (const name of ['zulu-agency', 'allied']) {
    const org = await createOrganization(server.db, { name: `${name} org` });
    const partner = await addPartner(server.db, SECRET, {
      name,
      discoveryUrl: `https://${name}.example/taxii2/`,
      credentials: { kind: 'token', token: `secret-token-of-${name}` },
      orgIds: [org.id],
      receiverOrgIds: [],
    });
    ids[name] = partner.id;
  }
});
afterAll(async () => server.close());

it('gives a non-admin reader each partner id and name, sorted by name, and nothing else', async () => {
  const answer = await restClient(server, server.auth.reader).get('/partner-names');
  expect(answer.status, answer.text).toBe(200);
  expect(answer.body).toEqual({ items: [{ id: ids.allied, name: 'allied' }, { id: ids['zulu-agency'], name: 'zulu-agency' }] });
  expect(answer.text).not.toMatch(/example|secret-token|health|token/);
  // The admin list stays admin-only.
  expectRestError(await restClient(server, server.auth.reader).get('/partners'), 403, 'forbidden');
});

it('refuses a request without credentials and an account representing a partner', async () => {
  expectRestError(await restClient(server).get('/partner-names'), 401, 'unauthenticated');
  const partnerOrg = (await server.db.selectFrom('organizations').select('id').where('name', '=', 'allied org').executeTakeFirstOrThrow()).id;
  await createUser(server.db, { orgId: partnerOrg, username: 'allied-puller', role: 'reader', password: 'a long enough password' });
  const authorization = `Basic ${Buffer.from('allied-puller:a long enough password').toString('base64')}`;
  expectRestError(await restClient(server, authorization).get('/partner-names'), 403, 'forbidden');
});
