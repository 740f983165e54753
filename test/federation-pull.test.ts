import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFakeTaxii } from '../src/federation/test-taxii-server.js';
import { startTestServer, type TaxiiTestServer } from '../src/http/test-server.js';
import { TLP2_MARKING_IDS } from '../src/stix/tlp.js';
import { openSqliteFileForTest } from '../src/store/test-backends.js';
import { cleanEnv, runCli, spawnCli, tempDir } from './cli-harness.js';

vi.setConfig({ testTimeout: 180_000 });

/**
 * Issue 5, pull, end to end: a real entente server "paris" (A) on loopback with
 * its own database, and "london" (B): a second database driven by the real
 * `entente` command (partner add, sync), as a person would.
 */
const SECRET = 'london-secret-key-0123456789';
const env = cleanEnv({ ENTENTE_SECRET_KEY: SECRET });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function identityText(id: string, modified: string): string {
  // Deliberately unusual spacing: the text must arrive byte for byte.
  return `{"type":"identity", "spec_version":"2.1","id":"${id}","created":"2025-01-01T00:00:00.000Z","modified":"${modified}",  "name":"Agency ${id.slice(-6)}","object_marking_refs":["${TLP2_MARKING_IDS.green}"]}`;
}

async function publish(paris: TaxiiTestServer, texts: readonly string[]): Promise<void> {
  for (let start = 0; start < texts.length; start += 500) {
    const body = `{"objects":[${texts.slice(start, start + 500).join(',')}]}`;
    const response = await fetch(`${paris.apiRoot}collections/${paris.sharedId}/objects/`, {
      method: 'POST',
      headers: { authorization: paris.auth.writer, 'content-type': 'application/taxii+json;version=2.1', accept: 'application/taxii+json;version=2.1' },
      body,
    });
    const status = (await response.json()) as { success_count: number; failures?: unknown };
    expect(status.success_count, JSON.stringify(status.failures)).toBe(Math.min(500, texts.length - start));
  }
}

async function london(): Promise<{ db: string; cli: (args: string[]) => ReturnType<typeof runCli>; rows: () => { id: string; version: string; json: string; partner: string | null }[] }> {
  const temp = tempDir();
  cleanups.push(() => temp.remove());
  const db = join(temp.dir, 'london.db');
  const cli = (args: string[]) => runCli([...args, '--db', db], { env });
  const created = await cli(['collection', 'add', 'From Paris', '--alias', 'inbox']);
  expect(created.code, created.stderr).toBe(0);
  const rows = () => {
    const reader = new Database(db, { readonly: true });
    try {
      return reader.prepare("select o.id, o.version, o.json, o.partner from objects o join collections c on c.id = o.collection_id where c.alias = 'inbox' order by o.date_added").all() as {
        id: string;
        version: string;
        json: string;
        partner: string | null;
      }[];
    } finally {
      reader.close();
    }
  };
  return { db, cli, rows };
}

async function startParis(): Promise<TaxiiTestServer> {
  const paris = await startTestServer(openSqliteFileForTest, { maxPageSize: 1000 });
  cleanups.push(() => paris.close());
  return paris;
}

function token(authorization: string): string {
  return authorization.replace(/^Bearer /, '');
}

interface SyncJson {
  partner: string;
  outcome: string;
  rules: { added: number; duplicate: number; rejected: number; received: number }[];
}

async function sync(cli: (args: string[]) => ReturnType<typeof runCli>, extra: string[] = []): Promise<SyncJson> {
  const result = await cli(['sync', 'paris', '--json', ...extra]);
  expect(result.code, result.stderr + result.stdout).toBe(0);
  const [report] = JSON.parse(result.stdout) as SyncJson[];
  if (report === undefined) throw new Error('no report');
  return report;
}

/** Starts `entente serve` on a free port and resolves to its base URL once it listens. */
async function serve(db: string, extraEnv: Record<string, string> = {}): Promise<string> {
  const child = spawnCli(['serve', '--port', '0', '--db', db], { ...env, ...extraEnv });
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });
  let seen = '';
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  return await new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen)?.[1];
      if (url !== undefined) resolve(url);
    });
    child.once('exit', () => reject(new Error(`serve exited: ${seen} ${errors}`)));
  });
}

