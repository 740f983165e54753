import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli, tempDir } from './cli-harness.js';

// Each case spawns the real command several times; on a loaded 2-core machine a spawn can take seconds.
vi.setConfig({ testTimeout: 180_000 });

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
    const added = await cli('group', 'add', 'partners', '--owner', 'Agency A', '--member', 'Agency B', '--json');
    expect(added.code).toBe(0);
    const group = JSON.parse(added.stdout) as { id: string; name: string };
    const listed = JSON.parse((await cli('group', 'list', '--json')).stdout) as { id: string; members: unknown[] }[];
    expect(listed).toEqual([expect.objectContaining({ id: group.id, members: expect.arrayContaining([expect.anything(), expect.anything()]) })]);
    expect((await cli('collection', 'add', 'shared', '--alias', 'shared', '--org', 'Agency A')).code).toBe(0);
    expect((await cli('collection', 'grant', 'shared', '--org', 'Agency B', '--read')).stdout).toMatch(/Agency B on shared: read/);
    expect((await cli('group', 'remove', 'partners')).code).toBe(0);
    expect(JSON.parse((await cli('group', 'list', '--json')).stdout)).toEqual([]);

    const entries = JSON.parse((await cli('audit', '--json')).stdout) as { action: string; target: string }[];
    expect(entries.map((e) => e.action)).toEqual(['org.add', 'org.add', 'group.add', 'collection.grant', 'group.remove']);
    const verified = await cli('audit', 'verify');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/intact: 5 entries/);

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
    expect((JSON.parse(audit.stdout) as { action: string }[]).map((e) => e.action)).toEqual(['org.add', 'user.add', 'token.create', 'token.revoke']);
    expect(audit.stdout).not.toContain(token.token);
    expect(audit.stdout).not.toContain('a long enough secret password');
    expect((await cli('audit', 'verify')).code).toBe(0);
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
