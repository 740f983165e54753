import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../access/tokens.js';
import type { Authenticator, Principal } from '../../access/principal.js';
import { EntenteError } from '../../errors.js';
import { indicator, suiteContext } from '../../http/taxii-test-client.js';
import { startTestServer, type TaxiiTestServer } from '../../http/test-server.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../../store/test-backends.js';
import type { TaxiiContext } from './taxii-context.js';
import { verifiedRead } from './verified-read.js';

const ana: Principal = { userId: 'u1', username: 'ana', orgId: 'org-a', role: 'reader', scope: 'read', representsPartner: false, via: 'token' };

/** A context whose authenticator recalls `recalled` and then verifies as `verify` says. */
function contextWith(recalled: Principal | undefined, verify: () => Promise<Principal>): TaxiiContext {
  const authenticator: Authenticator = { authenticate: verify, recall: () => recalled };
  return { authenticator } as unknown as TaxiiContext;
}

describe('verifiedRead', () => {
  it('uses the early read when the header verifies as the recalled principal', async () => {
    const readers: string[] = [];
    const { principal, result } = await verifiedRead(contextWith(ana, async () => ({ ...ana })), 'Bearer x', async (p) => {
      readers.push(p.orgId);
      return `read as ${p.orgId}`;
    });
    expect(principal).toEqual(ana);
    expect(result).toBe('read as org-a');
    expect(readers).toEqual(['org-a']);
  });

  it('reads again as the verified principal when it differs from the recalled one', async () => {
    const moved: Principal = { ...ana, orgId: 'org-b' };
    const readers: string[] = [];
    const { principal, result } = await verifiedRead(contextWith(ana, async () => moved), 'Bearer x', async (p) => {
      readers.push(p.orgId);
      return `read as ${p.orgId}`;
    });
    expect(principal).toEqual(moved);
    expect(result).toBe('read as org-b');
    expect(readers).toEqual(['org-a', 'org-b']);
  });

  it('throws the authentication failure, never what the early read found or threw', async () => {
    const refused = new EntenteError('unauthenticated', 'Authentication failed');
    const found = verifiedRead(contextWith(ana, () => Promise.reject(refused)), 'Bearer x', async () => 'secret');
    await expect(found).rejects.toBe(refused);
    const failed = verifiedRead(contextWith(ana, () => Promise.reject(refused)), 'Bearer x', () =>
      Promise.reject(new EntenteError('not_found', 'Collection c not found')),
    );
    await expect(failed).rejects.toBe(refused);
  });

  it('throws what the read threw once the principal is verified', async () => {
    const missing = new EntenteError('not_found', 'Collection c not found');
    await expect(verifiedRead(contextWith(ana, async () => ana), 'Bearer x', () => Promise.reject(missing))).rejects.toBe(missing);
  });

  it('verifies first when nothing is recalled', async () => {
    const steps: string[] = [];
    const verify = async () => {
      steps.push('verify');
      return ana;
    };
    await verifiedRead(contextWith(undefined, verify), 'Bearer x', async () => {
      steps.push('read');
    });
    expect(steps).toEqual(['verify', 'read']);
  });
});

/**
 * Over HTTP: credentials changed behind the server's back (another process,
 * straight in the database) take effect on the very next read, although the
 * server remembers whom each header authenticated as.
 */
function overHttp(open: () => Promise<TestStore>): void {
  let server: TaxiiTestServer;
  const t = suiteContext(() => server);
  beforeAll(async () => {
    server = await startTestServer(open);
    expect((await t.add(server.sharedId, [indicator()])).status).toBe(202);
  });
  afterAll(async () => server.close());

  it('refuses a revoked token on the next read', async () => {
    const token = server.auth.readToken.slice('Bearer '.length);
    expect((await t.call(t.objectsPath(server.sharedId), { auth: server.auth.readToken })).status).toBe(200);
    await server.db.updateTable('api_tokens').set({ revoked_at: 1 }).where('token_hash', '=', hashToken(token)).execute();
    for (const path of [t.objectsPath(server.sharedId), `${t.collectionPath(server.sharedId)}manifest/`]) {
      t.expectError(await t.call(path, { auth: server.auth.readToken }), 401);
    }
  });

  it('reads as the user now is: moved to an organisation without the grant, the collection is not found', async () => {
    const answer = await t.call(t.objectsPath(server.sharedId), { auth: server.auth.reader });
    expect(answer.status).toBe(200);
    expect(answer.body.objects).toHaveLength(1);
    const outsider = await server.db.selectFrom('users').select('org_id').where('username', '=', 'outsider').executeTakeFirstOrThrow();
    await server.db.updateTable('users').set({ org_id: outsider.org_id }).where('username', '=', 'reader').execute();
    t.expectError(await t.call(t.objectsPath(server.sharedId), { auth: server.auth.reader }), 404);
  });

  it('refuses a disabled user on the next read', async () => {
    expect((await t.call(t.objectsPath(server.sharedId), { auth: server.auth.writer })).status).toBe(200);
    await server.db.updateTable('users').set({ disabled: 1 }).where('username', '=', 'writer').execute();
    t.expectError(await t.call(t.objectsPath(server.sharedId), { auth: server.auth.writer }), 401);
  });
}

describe('credentials changed while a server remembers them, on SQLite', () => overHttp(openSqliteForTest));
describeIfPostgres('credentials changed while a server remembers them, on PostgreSQL', await postgresProblem(), () =>
  overHttp(openPostgresForTest),
);
