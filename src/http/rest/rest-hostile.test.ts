import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../access/audit-log.js';
import { createSharingGroup } from '../../access/sharing-groups.js';
import { findOrganizationByName } from '../../access/organizations.js';
import { findUserByUsername } from '../../access/users.js';
import { openPostgresForTest, openSqliteForTest, postgresProblem, describeIfPostgres, type TestStore } from '../../store/test-backends.js';
import { startTestServer, type TaxiiTestServer } from '../test-server.js';
import { restClient, signIn, type RestAnswer, type RestClient } from './rest-test-client.js';

const TABLES = ['organizations', 'users', 'api_tokens', 'collections', 'collection_grants', 'sharing_groups', 'sharing_group_members', 'sessions', 'audit_log'];

/** Bodies no admin endpoint accepts: malformed, mistyped, oversized, too deep, or with fields no endpoint knows. */
const HOSTILE_BODIES: readonly string[] = [
  '',
  '{',
  '{"name": "x",}',
  'null',
  '[]',
  '"text"',
  '42',
  '{"__proto__": {"role": "admin"}, "name": "Polluted"}',
  '{"constructor": {"prototype": {"admin": true}}}',
  '{"name": {"$ne": null}}',
  '{"name": ["a", "b"]}',
  `{"name": "${'x'.repeat(300)}"}`,
  `${'['.repeat(100)}${']'.repeat(100)}`,
  `{"a":${'{"a":'.repeat(80)}1${'}'.repeat(80)}}`,
  '{"username": "eve", "org": "Agency A", "role": "admin", "password": "correct horse battery staple", "isAdmin": true}',
  '{"scope": "admin"}',
  '{"read": "true", "write": 1}',
  '{"org": null}',
  '\u0000\u0001',
  '{"name": "\\ud800"}',
];

const HOSTILE_IDS = ['..', '..%2F..%2Ftaxii2', '%00', 'x'.repeat(301), "1' or '1'='1", '%2e%2e', 'a%2Fb'];

function hostileSuite(open: () => Promise<TestStore>, runs: number): void {
  let server: TaxiiTestServer;
  let viaCookie: RestClient;
  let viaToken: RestClient;
  let ids: { org: string; user: string; collection: string; group: string };

  beforeAll(async () => {
    server = await startTestServer(open, { maxRestBodyBytes: 8192 });
    const orgB = (await findOrganizationByName(server.db, 'Agency B'))?.id ?? '';
    const orgA = (await findOrganizationByName(server.db, 'Agency A'))?.id ?? '';
    const group = await createSharingGroup(server.db, { name: 'Existing', ownerOrg: orgA, members: [{ orgId: orgB, canExtend: false }] });
    ids = { org: orgB, user: (await findUserByUsername(server.db, 'reader'))?.id ?? '', collection: server.sharedId, group: group.id };
    viaCookie = await signIn(server, 'admin');
    viaToken = restClient(server, server.auth.admin);
  });
  afterAll(async () => server.close());

  const snapshot = async () => {
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      const row = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(server.db);
      counts[table] = Number(row.rows[0]?.n);
    }
    const grants = await server.db.selectFrom('collection_grants').selectAll().orderBy('collection_id').orderBy('org_id').execute();
    const users = await server.db.selectFrom('users').select(['id', 'role', 'disabled', 'password_hash']).orderBy('id').execute();
    return JSON.stringify({ counts, grants, users });
  };

  const writes = (): [string, string][] => [
    ['POST', '/orgs'],
    ['POST', '/users'],
    ['PATCH', `/users/${ids.user}`],
    ['POST', `/users/${ids.user}/tokens`],
    ['POST', '/collections'],
    ['PUT', `/collections/${ids.collection}/grants/${ids.org}`],
    ['POST', '/groups'],
    ['POST', `/groups/${ids.group}/members`],
    ['POST', '/session'],
  ];

  const expectRefused = (answer: RestAnswer, what: string) => {
    expect(answer.status, `${what}: ${answer.text}`).toBeGreaterThanOrEqual(400);
    expect(answer.status, `${what}: ${answer.text}`).toBeLessThan(500);
    expect(answer.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  };

  it('refuses every hostile body at every write endpoint, by cookie and by token; nothing changes, the chain holds', async () => {
    const before = await snapshot();
    for (const [method, path] of writes()) {
      for (const body of HOSTILE_BODIES) {
        for (const client of [viaCookie, viaToken]) {
          const answer = await client.call(method, path, { body });
          expectRefused(answer, `${method} ${path} ${body.slice(0, 40)}`);
          if (answer.status !== 413) expect(answer.body?.error?.code).toMatch(/^[a-z_]+$/);
        }
      }
      expectRefused(await viaToken.call(method, path, { body: '{"name":"x"}', contentType: 'text/plain' }), `${method} ${path} text/plain`);
    }
    expect(await snapshot()).toBe(before);
    expect(({} as Record<string, unknown>).role).toBeUndefined();
    expect((await verifyAuditChain(server.db)).ok).toBe(true);
  });

  it('refuses hostile ids in every path with 4xx and changes nothing', async () => {
    const before = await snapshot();
    for (const id of HOSTILE_IDS) {
      const paths: [string, string, unknown?][] = [
        ['GET', `/orgs/${id}`],
        ['PATCH', `/users/${id}`, { role: 'admin' }],
        ['GET', `/users/${id}/tokens`],
        ['POST', `/users/${id}/tokens`, { scope: 'read-write' }],
        ['DELETE', `/tokens/${id}`],
        ['PUT', `/collections/${id}/grants/${ids.org}`, { read: true, write: true }],
        ['PUT', `/collections/${ids.collection}/grants/${id}`, { read: true, write: true }],
        ['DELETE', `/collections/${id}/grants/${id}`],
        ['GET', `/groups/${id}`],
        ['POST', `/groups/${id}/members`, { org: 'Agency B' }],
        ['DELETE', `/groups/${ids.group}/members/${id}`],
      ];
      for (const [method, path, body] of paths) {
        expectRefused(await viaCookie.call(method, path, body === undefined ? {} : { body }), `${method} ${path}`);
      }
    }
    expect(await snapshot()).toBe(before);
  });

  it('refuses random JSON values as bodies and random query strings, never with a server error', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...writes()),
        fc.jsonValue({ maxDepth: 4 }),
        fc.constantFrom('/orgs', '/users', '/audit', '/collections', '/groups', '/users/x/tokens'),
        fc.dictionary(fc.constantFrom('limit', 'cursor', 'org', 'user', 'since', 'until', 'object', 'x'), fc.string({ maxLength: 30, unit: 'binary' })),
        async ([method, path], body, list, query) => {
          expectRefused(await viaToken.call(method, path, { body: JSON.stringify(body) }), `${method} ${path}`);
          const answer = await viaToken.get(`${list}?${new URLSearchParams(query).toString()}`);
          expect(answer.status, answer.text).toBeLessThan(500);
        },
      ),
      { numRuns: runs },
    );
    expect(await snapshot()).toBe(before);
    expect((await verifyAuditChain(server.db)).ok).toBe(true);
  });
}

describe('REST hostile requests on SQLite', () => hostileSuite(openSqliteForTest, 250));
describeIfPostgres('REST hostile requests on PostgreSQL', await postgresProblem(), () => hostileSuite(openPostgresForTest, 100));
