import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanEnv, runCli, tempDir } from './cli-harness.js';

// Each case spawns the real command several times; on a loaded 2-core machine a spawn can take seconds.
vi.setConfig({ testTimeout: 400_000 });

let temp: ReturnType<typeof tempDir>;
let db: string;

beforeEach(() => {
  temp = tempDir();
  db = join(temp.dir, 'entente.db');
});

afterEach(() => temp.remove());

describe('entente --help', () => {
  it('lists the commands and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['serve', 'collection', 'user', 'token', 'import', 'export']) expect(result.stdout).toContain(command);
  });

  it('gives help for every command', async () => {
    for (const args of [['serve'], ['collection', 'add'], ['collection', 'list'], ['user', 'add'], ['token', 'create'], ['import'], ['export'], ['org', 'add']]) {
      const result = await runCli([...args, '--help']);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout, args.join(' ')).toContain('--db');
    }
  });

  it('refuses an unknown command on stderr with a non-zero exit', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('frobnicate');
  });
});

describe('entente collection', () => {
  it('adds collections, prints the id, and lists them', async () => {
    const text = await runCli(['collection', 'add', 'Reports', '--description', 'analyst reports', '--db', db]);
    expect(text.code).toBe(0);
    const id = text.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const json = await runCli(['collection', 'add', 'Feeds', '--alias', 'feeds', '--json', '--db', db]);
    expect(json.code).toBe(0);
    const created = JSON.parse(json.stdout) as { id: string };
    expect(Object.keys(created)).toEqual(['id']);

    const list = await runCli(['collection', 'list', '--json', '--db', db]);
    expect(list.code).toBe(0);
    const collections = JSON.parse(list.stdout) as { id: string; title: string; alias: string | null; description: string | null }[];
    expect(collections).toHaveLength(2);
    expect(collections).toContainEqual({ id, title: 'Reports', description: 'analyst reports', alias: null });
    expect(collections).toContainEqual({ id: created.id, title: 'Feeds', description: null, alias: 'feeds' });

    const plain = await runCli(['collection', 'list', '--db', db]);
    expect(plain.stdout).toContain(id);
  });

  it('takes the database from ENTENTE_DB', async () => {
    const env = cleanEnv({ ENTENTE_DB: db });
    const added = await runCli(['collection', 'add', 'From env', '--json'], { env });
    const { id } = JSON.parse(added.stdout) as { id: string };
    const list = await runCli(['collection', 'list', '--json', '--db', db]);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((c) => c.id)).toEqual([id]);
  });

  it('refuses a collection granted to an unknown organisation', async () => {
    const result = await runCli(['collection', 'add', 'X', '--org', 'Nowhere', '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Nowhere');
  });
});

describe('entente user and token', () => {
  it('creates a user with a generated password printed once', async () => {
    const result = await runCli(['user', 'add', 'ana', '--role', 'contributor', '--json', '--db', db]);
    expect(result.code).toBe(0);
    const user = JSON.parse(result.stdout) as { username: string; role: string; org: string; password: string };
    expect(user).toMatchObject({ username: 'ana', role: 'contributor', org: 'local' });
    expect(user.password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    const text = await runCli(['user', 'add', 'bo', '--db', db]);
    expect(text.stdout).toMatch(/Password \(shown once\): [A-Za-z0-9_-]{24}/);
  });

  it('takes a given password without printing it', async () => {
    const result = await runCli(['user', 'add', 'ana', '--password', 'a long enough password', '--json', '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('a long enough password');
    const piped = await runCli(['user', 'add', 'bo', '--password-stdin', '--db', db], { input: 'another long password\n' });
    expect(piped.code).toBe(0);
    expect(piped.stdout).not.toContain('Password');
  });

  it('places users in a named organisation', async () => {
    const org = await runCli(['org', 'add', 'Agency A', '--json', '--db', db]);
    expect(org.code).toBe(0);
    const result = await runCli(['user', 'add', 'ana', '--org', 'Agency A', '--json', '--db', db]);
    expect(JSON.parse(result.stdout)).toMatchObject({ org: 'Agency A', orgId: (JSON.parse(org.stdout) as { id: string }).id, role: 'reader' });
  });

  it('names the problem for bad usernames, roles, passwords, organisations and duplicates', async () => {
    const cases: [string[], string][] = [
      [['user', 'add', 'Ana'], 'Username "Ana" is not valid'],
      [['user', 'add', 'ana', '--role', 'root'], 'Role "root"'],
      [['user', 'add', 'ana', '--password', 'short'], 'at least 12 characters'],
      [['user', 'add', 'ana', '--org', 'Nowhere'], 'Nowhere'],
    ];
    for (const [args, message] of cases) {
      const result = await runCli([...args, '--db', db]);
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stderr, args.join(' ')).toContain(message);
      expect(result.stdout).toBe('');
    }
    await runCli(['user', 'add', 'ana', '--db', db]);
    const duplicate = await runCli(['user', 'add', 'ana', '--db', db]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
  });

  it('creates tokens shown once, read-only and expiring, and lists them without secrets', async () => {
    await runCli(['user', 'add', 'ana', '--db', db]);
    const created = await runCli(['token', 'create', 'ana', '--read-only', '--expires', '2099-01-31', '--json', '--db', db]);
    expect(created.code).toBe(0);
    const token = JSON.parse(created.stdout) as { id: string; token: string; scope: string; expires: string };
    expect(token.token).toMatch(/^ent_[A-Za-z0-9_-]{43}$/);
    expect(token.scope).toBe('read');
    expect(token.expires).toBe('2099-01-31T00:00:00.000000Z');

    const plain = await runCli(['token', 'create', 'ana', '--db', db]);
    expect(plain.stdout.split('\n')[0]).toMatch(/^ent_[A-Za-z0-9_-]{43}$/);

    const list = await runCli(['token', 'list', 'ana', '--json', '--db', db]);
    expect(list.stdout).not.toContain(token.token);
    expect(JSON.parse(list.stdout)).toHaveLength(2);

    const revoked = await runCli(['token', 'revoke', token.id, '--db', db]);
    expect(revoked.code).toBe(0);
    const after = JSON.parse((await runCli(['token', 'list', 'ana', '--json', '--db', db])).stdout) as { id: string; revoked: string | null }[];
    expect(after.find((t) => t.id === token.id)?.revoked).not.toBeNull();
  });

  it('refuses tokens for unknown users and past or malformed expiries', async () => {
    await runCli(['user', 'add', 'ana', '--db', db]);
    const cases: [string[], string][] = [
      [['token', 'create', 'nobody'], 'No user named "nobody"'],
      [['token', 'create', 'ana', '--expires', '2001-01-01'], 'in the future'],
      [['token', 'create', 'ana', '--expires', 'tomorrow'], 'is not a date'],
    ];
    for (const [args, message] of cases) {
      const result = await runCli([...args, '--db', db]);
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
  });

  it('reports an unusable database as an error naming it', async () => {
    const blocker = join(temp.dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const result = await runCli(['collection', 'list', '--db', join(blocker, 'entente.db')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^entente: /);
    expect(result.stderr).not.toContain('    at ');
  });
});
