import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TLP2_MARKING_IDS } from '../src/stix/tlp.js';
import { cleanEnv, runCli, spawnCli } from './cli-harness.js';

vi.setConfig({ testTimeout: 300_000 });

/** `entente demo` (issue 5): run as a newcomer would, its output and exit code checked. */
const MEDIA = 'application/taxii+json;version=2.1';
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function folderOf(output: string): string {
  const dir = /databases in (\S+)\)/.exec(output)?.[1];
  if (dir === undefined) throw new Error(`no folder in: ${output}`);
  return dir;
}

/** Collects a child's stdout, resolving when `pattern` appears. */
function watch(child: ReturnType<typeof spawnCli>): { text: () => string; until: (pattern: RegExp) => Promise<void> } {
  let seen = '';
  const waiting: { pattern: RegExp; done: () => void }[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    seen += chunk.toString('utf8');
    for (const w of waiting.filter((w) => w.pattern.test(seen))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.done();
    }
  });
  return {
    text: () => seen,
    until: (pattern) =>
      new Promise((resolve, reject) => {
        if (pattern.test(seen)) return resolve();
        waiting.push({ pattern, done: resolve });
        child.once('exit', () => reject(new Error(`exited before ${String(pattern)}: ${seen}`)));
      }),
  };
}

describe('entente demo', () => {
  it('shows the seed article published on paris arriving on london, step by step, then stops and cleans up', async () => {
    const result = await runCli(['demo']);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const out = result.stdout;
    for (let step = 1; step <= 6; step += 1) expect(out).toContain(`[${step}/6]`);
    expect(out).toMatch(/paris\/default: \d+ objects {4}london\/default: 0 objects/);
    const stored = Number(/\[4\/6\][\s\S]*?ok: (\d+) received, (\d+) stored, 0 already held, 0 rejected/.exec(out)?.[2]);
    expect(stored).toBeGreaterThan(20);
    expect(out).toMatch(new RegExp(`london/default: ${stored} objects \\(.*incident.*\\); ${stored} versions recorded as delivered by partner paris`));
    // The incident of the seed article, by name, with its TAXII link on london and its relations.
    const incident = /incident: "([^"]+)"/.exec(out)?.[1] ?? '';
    expect(incident).toMatch(/Chechnya/);
    expect(out).toContain(`incident "${incident}"\n`);
    expect(out).toMatch(/ {10}http:\/\/127\.0\.0\.1:\d+\/api\/v21\/collections\/[0-9a-f-]{36}\/objects\/incident--[0-9a-f-]{36}\//);
    expect(out).toMatch(/—attributed-to→ intrusion-set "Islamic State/);
    expect(out).toMatch(new RegExp(`\\[6/6\\][\\s\\S]*ok: ${stored} received, 0 stored, ${stored} already held`));
    expect(existsSync(folderOf(out))).toBe(false);
    expect(out).toMatch(/Stopped both instances and removed/);
  });

  it('with --keep leaves both running and syncing until Ctrl-C, then stops cleanly', async () => {
    const child = spawnCli(['demo', '--keep'], cleanEnv());
    const exited = once(child, 'exit');
    stops.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    });
    const output = watch(child);
    await output.until(/Press Ctrl-C/);
    const reach = (name: string) => {
      const match = new RegExp(`${name}: (http://127\\.0\\.0\\.1:\\d+)/taxii2/ +admin token: (\\S+)`).exec(output.text());
      if (match?.[1] === undefined || match[2] === undefined) throw new Error(`no address for ${name}: ${output.text()}`);
      return { url: match[1], token: match[2] };
    };
    const paris = reach('paris');
    const london = reach('london');
    const collectionOf = async (at: { url: string; token: string }) => {
      const listed = (await (await fetch(`${at.url}/api/v21/collections/`, { headers: { authorization: `Bearer ${at.token}`, accept: MEDIA } })).json()) as {
        collections: { id: string }[];
      };
      return listed.collections[0]?.id ?? '';
    };
    // Something new on paris reaches london through the schedulers alone.
    const note = {
      type: 'note',
      spec_version: '2.1',
      id: `note--${randomUUID()}`,
      created: '2026-01-01T00:00:00.000Z',
      modified: '2026-01-01T00:00:00.000Z',
      content: 'published while the demo runs',
      object_refs: ['identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'],
      object_marking_refs: [TLP2_MARKING_IDS.green],
    };
    const posted = await fetch(`${paris.url}/api/v21/collections/${await collectionOf(paris)}/objects/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${paris.token}`, 'content-type': MEDIA, accept: MEDIA },
      body: JSON.stringify({ objects: [note] }),
    });
    expect(posted.status).toBe(202);
    const londonCollection = await collectionOf(london);
    const deadline = Date.now() + 60_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = (await fetch(`${london.url}/api/v21/collections/${londonCollection}/objects/${note.id}/`, { headers: { authorization: `Bearer ${london.token}`, accept: MEDIA } })).status;
    }
    expect(status).toBe(200);

    child.kill('SIGINT');
    const [code] = (await exited) as [number | null];
    expect(code, output.text()).toBe(0);
    expect(output.text()).toMatch(/Stopping\.\nStopped both instances and removed/);
    expect(existsSync(folderOf(output.text()))).toBe(false);
  });

  it('stops cleanly on Ctrl-C in the middle of the run, with exit code 130', async () => {
    const child = spawnCli(['demo'], cleanEnv());
    const exited = once(child, 'exit');
    const output = watch(child);
    await output.until(/\[1\/6\]/);
    child.kill('SIGINT');
    const [code] = (await exited) as [number | null];
    expect(code, output.text()).toBe(130);
    expect(output.text()).toMatch(/Interrupted: stopping both instances\.\nStopped both instances and removed/);
    expect(output.text()).not.toContain('[6/6]');
    expect(existsSync(folderOf(output.text()))).toBe(false);
  });

  it('says what is missing when the article cannot be found', async () => {
    const result = await runCli(['demo', '--article', '/nonexistent/article.txt']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--article \/nonexistent\/article\.txt: no such file/);
  });
});
