import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanEnv, runCli, tempDir } from './cli-harness.js';

// A dozen spawns of the real command; on a loaded 2-core machine each can take several seconds.
vi.setConfig({ testTimeout: 600_000 });

let temp: ReturnType<typeof tempDir> | undefined;
afterEach(() => temp?.remove());

describe('entente partner and sync, as a person types them', () => {
  it('name what is wrong, and manage partners from add to remove', async () => {
    temp = tempDir();
    const db = join(temp.dir, 'entente.db');
    const keyed = cleanEnv({ ENTENTE_SECRET_KEY: 'cli-test-secret-key-0123' });
    const cli = (args: string[], env = keyed) => runCli([...args, '--db', db], { env });
    expect((await cli(['collection', 'add', 'inbox', '--alias', 'inbox'])).code).toBe(0);

    const noKey = await cli(['partner', 'add', 'paris', '--url', 'http://127.0.0.1:9/taxii2/', '--token', 't'], cleanEnv());
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('ENTENTE_SECRET_KEY');

    const half = await cli(['partner', 'add', 'paris', '--url', 'http://127.0.0.1:9/taxii2/', '--user', 'u']);
    expect(half.code).toBe(1);
    expect(half.stderr).toContain('--password');

    const badRule = await cli(['partner', 'add', 'paris', '--url', 'http://127.0.0.1:9/taxii2/', '--token', 't', '--pull', 'shared']);
    expect(badRule.stderr).toContain('REMOTE:LOCAL');

    const added = await cli(['partner', 'add', 'paris', '--url', 'http://127.0.0.1:9/taxii2/', '--token', 't', '--pull', 'shared:inbox', '--push', 'inbox:theirs', '--types', 'indicator,incident', '--every', '30', '--json']);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({
      name: 'paris',
      intervalSeconds: 30,
      // No --receive-as: the instance's own organisation "local" receives the partner's objects.
      receivers: [expect.any(String)],
      rules: [
        { direction: 'pull', remote: 'shared', filters: { types: ['indicator', 'incident'] } },
        { direction: 'push', remote: 'theirs' },
      ],
    });
    expect(added.stdout).not.toContain('"t"');

    const shown = await cli(['partner', 'show', 'paris']);
    expect(shown.stdout).toContain('pull shared →');
    expect(shown.stdout).toContain('never run');
    expect(shown.stdout).toMatch(/received by: [0-9a-f-]{36}/);

    const badPage = await cli(['sync', 'paris', '--page-size', '0']);
    expect(badPage.code).toBe(1);
    expect(badPage.stderr).toContain('--page-size');

    const failed = await cli(['sync', 'paris']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('paris: failed');
    expect(failed.stdout).toContain('ECONNREFUSED');
    expect((await cli(['partner', 'list'])).stdout).toMatch(/paris\t.*1 failure\(s\)/);

    expect((await cli(['partner', 'remove', 'paris'])).stdout).toContain('Removed partner paris');
    const gone = await cli(['partner', 'show', 'paris']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('No partner named');
  });
});
