import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAudit, type AuditRecord } from '../../access/audit-log.js';
import { findOrganizationByName } from '../../access/organizations.js';
import { createToken } from '../../access/tokens.js';
import { createUser, findUserByUsername } from '../../access/users.js';
import { openPostgresForTest, openSqliteForTest, postgresProblem, describeIfPostgres, type TestStore } from '../../store/test-backends.js';
import { startTestServer, PASSWORD, type TaxiiTestServer } from '../test-server.js';
import { expectRestError, restClient, signIn, type RestClient } from './rest-test-client.js';

function adminSuite(open: () => Promise<TestStore>, dialect: 'sqlite' | 'postgres'): void {
  let server: TaxiiTestServer;
  let admin: RestClient;
  let writer: RestClient;
  let orgA: string;
  let orgB: string;
  let adminId: string;

  beforeAll(async () => {
    server = await startTestServer(open);
    admin = await signIn(server, 'admin');
    writer = await signIn(server, 'writer');
    orgA = (await findOrganizationByName(server.db, 'Agency A'))?.id ?? '';
    orgB = (await findOrganizationByName(server.db, 'Agency B'))?.id ?? '';
    adminId = (await findUserByUsername(server.db, 'admin'))?.id ?? '';
  });
  afterAll(async () => server.close());

  const lastAudit = async (action: string): Promise<AuditRecord> => {
    const entries = (await queryAudit(server.db, {})).filter((e) => e.action === action);
    const last = entries[entries.length - 1];
    if (last === undefined) throw new Error(`no ${action} audit entry`);
    return last;
  };
  const auditText = async () => JSON.stringify(await queryAudit(server.db, {}));

  describe('organisations', () => {
    it('an admin creates one by cookie: 201, audited with actor, address and path', async () => {
      const answer = await admin.post('/orgs', { name: 'Agency C', defaultMarking: 'green' });
      expect(answer.status, answer.text).toBe(201);
      expect(answer.body).toMatchObject({ name: 'Agency C', defaultMarking: 'green' });
      expect(answer.body.identityId).toMatch(/^identity--/);
      const entry = await lastAudit('org.add');
      expect(entry).toMatchObject({ actorUser: adminId, actorOrg: orgA, target: answer.body.id, address: '127.0.0.1', path: 'POST /rest/v1/orgs' });
      const shown = await admin.get(`/orgs/${answer.body.id}`);
      expect(shown.body).toEqual(answer.body);
    });

    it('lists them in pages with the applied limit', async () => {
      const first = await admin.get('/orgs?limit=2');
      expect(first.headers.get('x-entente-applied-limit')).toBe('2');
      expect(first.body.items).toHaveLength(2);
      expect(typeof first.body.next).toBe('string');
      const second = await admin.get(`/orgs?limit=2&cursor=${first.body.next}`);
      const names = [...first.body.items, ...second.body.items].map((o: { name: string }) => o.name);
      expect(names).toEqual(['Agency A', 'Agency B', 'Agency C']);
      expect(second.body.next).toBeUndefined();
      expect((await admin.get('/orgs?limit=100000')).headers.get('x-entente-applied-limit')).toBe('500');
      expectRestError(await admin.get('/orgs?limit=0'), 400, 'validation');
      expectRestError(await admin.get('/orgs?cursor=bm90LWEtY3Vyc29y'), 400, 'validation');
    });

    it('refuses other roles (403), read-only tokens (403) and unknown ids (404)', async () => {
      expectRestError(await writer.get('/orgs'), 403, 'forbidden');
      expectRestError(await restClient(server, server.auth.reader).post('/orgs', { name: 'Nope' }), 403, 'forbidden');
      const adminUser = await findUserByUsername(server.db, 'admin');
      const readOnly = await createToken(server.db, { userId: adminUser?.id ?? '', scope: 'read' });
      const asReadOnly = restClient(server, `Bearer ${readOnly.token}`);
      expect((await asReadOnly.get('/orgs')).status).toBe(200);
      expectRestError(await asReadOnly.post('/orgs', { name: 'Nope' }), 403, 'forbidden');
      expectRestError(await admin.get('/orgs/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
      expect(await findOrganizationByName(server.db, 'Nope')).toBeUndefined();
    });

    it('refuses a cookie request without the CSRF token, and writes nothing', async () => {
      expectRestError(await admin.post('/orgs', { name: 'Forged' }, { csrf: null }), 403, 'csrf');
      expect(await findOrganizationByName(server.db, 'Forged')).toBeUndefined();
    });

    it('validation errors name the field; a duplicate is 409', async () => {
      const empty = expectRestError(await admin.post('/orgs', { name: '' }), 400, 'validation');
      expect(empty.message).toContain('name');
      const marking = expectRestError(await admin.post('/orgs', { name: 'D', defaultMarking: 'purple' }), 400, 'validation');
      expect(marking.message).toContain('defaultMarking');
      const extra = expectRestError(await admin.post('/orgs', { name: 'D', colour: 'red' }), 400, 'validation');
      expect(JSON.stringify(extra.details)).toContain('colour');
      expectRestError(await admin.post('/orgs', { name: 'Agency A' }), 409, 'conflict');
    });
  });

  describe('users', () => {
    it('an admin creates a user; neither the answer nor the audit holds the password', async () => {
      const password = 'a long enough secret phrase 1';
      const answer = await admin.post('/users', { username: 'carol', org: 'Agency B', role: 'reader', password });
      expect(answer.status, answer.text).toBe(201);
      expect(answer.body).toMatchObject({ username: 'carol', role: 'reader', disabled: false, org: { id: orgB, name: 'Agency B' } });
      expect(answer.text).not.toContain(password);
      expect(answer.text).not.toContain('argon2');
      expect(await lastAudit('user.add')).toMatchObject({ actorUser: adminId, target: answer.body.id, path: 'POST /rest/v1/users' });
      expect(await auditText()).not.toContain(password);
      expect((await signIn(server, 'carol', password)).csrfToken).toBeDefined();
    });

    it('names the field of a bad value', async () => {
      expect(expectRestError(await admin.post('/users', { username: 'Bad Name', org: 'Agency A', role: 'reader', password: PASSWORD }), 400, 'validation').message).toContain('Username');
      expect(expectRestError(await admin.post('/users', { username: 'dave', org: 'Nowhere', role: 'reader', password: PASSWORD }), 400, 'validation').details).toEqual({ field: 'org' });
      expect(expectRestError(await admin.post('/users', { username: 'dave', org: 'Agency A', role: 'root', password: PASSWORD }), 400, 'validation').message).toContain('role');
      expect(expectRestError(await admin.post('/users', { username: 'dave', org: 'Agency A', role: 'reader', password: 'short' }), 400, 'validation').message).toContain('12');
      expect(expectRestError(await admin.patch('/users/x', {}), 400, 'validation').message).toContain('at least one');
      expect(await findUserByUsername(server.db, 'dave')).toBeUndefined();
    });

    it('lists by organisation, in pages', async () => {
      const inB = await admin.get('/users?org=Agency B');
      expect(inB.body.items.map((u: { username: string }) => u.username)).toEqual(['carol', 'outsider']);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await admin.get(`/users?limit=2${cursor === undefined ? '' : `&cursor=${cursor}`}`);
        seen.push(...page.body.items.map((u: { username: string }) => u.username));
        cursor = page.body.next;
      } while (cursor !== undefined);
      expect(seen).toEqual(['admin', 'carol', 'outsider', 'reader', 'writer']);
      expect(JSON.stringify(inB.body)).not.toMatch(/password|argon2/i);
    });

    it('PATCH changes role, disables (ending sessions) and sets a password', async () => {
      const user = await createUser(server.db, { orgId: orgA, username: 'erin', role: 'reader', password: PASSWORD });
      const erin = await signIn(server, 'erin');
      const promoted = await admin.patch(`/users/${user.id}`, { role: 'contributor' });
      expect(promoted.body).toMatchObject({ role: 'contributor', disabled: false });
      expectRestError(await erin.get('/session'), 401, 'unauthenticated');
      const newPassword = 'another long secret phrase';
      expect((await admin.patch(`/users/${user.id}`, { password: newPassword })).status).toBe(200);
      expectRestError(await restClient(server).post('/session', { username: 'erin', password: PASSWORD }), 401, 'unauthenticated');
      expect((await signIn(server, 'erin', newPassword)).csrfToken).toBeDefined();
      expect((await admin.patch(`/users/${user.id}`, { disabled: true })).body.disabled).toBe(true);
      expectRestError(await restClient(server).post('/session', { username: 'erin', password: newPassword }), 401, 'unauthenticated');
      const entry = await lastAudit('user.update');
      expect(entry).toMatchObject({ target: user.id, actorUser: adminId, details: { disabled: true } });
      expect(await auditText()).not.toContain(newPassword);
    });

    it('an admin cannot disable or demote itself; others cannot PATCH at all', async () => {
      expectRestError(await admin.patch(`/users/${adminId}`, { disabled: true }), 409, 'conflict');
      expectRestError(await admin.patch(`/users/${adminId}`, { role: 'reader' }), 409, 'conflict');
      expectRestError(await writer.patch(`/users/${adminId}`, { disabled: true }), 403, 'forbidden');
      expectRestError(await admin.patch('/users/00000000-0000-4000-8000-000000000000', { role: 'reader' }), 404, 'not_found');
    });
  });

  describe('tokens', () => {
    it('a user creates its own token, shown once, usable, listed without the secret, revocable', async () => {
      const writerId = (await findUserByUsername(server.db, 'writer'))?.id ?? '';
      const created = await writer.post(`/users/${writerId}/tokens`, { scope: 'read', label: 'laptop', expiresAt: '2099-01-01T00:00:00Z' });
      expect(created.status, created.text).toBe(201);
      const secret: string = created.body.token;
      expect(secret).toMatch(/^ent_/);
      expect(created.body).toMatchObject({ scope: 'read', label: 'laptop', expiresAt: '2099-01-01T00:00:00.000000Z' });
      const asToken = restClient(server, `Bearer ${secret}`);
      expect((await asToken.get('/session')).body.user.username).toBe('writer');
      const listed = await writer.get(`/users/${writerId}/tokens`);
      expect(listed.text).not.toContain(secret);
      expect(listed.body.items.some((t: { id: string; prefix: string }) => t.id === created.body.id && secret.startsWith(t.prefix))).toBe(true);
      expect(await auditText()).not.toContain(secret);
      expect(await lastAudit('token.create')).toMatchObject({ target: created.body.id, actorUser: writerId, details: { user: writerId, scope: 'read' } });
      // A read-only token does not mint tokens.
      expectRestError(await asToken.post(`/users/${writerId}/tokens`, { scope: 'read-write' }), 403, 'forbidden');
      expect((await writer.delete(`/tokens/${created.body.id}`)).status).toBe(204);
      expectRestError(await asToken.get('/session'), 401, 'unauthenticated');
      const afterRevoke = await writer.get(`/users/${writerId}/tokens`);
      expect(afterRevoke.body.items.find((t: { id: string }) => t.id === created.body.id)).toMatchObject({ revoked: true });
      expect(await lastAudit('token.revoke')).toMatchObject({ target: created.body.id, actorUser: writerId });
    });

    it("another user's tokens answer 404, except to an admin", async () => {
      const readerId = (await findUserByUsername(server.db, 'reader'))?.id ?? '';
      expectRestError(await writer.get(`/users/${readerId}/tokens`), 404, 'not_found');
      expectRestError(await writer.post(`/users/${readerId}/tokens`, { scope: 'read' }), 404, 'not_found');
      const listed = await admin.get(`/users/${readerId}/tokens`);
      expect(listed.status).toBe(200);
      const tokenId: string = listed.body.items[0].id;
      expectRestError(await writer.delete(`/tokens/${tokenId}`), 404, 'not_found');
      expectRestError(await writer.post(`/users/${readerId}/tokens`, { scope: 'all' }), 404, 'not_found');
      const bad = expectRestError(await admin.post(`/users/${readerId}/tokens`, { scope: 'read', expiresAt: 'tomorrow' }), 400, 'validation');
      expect(bad.message).toContain('expiresAt');
      expectRestError(await admin.post(`/users/${readerId}/tokens`, { scope: 'read', expiresAt: '2001-01-01' }), 400, 'validation');
    });
  });

  describe('collections', () => {
    it('each user lists what its organisation may read or write; admins see all with grants', async () => {
      const asReader = await restClient(server, server.auth.reader).get('/collections');
      const byId = new Map(asReader.body.items.map((c: { id: string }) => [c.id, c]));
      expect(byId.get(server.sharedId)).toMatchObject({ title: 'Shared', alias: 'shared', canRead: true, canWrite: false });
      expect(byId.has(server.readOnlyId)).toBe(true);
      expect(byId.has(server.hiddenId)).toBe(false);
      expect(asReader.text).not.toContain('grants');
      const asWriter = await writer.get('/collections');
      expect(asWriter.body.items.find((c: { id: string }) => c.id === server.sharedId)).toMatchObject({ canWrite: true });
      const asOutsider = await restClient(server, server.auth.outsider).get('/collections');
      expect(asOutsider.body.items.map((c: { id: string }) => c.id)).toEqual([server.hiddenId]);
      const asAdmin = await admin.get('/collections');
      const hidden = asAdmin.body.items.find((c: { id: string }) => c.id === server.hiddenId);
      expect(hidden.grants).toEqual([{ org: { id: orgB, name: 'Agency B' }, read: true, write: true }]);
    });

    it('an admin creates one and grants and revokes an organisation, audited', async () => {
      const created = await admin.post('/collections', { title: 'Joint', alias: 'joint', description: 'A and B' });
      expect(created.status, created.text).toBe(201);
      const id: string = created.body.id;
      expect(created.body.grants).toEqual([{ org: { id: orgA, name: 'Agency A' }, read: true, write: true }]);
      const outsider = restClient(server, server.auth.outsider);
      expect((await outsider.get('/collections')).body.items.map((c: { id: string }) => c.id)).not.toContain(id);
      const granted = await admin.put(`/collections/${id}/grants/${orgB}`, { read: false, write: true });
      expect(granted.body).toMatchObject({ read: true, write: true, org: { name: 'Agency B' } });
      expect((await outsider.get('/collections')).body.items.map((c: { id: string }) => c.id)).toContain(id);
      expect(await lastAudit('collection.grant')).toMatchObject({ target: id, details: { org: orgB, canRead: true, canWrite: true }, actorUser: adminId });
      expect((await admin.delete(`/collections/${id}/grants/${orgB}`)).status).toBe(204);
      expect((await outsider.get('/collections')).body.items.map((c: { id: string }) => c.id)).not.toContain(id);
      expect(await lastAudit('collection.revoke')).toMatchObject({ target: id, details: { org: orgB } });
      expectRestError(await admin.delete(`/collections/${id}/grants/${orgB}`), 404, 'not_found');
      expectRestError(await admin.put(`/collections/no-such/grants/${orgB}`, { read: true, write: false }), 404, 'not_found');
      expectRestError(await admin.post('/collections', { title: 'Again', alias: 'joint' }), 409, 'conflict');
      expectRestError(await writer.post('/collections', { title: 'Mine' }), 403, 'forbidden');
      expectRestError(await writer.put(`/collections/${id}/grants/${orgB}`, { read: true, write: true }), 403, 'forbidden');
      expect(expectRestError(await admin.put(`/collections/${id}/grants/${orgB}`, { read: 'yes', write: false }), 400, 'validation').message).toContain('read');
    });
    it('a failure while granting leaves no collection behind (creation, grant and audit are one transaction)', async () => {
      const countCollections = async () => (await server.db.selectFrom('collections').select('id').execute()).length;
      const before = await countCollections();
      const collectionAudits = async () => (await queryAudit(server.db, {})).filter((e) => e.action === 'collection.add').length;
      const auditBefore = await collectionAudits();
      // The grant insert fails as a crash between the two steps would: nothing of the request may remain.
      if (dialect === 'postgres') {
        await sql`CREATE FUNCTION refuse_grant() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$`.execute(server.db);
        await sql`CREATE TRIGGER refuse_grant BEFORE INSERT ON collection_grants FOR EACH ROW EXECUTE FUNCTION refuse_grant()`.execute(server.db);
      } else {
        await sql`CREATE TRIGGER refuse_grant BEFORE INSERT ON collection_grants BEGIN SELECT RAISE(ABORT, 'refused by test'); END`.execute(server.db);
      }
      try {
        expect((await admin.post('/collections', { title: 'Orphan', alias: 'orphan' })).status).toBe(500);
      } finally {
        await sql`DROP TRIGGER refuse_grant${dialect === 'postgres' ? sql` ON collection_grants` : sql``}`.execute(server.db);
        if (dialect === 'postgres') await sql`DROP FUNCTION refuse_grant()`.execute(server.db);
      }
      expect(await countCollections()).toBe(before);
      expect(await collectionAudits()).toBe(auditBefore);
      const retried = await admin.post('/collections', { title: 'Orphan', alias: 'orphan' });
      expect(retried.status, retried.text).toBe(201);
      expect(retried.body.grants).toEqual([{ org: { id: orgA, name: 'Agency A' }, read: true, write: true }]);
    });
  });

  describe('sharing groups', () => {
    let adminB: RestClient;
    let adminC: RestClient;
    let orgC: string;
    beforeAll(async () => {
      orgC = (await findOrganizationByName(server.db, 'Agency C'))?.id ?? '';
      await createUser(server.db, { orgId: orgB, username: 'admin-b', role: 'admin', password: PASSWORD });
      await createUser(server.db, { orgId: orgC, username: 'admin-c', role: 'admin', password: PASSWORD });
      adminB = await signIn(server, 'admin-b');
      adminC = await signIn(server, 'admin-c');
    });

    it('members see a group and its members; others get 404 and never the membership', async () => {
      const created = await admin.post('/groups', { name: 'A and B', members: [{ org: 'Agency B' }] });
      expect(created.status, created.text).toBe(201);
      const id: string = created.body.id;
      expect(created.body.members.map((m: { org: { name: string } }) => m.org.name).sort()).toEqual(['Agency A', 'Agency B']);
      expect(await lastAudit('group.add')).toMatchObject({ target: id, actorUser: adminId, actorOrg: orgA, path: 'POST /rest/v1/groups' });
      const seenByB = await restClient(server, server.auth.outsider).get('/groups');
      expect(seenByB.body.items.map((g: { id: string }) => g.id)).toEqual([id]);
      expect(seenByB.body.items[0].members).toHaveLength(2);
      const seenByC = await adminC.get('/groups');
      expect(seenByC.body.items).toEqual([]);
      expectRestError(await adminC.get(`/groups/${id}`), 404, 'not_found');
      expect((await adminC.get(`/groups/${id}`)).text).not.toContain(orgB);
      expectRestError(await adminC.post(`/groups/${id}/members`, { org: 'Agency C' }), 404, 'not_found');
    });

    it('extending takes an extender, removing takes the owner; changes are audited', async () => {
      const created = await admin.post('/groups', { name: 'Owned by A', members: [{ org: 'Agency B', canExtend: false }] });
      const id: string = created.body.id;
      expectRestError(await adminB.post(`/groups/${id}/members`, { org: 'Agency C' }), 403, 'forbidden');
      expectRestError(await restClient(server, server.auth.outsider).post(`/groups/${id}/members`, { org: 'Agency C' }), 403, 'forbidden');
      const added = await admin.post(`/groups/${id}/members`, { org: orgC, canExtend: true });
      expect(added.status, added.text).toBe(201);
      expect(await lastAudit('group.member-add')).toMatchObject({ target: id, details: { org: orgC, canExtend: true } });
      expect((await adminC.get('/groups')).body.items.map((g: { id: string }) => g.id)).toContain(id);
      expectRestError(await adminC.delete(`/groups/${id}/members/${orgB}`), 403, 'forbidden');
      expectRestError(await admin.delete(`/groups/${id}/members/${orgA}`), 400, 'validation');
      expect((await admin.delete(`/groups/${id}/members/${orgC}`)).status).toBe(204);
      expect(await lastAudit('group.member-remove')).toMatchObject({ target: id, details: { org: orgC } });
      expectRestError(await adminC.get(`/groups/${id}`), 404, 'not_found');
      expectRestError(await admin.delete(`/groups/${id}/members/${orgC}`), 404, 'not_found');
      expect(expectRestError(await admin.post('/groups', { name: 'X', members: [{ org: 'Nowhere' }] }), 400, 'validation').details).toEqual({ field: 'members.0.org' });
      expectRestError(await admin.post('/groups', { name: 'Owned by A' }), 409, 'conflict');
    });

    it('a membership change commits with its audit entry: when the entry cannot be written, the member is not added', async () => {
      const created = await admin.post('/groups', { name: 'Audited together' });
      const id: string = created.body.id;
      if (dialect === 'postgres') {
        await sql`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$`.execute(server.db);
        await sql`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()`.execute(server.db);
      } else {
        await sql`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'refused by test'); END`.execute(server.db);
      }
      try {
        expect((await admin.post(`/groups/${id}/members`, { org: orgC })).status).toBe(500);
      } finally {
        await sql`DROP TRIGGER refuse_audit${dialect === 'postgres' ? sql` ON audit_log` : sql``}`.execute(server.db);
        if (dialect === 'postgres') await sql`DROP FUNCTION refuse_audit()`.execute(server.db);
      }
      expect((await admin.get(`/groups/${id}`)).body.members.map((m: { org: { id: string } }) => m.org.id)).toEqual([orgA]);
      expectRestError(await adminC.get(`/groups/${id}`), 404, 'not_found');
    });

    it('an instance admin whose organisation is not a member neither sees nor manages the group', async () => {
      const created = await adminB.post('/groups', { name: 'B alone' });
      expect(created.status, created.text).toBe(201);
      const id: string = created.body.id;
      expectRestError(await admin.get(`/groups/${id}`), 404, 'not_found');
      expectRestError(await admin.post(`/groups/${id}/members`, { org: orgA }), 404, 'not_found');
      expectRestError(await admin.delete(`/groups/${id}/members/${orgB}`), 404, 'not_found');
      expect((await admin.get('/groups')).body.items.map((g: { id: string }) => g.id)).not.toContain(id);
    });
  });

  describe('audit', () => {
    it('admins query it newest first, by user, organisation and object, in pages', async () => {
      const all = await admin.get('/audit?limit=500');
      const seqs = all.body.items.map((e: { seq: number }) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
      const entry = all.body.items.find((e: { action: string }) => e.action === 'org.add');
      expect(entry).toMatchObject({ actor: { user: adminId, org: orgA, username: 'admin', orgName: 'Agency A' }, address: '127.0.0.1', path: 'POST /rest/v1/orgs' });
      expect(entry.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
      const byUser = await admin.get('/audit?user=writer');
      const writerId = (await findUserByUsername(server.db, 'writer'))?.id;
      expect(byUser.body.items.length).toBeGreaterThan(0);
      expect(byUser.body.items.every((e: { actor: { user: string } }) => e.actor.user === writerId)).toBe(true);
      const byOrg = await admin.get('/audit?org=Agency B');
      expect(byOrg.body.items.every((e: { actor: { org: string } }) => e.actor.org === orgB)).toBe(true);
      const group = (await admin.get('/groups')).body.items[0];
      const byObject = await admin.get(`/audit?object=${group.id}`);
      expect(byObject.body.items.length).toBeGreaterThan(0);
      expect(byObject.body.items.every((e: { object: string }) => e.object === group.id)).toBe(true);
      const future = await admin.get('/audit?since=2999-01-01');
      expect(future.body.items).toEqual([]);
      const past = await admin.get('/audit?until=2000-01-01');
      expect(past.body.items).toEqual([]);
      const paged: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await admin.get(`/audit?limit=7${cursor === undefined ? '' : `&cursor=${cursor}`}`);
        paged.push(...page.body.items.map((e: { seq: number }) => e.seq));
        cursor = page.body.next;
      } while (cursor !== undefined);
      expect(paged.slice(0, seqs.length)).toEqual(seqs.slice(0, paged.length));
      expect(new Set(paged).size).toBe(paged.length);
      expectRestError(await admin.get('/audit?user=nobody'), 400, 'validation');
      expectRestError(await admin.get('/audit?since=yesterday'), 400, 'validation');
      expectRestError(await writer.get('/audit'), 403, 'forbidden');
    });

    it('verify reports an intact chain, and where an edited entry breaks it', async () => {
      const intact = await admin.get('/audit/verify');
      expect(intact.body).toMatchObject({ ok: true });
      expect(intact.body.entries).toBeGreaterThan(10);
      expectRestError(await writer.get('/audit/verify'), 403, 'forbidden');
      await server.db.withTables<{ audit_log: { seq: number; action: string } }>().updateTable('audit_log').set({ action: 'edited' }).where('seq', '=', 3).execute();
      const broken = await admin.get('/audit/verify');
      expect(broken.body).toMatchObject({ ok: false, firstBad: { seq: 3 } });
      expect(broken.body.firstBad.reason).toContain('entry 3');
    });
  });
}

describe('REST admin on SQLite', () => adminSuite(openSqliteForTest, 'sqlite'));
describeIfPostgres('REST admin on PostgreSQL', await postgresProblem(), () => adminSuite(openPostgresForTest, 'postgres'));
