import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanEnv, spawnCli, tempDir } from './cli-harness.js';

vi.setConfig({ testTimeout: 180_000 });

let temp: ReturnType<typeof tempDir> | undefined;
afterEach(() => temp?.remove());

/** Collects the child's stdout until `pattern` appears; the stream stays open (closing it would break the child's pipe). */
function waitFor(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (!pattern.test(seen)) return;
      stream.off('data', onData);
      resolve(seen);
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`stream ended without ${pattern}: ${seen}`)));
  });
}

describe('entente serve', () => {
  it('prints its URL and the generated admin password once, answers /taxii2/, and stops on SIGTERM', async () => {
    temp = tempDir();
    const db = join(temp.dir, 'entente.db');
    const child = spawnCli(['serve', '--port', '0', '--db', db]);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const output = await waitFor(child.stdout as NodeJS.ReadableStream, /Generated password for user admin[^:]*: (\S+)\n/);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    const password = /Generated password for user admin[^:]*: (\S+)\n/.exec(output)?.[1];
    expect(url, stderr).toBeDefined();
    expect(output).toMatch(/Created collection "default": [0-9a-f-]{36}/);

    const accept = 'application/taxii+json;version=2.1';
    const anonymous = await fetch(`${url}/taxii2/`, { headers: { accept } });
    expect(anonymous.status).toBe(401);
    const authorization = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
    const discovery = await fetch(`${url}/taxii2/`, { headers: { accept, authorization } });
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { title: string }).title).toBeTypeOf('string');
    // A fresh instance offers the console's demo set to its admin (README, "The Intelligence endpoints").
    const demo = await fetch(`${url}/rest/v1/demo`, { headers: { authorization } });
    expect(await demo.json()).toEqual({ offered: true, empty: true });

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);

    // A second start keeps the admin and prints no password.
    const again = spawnCli(['serve', '--port', '0', '--db', db], cleanEnv());
    const second = await waitFor(again.stdout as NodeJS.ReadableStream, /listening on/);
    const secondExit = once(again, 'exit');
    again.kill('SIGINT');
    expect(((await secondExit) as [number | null])[0]).toBe(0);
    expect(second).not.toContain('Generated password');
  });

  it('uses ENTENTE_ADMIN_PASSWORD and ENTENTE_ADMIN_TOKEN', async () => {
    temp = tempDir();
    const token = 'operator-token-0123456789abcdefghijkl';
    const env = cleanEnv({ ENTENTE_DB: join(temp.dir, 'e.db'), ENTENTE_ADMIN_PASSWORD: 'operator password', ENTENTE_ADMIN_TOKEN: token });
    const child = spawnCli(['serve', '--port', '0'], env);
    const output = await waitFor(child.stdout as NodeJS.ReadableStream, /listening on/);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(output).not.toContain('Generated password');
    const accept = 'application/taxii+json;version=2.1';
    const byToken = await fetch(`${url}/taxii2/`, { headers: { accept, authorization: `Bearer ${token}` } });
    expect(byToken.status).toBe(200);
    const byPassword = await fetch(`${url}/taxii2/`, {
      headers: { accept, authorization: `Basic ${Buffer.from('admin:operator password').toString('base64')}` },
    });
    expect(byPassword.status).toBe(200);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  });

  it('starts without the demo set offer with --empty, and keeps it declined on the next start', async () => {
    temp = tempDir();
    const env = cleanEnv({ ENTENTE_DB: join(temp.dir, 'e.db'), ENTENTE_ADMIN_PASSWORD: 'operator password' });
    const authorization = `Basic ${Buffer.from('admin:operator password').toString('base64')}`;
    for (const args of [['--empty'], []]) {
      const child = spawnCli(['serve', '--port', '0', ...args], env);
      const output = await waitFor(child.stdout as NodeJS.ReadableStream, /listening on/);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const demo = await fetch(`${url}/rest/v1/demo`, { headers: { authorization } });
      expect(await demo.json(), args.join(' ')).toEqual({ offered: false, empty: true });
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('says so when the port is in use', async () => {
    temp = tempDir();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const child = spawnCli(['serve', '--port', String(port), '--db', join(temp.dir, 'e.db')]);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(1);
      expect(stderr).toContain(`Cannot listen on 127.0.0.1:${port}`);
      expect(stderr).toContain('EADDRINUSE');
    } finally {
      blocker.close();
    }
  });

  it('refuses an invalid port with a message naming it', async () => {
    temp = tempDir();
    const child = spawnCli(['serve', '--port', '99999', '--db', join(temp.dir, 'e.db')]);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toContain('ENTENTE_PORT');
  });
});
