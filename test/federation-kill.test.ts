import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findPartner } from '../src/federation/partners.js';
import { TLP2_MARKING_IDS } from '../src/stix/tlp.js';
import { runCli, spawnCli } from './cli-harness.js';
import { eventually, partnerAccount, startInstance, versions, type Instance } from './federation-instances.js';

vi.setConfig({ testTimeout: 600_000 });

/**
 * Issue 5, proof: "a partner killed mid-sync (kill -9) and restarted resumes
 * with no object lost or duplicated (counted)". Real `entente serve` and
 * `entente sync` processes on loopback, each side with its own SQLite file;
 * each side is killed in turn — the puller, the server pulled from, the pusher
 * and the server pushed to — and every count is checked on both sides.
 */
const MEDIA = 'application/taxii+json;version=2.1';
const TOTAL = 3000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function publish(instance: Instance, count: number): Promise<void> {
  const collection = await instance.defaultId();
  for (let start = 0; start < count; start += 500) {
    const objects = Array.from({ length: Math.min(500, count - start) }, (_, i) => ({
      type: 'identity',
      spec_version: '2.1',
      id: `identity--${randomUUID()}`,
      created: '2026-01-01T00:00:00.000Z',
      modified: '2026-01-01T00:00:00.000Z',
      name: `Agency ${start + i}`,
      object_marking_refs: [TLP2_MARKING_IDS.green],
    }));
    const response = await fetch(`${instance.url}/api/v21/collections/${collection}/objects/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${instance.adminToken}`, 'content-type': MEDIA, accept: MEDIA },
      body: JSON.stringify({ objects }),
    });
    const status = (await response.json()) as { success_count: number };
    expect(status.success_count).toBe(objects.length);
  }
}

/** Waits until `instance` holds at least `min` rows in "default" (reading its file), then returns the count. */
async function atLeast(instance: Instance, min: number): Promise<number> {
  let count = 0;
  const reached = await eventually(() => {
    count = instance.rows('default').length;
    return count >= min;
  }, 120_000, 5);
  if (!reached) throw new Error(`${instance.name} holds ${count} rows, expected at least ${min}`);
  return count;
}

/** Every version of `source` is on `target` exactly once, with the same JSON; and `source` is unchanged. */
function expectSameVersions(source: Instance, target: Instance): void {
  const held = target.rows('default');
  expect(held).toHaveLength(TOTAL);
  expect(new Set(versions(held)).size).toBe(TOTAL);
  expect(versions(held)).toEqual(versions(source.rows('default')));
  const texts = new Map(source.rows('default').map((r) => [r.id, r.json]));
  for (const row of held) expect(row.json).toBe(texts.get(row.id));
  expect(source.rows('default')).toHaveLength(TOTAL);
}

async function pushPair(): Promise<{ paris: Instance; moscow: Instance; sync: (args?: string[]) => ReturnType<typeof runCli>; spawnSync: () => ReturnType<typeof spawnCli> }> {
  const [paris, moscow] = await Promise.all([startInstance('paris', cleanups), startInstance('moscow', cleanups)]);
  if (paris === undefined || moscow === undefined) throw new Error('instances did not start');
  const parisOnMoscow = await partnerAccount(moscow, 'paris', { read: true, write: true });
  const moscowOrg = (await partnerAccount(paris, 'moscow', { read: false, write: false })).org;
  const added = await runCli(
    ['partner', 'add', 'moscow', '--url', moscow.discoveryUrl(), '--token', parisOnMoscow.token, '--org', moscowOrg.id, '--push', 'default:default', '--every', '86400', '--db', paris.db],
    { env: paris.env },
  );
  expect(added.code, added.stderr).toBe(0);
  await publish(paris, TOTAL);
  // Stop paris's server: its scheduler would push on its own; here `entente sync` pushes, and is killed.
  expect(await paris.stop()).toBe(0);
  const args = ['sync', 'moscow', '--envelope-size', '40', '--json', '--db', paris.db];
  return {
    paris,
    moscow,
    sync: (extra = []) => runCli([...args, ...extra], { env: paris.env }),
    spawnSync: () => spawnCli(args, paris.env),
  };
}

