import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli, tempDir } from './cli-harness.js';
import { badId, identity, nameless } from './cli-fixtures.js';

// Each case spawns the real command several times; on a loaded 2-core machine a spawn can take seconds.
vi.setConfig({ testTimeout: 180_000 });

let temp: ReturnType<typeof tempDir>;
let db: string;
let collection: string;

interface Summary {
  collection: string;
  read: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  rejections: { reason: string; count: number; examples: string[] }[];
}

beforeEach(async () => {
  temp = tempDir();
  db = join(temp.dir, 'entente.db');
  collection = (JSON.parse((await runCli(['collection', 'add', 'Reports', '--json', '--db', db])).stdout) as { id: string }).id;
});

afterEach(() => temp.remove());

function write(name: string, text: string): string {
  const path = join(temp.dir, name);
  writeFileSync(path, text);
  return path;
}

describe('entente import', () => {
  it('imports a bundle, rejecting invalid objects with grouped reasons', async () => {
    const good = [identity('Agency A'), identity('Agency B'), identity('Agency C')];
    const bundle = { type: 'bundle', id: 'bundle--6f1e4b5a-8f0c-4f5e-9a3b-2c1d0e9f8a7b', objects: [...good, nameless(), nameless(), badId()] };
    const file = write('bundle.json', JSON.stringify(bundle, null, 2));
    const result = await runCli(['import', file, '--json', '--db', db]);
    expect(result.code).toBe(2);
    const summary = JSON.parse(result.stdout) as Summary;
    expect(summary).toMatchObject({ collection, read: 6, accepted: 3, duplicate: 0, rejected: 3 });
    const missingName = summary.rejections.find((r) => r.count === 2);
    expect(missingName?.reason).toContain('name');
    expect(summary.rejections.reduce((sum, r) => sum + r.count, 0)).toBe(3);
  });

  it('imports NDJSON, reporting lines that are not JSON, and counts duplicates on a second run', async () => {
    const objects = [identity('One'), identity('Two'), identity('Two', '2026-02-01T00:00:00.000Z')];
    const lines = [...objects.map((o) => JSON.stringify(o)), '{not json', JSON.stringify(nameless()), ''];
    const file = write('objects.ndjson', lines.join('\n'));
    const first = await runCli(['import', file, '--collection', collection, '--json', '--db', db]);
    expect(first.code).toBe(2);
    const summary = JSON.parse(first.stdout) as Summary;
    expect(summary).toMatchObject({ accepted: 3, duplicate: 0, rejected: 2 });
    expect(summary.rejections.map((r) => r.reason).join('\n')).toContain('not valid JSON');
    expect(summary.rejections.flatMap((r) => r.examples)).toContain('line 4');

    const again = await runCli(['import', file, '--json', '--db', db]);
    expect(JSON.parse(again.stdout)).toMatchObject({ accepted: 0, duplicate: 3, rejected: 2 });
  });

  it('imports across several batches with rejections scattered among them', async () => {
    const lines = Array.from({ length: 2_500 }, (_, i) => JSON.stringify(i % 250 === 7 ? nameless() : identity(`Agency ${i}`)));
    const result = await runCli(['import', write('many.ndjson', lines.join('\n')), '--batch-size', '1000', '--json', '--db', db]);
    expect(JSON.parse(result.stdout)).toMatchObject({ read: 2_500, accepted: 2_490, duplicate: 0, rejected: 10 });
    const exported = await runCli(['export', '--format', 'ndjson', '--db', db]);
    expect(exported.stdout.trim().split('\n')).toHaveLength(2_490);
  });

  it('reads stdin with "-", prints a text summary and exits 0 when all is accepted', async () => {
    const input = [identity('From stdin'), identity('Also from stdin')].map((o) => JSON.stringify(o)).join('\n');
    const result = await runCli(['import', '-', '--db', db], { input });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Imported into collection ${collection}: 2 accepted, 0 duplicate, 0 rejected`);
  });

  it('fails with a message for a missing file, an unknown collection and a file that is not JSON', async () => {
    const cases: [string[], string][] = [
      [['import', join(temp.dir, 'missing.json')], 'no such file'],
      [['import', write('x.ndjson', JSON.stringify(identity('x'))), '--collection', 'nope'], 'No collection with id or alias "nope"'],
      [['import', write('garbage.txt', 'hello\nworld\n')], 'neither NDJSON nor one JSON document'],
      [['import', write('y.ndjson', JSON.stringify(identity('y'))), '--batch-size', '0'], '"0" is not a positive whole number'],
      [['import', write('z.ndjson', JSON.stringify(identity('z'))), '--batch-size', '2000000'], '2000000 is more than the most allowed, 1,000,000'],
    ];
    for (const [args, message] of cases) {
      const result = await runCli([...args, '--db', db]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
  });
});

describe('entente export', () => {
  it('round-trips every version exactly, as NDJSON and as a bundle', async () => {
    const objects = [identity('One'), identity('Two'), identity('Two', '2026-02-01T00:00:00.000Z'), identity('Three')];
    const ndjson = objects.map((o) => JSON.stringify(o)).join('\n');
    expect((await runCli(['import', write('in.ndjson', ndjson), '--db', db])).code).toBe(0);

    const out = join(temp.dir, 'out.ndjson');
    const exported = await runCli(['export', '--format', 'ndjson', '--out', out, '--db', db]);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain('Exported 4 objects');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.sort()).toEqual(objects.map((o) => JSON.stringify(o)).sort());
    expect(readdirSync(temp.dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const bundle = await runCli(['export', '--collection', collection, '--db', db]);
    expect(bundle.code).toBe(0);
    const parsed = JSON.parse(bundle.stdout) as { type: string; id: string; objects: unknown[] };
    expect(parsed.type).toBe('bundle');
    expect(parsed.id).toMatch(/^bundle--[0-9a-f-]{36}$/);
    const key = (o: unknown) => JSON.stringify(o);
    expect(parsed.objects.map(key).sort()).toEqual(objects.map(key).sort());

    // The exported bundle imports back into a fresh collection without loss.
    const second = (JSON.parse((await runCli(['collection', 'add', 'Copy', '--json', '--db', db])).stdout) as { id: string }).id;
    const reimport = await runCli(['import', '-', '--collection', second, '--json', '--db', db], { input: bundle.stdout });
    expect(JSON.parse(reimport.stdout)).toMatchObject({ accepted: 4, rejected: 0 });
  });

  it('exports an empty collection as an empty bundle', async () => {
    const result = await runCli(['export', '--db', db]);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { objects: unknown[] }).objects).toEqual([]);
  });

  it('refuses an unknown format or collection and leaves no file behind', async () => {
    const out = join(temp.dir, 'never.json');
    const badFormat = await runCli(['export', '--format', 'xml', '--out', out, '--db', db]);
    expect(badFormat.code).not.toBe(0);
    expect(badFormat.stderr).toContain('xml');
    const badCollection = await runCli(['export', '--collection', 'nope', '--out', out, '--db', db]);
    expect(badCollection.code).toBe(1);
    expect(readdirSync(temp.dir).filter((name) => name.startsWith('never') || name.endsWith('.tmp'))).toEqual([]);
  });
});