describe('federation pull between two instances', () => {
  it('entente serve pulls from its partners on their interval', async () => {
    const temp = tempDir();
    cleanups.push(() => temp.remove());
    const adminToken = `paris-admin-token-${randomUUID()}`;
    const parisUrl = await serve(join(temp.dir, 'paris.db'), { ENTENTE_ADMIN_TOKEN: adminToken });
    const londonDb = join(temp.dir, 'london.db');
    await serve(londonDb);
    const added = await runCli(
      ['partner', 'add', 'paris', '--url', `${parisUrl}/taxii2/`, '--token', adminToken, '--pull', 'default:default', '--every', '1', '--db', londonDb],
      { env },
    );
    expect(added.code, added.stderr).toBe(0);

    const texts = Array.from({ length: 5 }, () => identityText(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z'));
    const headers = { authorization: `Bearer ${adminToken}`, accept: 'application/taxii+json;version=2.1' };
    const listed = (await (await fetch(`${parisUrl}/api/v21/collections/`, { headers })).json()) as { collections: { id: string; alias?: string }[] };
    const defaultId = listed.collections.find((c) => c.alias === 'default')?.id ?? '';
    const response = await fetch(`${parisUrl}/api/v21/collections/${defaultId}/objects/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/taxii+json;version=2.1', accept: 'application/taxii+json;version=2.1' },
      body: `{"objects":[${texts.join(',')}]}`,
    });
    expect(response.status).toBe(202);

    const deadline = Date.now() + 60_000;
    let arrived: string[] = [];
    while (arrived.length < texts.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const reader = new Database(londonDb, { readonly: true });
      try {
        arrived = (reader.prepare('select json from objects').all() as { json: string }[]).map((r) => r.json);
      } finally {
        reader.close();
      }
    }
    expect(arrived.sort()).toEqual([...texts].sort());
  });

  it('brings what paris publishes to london, once; a second sync adds nothing; a new version arrives as a new version', async () => {
    const paris = await startParis();
    const texts = Array.from({ length: 25 }, (_, i) => identityText(`identity--${randomUUID()}`, `2025-02-01T00:00:00.${String(i).padStart(3, '0')}Z`));
    await publish(paris, texts);
    const { cli, rows } = await london();

    const added = await cli(['partner', 'add', 'paris', '--url', `${paris.url}/taxii2/`, '--token', token(paris.auth.writer), '--pull', 'shared:inbox']);
    expect(added.code, added.stderr).toBe(0);
    const test = await cli(['partner', 'test', 'paris']);
    expect(test.code, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toMatch(/ok\s+pull shared/);

    const first = await sync(cli, ['--page-size', '7']);
    expect(first.outcome).toBe('ok');
    expect(first.rules[0]).toMatchObject({ received: 25, added: 25, duplicate: 0, rejected: 0 });
    const stored = rows();
    expect(stored.map((r) => r.json).sort()).toEqual([...texts].sort());
    expect(new Set(stored.map((r) => r.partner)).size).toBe(1);
    expect(stored[0]?.partner).not.toBeNull();

    const second = await sync(cli);
    expect(second.rules[0]).toMatchObject({ added: 0, duplicate: 0 });
    expect(rows()).toHaveLength(25);

    const updatedId = /"id":"([^"]+)"/.exec(texts[3] ?? '')?.[1] ?? '';
    const newer = identityText(updatedId, '2025-06-01T00:00:00.000Z').replace('"name":"Agency', '"name":"Renamed agency');
    await publish(paris, [newer]);
    const third = await sync(cli);
    expect(third.rules[0]).toMatchObject({ added: 1, duplicate: 0 });
    const versions = rows().filter((r) => r.id === updatedId);
    expect(versions.map((r) => r.version)).toEqual(['2025-02-01T00:00:00.003000Z', '2025-06-01T00:00:00.000000Z']);
    expect(versions[1]?.json).toBe(newer);
  });

  it('resumes after the pulling process is killed with -9 between pages, losing and duplicating nothing', async () => {
    const paris = await startParis();
    const total = 3000;
    const texts = Array.from({ length: total }, () => identityText(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z'));
    await publish(paris, texts);
    const { db, cli, rows } = await london();
    expect((await cli(['partner', 'add', 'paris', '--url', `${paris.url}/taxii2/`, '--token', token(paris.auth.writer), '--pull', 'shared:inbox'])).code).toBe(0);

    const child = spawnCli(['sync', 'paris', '--page-size', '5', '--db', db], env);
    const exited = once(child, 'exit');
    const reader = new Database(db, { readonly: true });
    let seen = 0;
    try {
      const count = reader.prepare('select count(*) as n from objects');
      const deadline = Date.now() + 60_000;
      while (seen < 100 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen = (count.get() as { n: number }).n;
      }
    } finally {
      reader.close();
    }
    child.kill('SIGKILL');
    await exited;
    const afterKill = rows().length;
    expect(afterKill).toBeGreaterThanOrEqual(100);
    expect(afterKill, 'the sync must be killed before it finishes').toBeLessThan(total);

    const resumed = await sync(cli);
    expect(resumed.outcome).toBe('ok');
    expect(resumed.rules[0]?.added).toBe(total - afterKill);
    const stored = rows();
    expect(stored).toHaveLength(total);
    expect(new Set(stored.map((r) => `${r.id}@${r.version}`)).size).toBe(total);
    expect(stored.map((r) => r.json).sort()).toEqual([...texts].sort());
  });

  it.each([
    { label: 'only date headers and more', omitMore: false },
    { label: 'only date headers, never more', omitMore: true },
  ])('pulls completely from a server that pages differently: small pages, no next, date_added shared across pages, $label', async ({ omitMore }) => {
    const server = await startFakeTaxii({ pageSize: 4, token: 'fake-token', omitMore });
    cleanups.push(() => server.close());
    const texts = Array.from({ length: 30 }, () => identityText(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z'));
    // Runs of three objects with one date_added, in pages of four: every page but the first ends inside a run.
    texts.forEach((text, i) => server.add(text, { sameDateAdded: i % 3 !== 0 }));
    const { cli, rows } = await london();
    const added = await cli(['partner', 'add', 'paris', '--url', server.discoveryUrl, '--token', 'fake-token', '--pull', 'Fake feed:inbox']);
    expect(added.code, added.stderr).toBe(0);

    const first = await sync(cli);
    expect(first.rules[0]).toMatchObject({ received: 30, added: 30 });
    expect(rows().map((r) => r.json)).toEqual(texts);
    expect(server.requests.some((url) => url.includes('next='))).toBe(false);
    // Each page after the first from just before the previous one's X-TAXII-Date-Added-Last (bringing its last
    // run again), until one brings no later timestamp; then one from that timestamp itself, which finds nothing.
    const afters = server.requests.map((url) => new URL(url, 'http://x').searchParams.get('added_after'));
    expect(afters).toEqual([null, ...Array.from({ length: 9 }, (_, run) => `2026-01-01T00:00:00.${String(run + 1).padStart(3, '0')}Z`), '2026-01-01T00:00:00.010Z']);
    expect((await sync(cli)).rules[0]).toMatchObject({ received: 0, added: 0, duplicate: 0 });
    expect(rows()).toHaveLength(30);
  });

  it('says so when more objects share one date_added than a page of a server without next holds', async () => {
    const server = await startFakeTaxii({ pageSize: 3, token: 'fake-token' });
    cleanups.push(() => server.close());
    const texts = Array.from({ length: 6 }, () => identityText(`identity--${randomUUID()}`, '2025-02-01T00:00:00.000Z'));
    texts.forEach((text, i) => server.add(text, { sameDateAdded: i > 1 }));
    const { cli, rows } = await london();
    expect((await cli(['partner', 'add', 'paris', '--url', server.discoveryUrl, '--token', 'fake-token', '--pull', 'Fake feed:inbox'])).code).toBe(0);
    const result = await cli(['sync', 'paris']);
    expect(result.code, result.stderr).toBe(0);
    // Pages [a b1 b2], then from just before b: [b1 b2 b3], full and one timestamp; b4 and b5 cannot be reached.
    expect(result.stdout).toContain('4 received: 4 new, 0 duplicate, 0 rejected, 0 filtered; 1 page(s) held one date_added only and were full: later objects with it may be missing');
    expect(rows()).toHaveLength(4);
  });
});
