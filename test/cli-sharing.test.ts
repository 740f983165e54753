import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryAudit, verifyAuditChain } from '../src/access/audit-log.js';
import { LOCAL_ORGANIZATION } from '../src/access/bootstrap.js';
import { createOrganization, findOrganizationByName } from '../src/access/organizations.js';
import { createSharingGroup } from '../src/access/sharing-groups.js';
import { createUser } from '../src/access/users.js';
import { openStore } from '../src/store/open-store.js';
import { runCli, tempDir } from './cli-harness.js';

// Each case spawns the real command several times; on a loaded 2-core machine a spawn can take seconds.
vi.setConfig({ testTimeout: 400_000 });

let temp: ReturnType<typeof tempDir>;
let db: string;
const cli = async (...args: string[]) => {
  const result = await runCli([...args, '--db', db]);
  return result;
};

beforeEach(() => {
  temp = tempDir();
  db = join(temp.dir, 'entente.db');
});
afterEach(() => temp.remove());

describe('entente group, collection grant and audit', () => {
  it('creates, lists and removes sharing groups, grants a collection, and audits every change in a verifiable chain', async () => {
    for (const name of ['Agency A', 'Agency B']) expect((await cli('org', 'add', name)).code).toBe(0);
    // The operator acts for the organisation "local": it sees and removes the groups "local" belongs to.
    const added = await cli('group', 'add', 'partners', '--owner', LOCAL_ORGANIZATION, '--member', 'Agency B', '--json');
    expect(added.code).toBe(0);
    const group = JSON.parse(added.stdout) as { id: string; name: string };
    const listed = JSON.parse((await cli('group', 'list', '--json')).stdout) as { id: string; members: unknown[] }[];
    expect(listed).toEqual([expect.objectContaining({ id: group.id, members: expect.arrayContaining([expect.anything(), expect.anything()]) })]);
    expect((await cli('collection', 'add', 'shared', '--alias', 'shared', '--org', 'Agency A')).code).toBe(0);
    expect((await cli('collection', 'grant', 'shared', '--org', 'Agency B', '--read')).stdout).toMatch(/Agency B on shared: read/);
    expect((await cli('group', 'remove', 'partners')).code).toBe(0);
    expect(JSON.parse((await cli('group', 'list', '--json')).stdout)).toEqual([]);

    const entries = JSON.parse((await cli('audit', '--json')).stdout) as { action: string; target: string; path: string; details: { org?: string } }[];
    expect(entries.map((e) => e.action)).toEqual(['org.add', 'org.add', 'group.add', 'collection.add', 'collection.grant', 'group.remove']);
    // The collection, its grant to --org and this entry were written in one transaction (access/granted-collection.ts).
    const agencyA = (JSON.parse((await cli('org', 'list', '--json')).stdout) as { id: string; name: string }[]).find((o) => o.name === 'Agency A');
    expect(entries[3]).toMatchObject({ path: 'cli collection add', details: { org: agencyA?.id } });
    const verified = await cli('audit', 'verify');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/intact: 6 entries/);

    const raw = new Database(db);
    raw.prepare('delete from audit_log where seq = 4').run();
    raw.close();
    const broken = await cli('audit', 'verify');
    expect(broken.code).toBe(3);
    expect(broken.stdout).toMatch(/BROKEN at entry 4: entry 4 is missing/);
  });

  it('audits organisations, users and tokens without their secrets', async () => {
    await cli('org', 'add', 'Agency A');
    expect((await cli('user', 'add', 'alice', '--org', 'Agency A', '--role', 'reader', '--password', 'a long enough secret password')).code).toBe(0);
    const token = JSON.parse((await cli('token', 'create', 'alice', '--json')).stdout) as { id: string; token: string };
    expect((await cli('token', 'revoke', token.id)).code).toBe(0);
    const audit = await cli('audit', '--json');
    const entries = JSON.parse(audit.stdout) as { action: string; actorOrg: string | null }[];
    expect(entries.map((e) => e.action)).toEqual(['org.add', 'user.add', 'token.create', 'token.revoke']);
    // The command line acts as the instance operator, for the organisation "local".
    const opened = await openStore(db);
    const local = await findOrganizationByName(opened.db, LOCAL_ORGANIZATION);
    await opened.store.close();
    expect(local).toBeDefined();
    expect(entries.map((e) => e.actorOrg)).toEqual(entries.map(() => local?.id));
    expect(audit.stdout).not.toContain(token.token);
    expect(audit.stdout).not.toContain('a long enough secret password');
    expect((await cli('audit', 'verify')).code).toBe(0);
  });

  it('adds, shows and removes group members as an actor; audit entries name the acting user and organisation', async () => {
    // Set up in-process (each spawned command costs seconds on a loaded machine); the commands under test are spawned.
    const opened = await openStore(db);
    await opened.store.migrate();
    const [a, b, c] = await Promise.all(['Agency A', 'Agency B', 'Agency C'].map((name) => createOrganization(opened.db, { name })));
    if (!a || !b || !c) throw new Error('organisations not created');
    const alice = await createUser(opened.db, { orgId: b.id, username: 'alice', role: 'contributor', password: 'a long enough secret password' });
    await createUser(opened.db, { orgId: c.id, username: 'carol', role: 'reader', password: 'a long enough secret password' });
    const anna = await createUser(opened.db, { orgId: a.id, username: 'anna', role: 'admin', password: 'a long enough secret password' });
    await createSharingGroup(opened.db, { name: 'partners', ownerOrg: a.id, members: [{ orgId: b.id, canExtend: true }] });
    await opened.store.close();

    expect((await cli('group', 'add-member', 'partners', '--org', 'Agency C', '--as', 'alice')).stdout).toMatch(/Agency C is a member of partners/);
    const shown = JSON.parse((await cli('group', 'show', 'partners', '--as', 'carol', '--json')).stdout) as { members: { orgId: string }[] };
    expect(shown.members.map((m) => m.orgId).sort()).toEqual([a.id, b.id, c.id].sort());
    const notOwner = await cli('group', 'remove-member', 'partners', '--org', 'Agency C', '--as', 'alice');
    expect(notOwner.code).toBe(1);
    expect(notOwner.stderr).toMatch(/Only the organisation that owns sharing group partners/);
    // An instance admin whose organisation is not a member (the operator, "local") neither sees nor manages the group.
    for (const args of [['show', 'partners'], ['remove-member', 'partners', '--org', 'Agency C'], ['add-member', 'partners', '--org', 'Agency C']]) {
      const refused = await cli('group', ...args);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/No sharing group named or with id "partners" that your organisation belongs to/);
    }
    expect(JSON.parse((await cli('group', 'list', '--json')).stdout)).toEqual([]);
    expect((await cli('group', 'remove-member', 'partners', '--org', 'Agency C', '--as', 'anna')).code).toBe(0);
    const hidden = await cli('group', 'show', 'partners', '--as', 'carol');
    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toMatch(/No sharing group named or with id "partners" that your organisation belongs to/);
    const notAdmin = await cli('user', 'add', 'bob', '--as', 'carol');
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.stderr).toMatch(/Only an admin may add users/);

    const reopened = await openStore(db);
    try {
      const entries = await queryAudit(reopened.db, {});
      expect(entries.map((e) => [e.action, e.actorOrg, e.actorUser, e.path])).toEqual([
        ['group.member-add', b.id, alice.id, 'cli group add-member'],
        ['group.member-remove', a.id, anna.id, 'cli group remove-member'],
      ]);
      expect(await verifyAuditChain(reopened.db)).toMatchObject({ ok: true, entries: 2 });
    } finally {
      await reopened.store.close();
    }
  });

  it('refuses a second group of the same name and an unknown organisation, with a message', async () => {
    await cli('org', 'add', 'Agency A');
    expect((await cli('group', 'add', 'g', '--owner', 'Agency A')).code).toBe(0);
    const again = await cli('group', 'add', 'g', '--owner', 'Agency A');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    const unknown = await cli('group', 'add', 'h', '--owner', 'Nobody');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No organisation named/);
  });
});
