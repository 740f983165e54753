import { once } from 'node:events';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanEnv, runCli, spawnCli, tempDir } from './cli-harness.js';

vi.setConfig({ testTimeout: 180_000 });

let temp: ReturnType<typeof tempDir> | undefined;
afterEach(() => temp?.remove());

const BULLETIN = 'outlet: Sahel Monitor\npublished: 2019-11-03\n\n'
  + 'Militants attack army post in Mali\n\n'
  + 'Gunmen attacked a military post in Indelimane in the Menaka region on Friday, killing 49 soldiers, the army said. '
  + 'The Islamic State in the Greater Sahara claimed responsibility in a statement posted online.\n';

describe('entente ingest', () => {
  it('prints a summary and writes a valid bundle through a temporary file', async () => {
    temp = tempDir();
    const file = join(temp.dir, 'bulletin.txt');
    const out = join(temp.dir, 'bundle.json');
    writeFileSync(file, BULLETIN);
    const result = await runCli(['ingest', file, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('[news] 2019-11-01 (day)');
    expect(result.stdout).toContain('49 killed');
    expect(result.stdout).toMatch(/claimed by: Islamic State in the Greater Sahara \(via a statement posted online\)/u);
    expect(result.stdout).toContain('according to: army');
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as { type: string; objects: { type: string; external_references?: { source_name: string }[] }[] };
    expect(bundle.type).toBe('bundle');
    expect(bundle.objects.find((o) => o.type === 'report')?.external_references?.[0]?.source_name).toBe('Sahel Monitor');
    expect(readdirSync(temp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('goes on past a bad file, shows progress and totals, and exits 1', async () => {
    temp = tempDir();
    const good = join(temp.dir, 'good.txt');
    const binary = join(temp.dir, 'image.png');
    writeFileSync(good, BULLETIN);
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    const result = await runCli(['ingest', good, binary, '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[1/2]');
    expect(result.stderr).toMatch(/image\.png: The input looks binary/u);
    expect(result.stderr).toMatch(/ingested 1 of 2 reports \(1 failed\)/u);
    const summaries = JSON.parse(result.stdout) as { file: string; incidents: unknown[] }[];
    expect(summaries.map((s) => s.file)).toEqual([good]);
  });

  it('refuses empty input on stdin and writes nothing', async () => {
    temp = tempDir();
    const out = join(temp.dir, 'bundle.json');
    const result = await runCli(['ingest', '-', '--out', out], { input: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The input is empty');
    expect(existsSync(out)).toBe(false);
  });

  it('publishes the bundle, marked TLP:AMBER, to a running server over TAXII', async () => {
    temp = tempDir();
    const token = 'a'.repeat(40);
    const server = spawnCli(['serve', '--port', '0', '--db', join(temp.dir, 'entente.db')], cleanEnv({ ENTENTE_ADMIN_TOKEN: token }));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      server.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/listening on/u.test(output)) resolve();
      });
      server.once('exit', () => reject(new Error(output)));
    });
    try {
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/u.exec(output)?.[1] as string;
      const file = join(temp.dir, 'bulletin.txt');
      writeFileSync(file, BULLETIN);
      const result = await runCli(['ingest', file, '--publish', 'default', '--tlp', 'amber', '--server', `${url}/taxii2/`, '--token', token]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/published to default: \d+ accepted, 0 refused/u);
    } finally {
      const exited = once(server, 'exit');
      server.kill('SIGTERM');
      await exited;
    }
  });
});