describe('a partner killed with -9 mid-sync resumes, losing and duplicating nothing', () => {
  it('pull: the pulling server is killed mid-pull and restarted; its scheduler finishes the pull', async () => {
    // Paris serves pages of at most 25 objects, so the pull takes many pages.
    const paris = await startInstance('paris', cleanups, { ENTENTE_MAX_PAGE_SIZE: '25', ENTENTE_DEFAULT_PAGE_SIZE: '25' });
    const london = await startInstance('london', cleanups);
    await publish(paris, TOTAL);
    const londonOnParis = await partnerAccount(paris, 'london', { read: true, write: false });
    const parisOrg = (await partnerAccount(london, 'paris', { read: false, write: false })).org;
    const added = await runCli(
      ['partner', 'add', 'paris', '--url', paris.discoveryUrl(), '--token', londonOnParis.token, '--org', parisOrg.id, '--pull', 'default:default', '--every', '1', '--db', london.db],
      { env: london.env },
    );
    expect(added.code, added.stderr).toBe(0);

    await atLeast(london, 100);
    await london.kill();
    const afterKill = london.rows('default').length;
    expect(afterKill, 'killed before the pull ended').toBeLessThan(TOTAL);
    expect(new Set(versions(london.rows('default'))).size).toBe(afterKill);

    await london.start();
    await atLeast(london, TOTAL);
    // Two more scheduled runs find nothing new.
    const runs = async () => (await findPartner(london.opened.db, 'paris'))?.health.lastSuccessAt ?? 0;
    const first = await runs();
    expect(await eventually(async () => (await runs()) > first)).toBe(true);
    expectSameVersions(paris, london);
  });

  it('pull: the server pulled from is killed mid-pull; the sync fails, and the next one after its restart completes', async () => {
    const paris = await startInstance('paris', cleanups, { ENTENTE_MAX_PAGE_SIZE: '25', ENTENTE_DEFAULT_PAGE_SIZE: '25' });
    const london = await startInstance('london', cleanups);
    expect(await london.stop()).toBe(0);
    await publish(paris, TOTAL);
    const londonOnParis = await partnerAccount(paris, 'london', { read: true, write: false });
    const added = await runCli(['partner', 'add', 'paris', '--url', paris.discoveryUrl(), '--token', londonOnParis.token, '--pull', 'default:default', '--db', london.db], {
      env: london.env,
    });
    expect(added.code, added.stderr).toBe(0);

    const child = spawnCli(['sync', 'paris', '--json', '--db', london.db], london.env);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exited = once(child, 'exit');
    await atLeast(london, 100);
    await paris.kill();
    const [code] = (await exited) as [number | null];
    expect(code, stdout).toBe(1);
    expect((JSON.parse(stdout) as { outcome: string }[])[0]?.outcome).toBe('failed');
    const afterKill = london.rows('default').length;
    expect(afterKill).toBeLessThan(TOTAL);

    await paris.start();
    const resumed = await runCli(['sync', 'paris', '--json', '--db', london.db], { env: london.env });
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    const report = (JSON.parse(resumed.stdout) as { rules: { added: number; duplicate: number }[] }[])[0];
    expect(report?.rules[0]?.added).toBe(TOTAL - afterKill);
    expectSameVersions(paris, london);
  });

  it('push: the pushing sync is killed mid-push; the next sync resends at most the envelope in flight', async () => {
    const { paris, moscow, sync, spawnSync } = await pushPair();
    const child = spawnSync();
    const exited = once(child, 'exit');
    await atLeast(moscow, 100);
    child.kill('SIGKILL');
    await exited;
    const afterKill = moscow.rows('default').length;
    expect(afterKill, 'killed before the push ended').toBeLessThan(TOTAL);

    const resumed = await sync();
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    const pushed = (JSON.parse(resumed.stdout) as { rules: { pushed: number; failed: number }[] }[])[0]?.rules[0];
    expect(pushed?.failed).toBe(0);
    // What moscow lacked, plus at most the envelope that was in flight (moscow holds it already and stores nothing twice).
    expect(pushed?.pushed).toBeGreaterThanOrEqual(TOTAL - afterKill);
    expect(pushed?.pushed).toBeLessThanOrEqual(TOTAL - afterKill + 40);
    expectSameVersions(paris, moscow);
    const again = JSON.parse((await sync()).stdout) as { rules: { pushed: number }[] }[];
    expect(again[0]?.rules[0]?.pushed).toBe(0);
  });

  it('push: the server pushed to is killed mid-push; the sync fails, and the next one after its restart completes', async () => {
    const { paris, moscow, sync, spawnSync } = await pushPair();
    const child = spawnSync();
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exited = once(child, 'exit');
    await atLeast(moscow, 100);
    await moscow.kill();
    const [code] = (await exited) as [number | null];
    expect(code, stdout).toBe(1);
    expect((JSON.parse(stdout) as { outcome: string }[])[0]?.outcome).toBe('failed');
    const afterKill = moscow.rows('default').length;
    expect(afterKill).toBeLessThan(TOTAL);

    await moscow.start();
    const resumed = await sync();
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    expectSameVersions(paris, moscow);
  });
});
