import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { dropPostgresSchema, ensurePostgresSchema } from '../src/store/postgres-dialect.js';
import { describeIfPostgres, postgresProblem, TEST_POSTGRES_URL } from '../src/store/test-backends.js';
import { killAfterFirstCommit, runCli, storedImport, tempDir } from './cli-harness.js';
import { identity, nameless } from './cli-fixtures.js';

// Imports of several batches each, spawned through tsx, on a loaded 2-core machine.
vi.setConfig({ testTimeout: 600_000 });

// Small batches (`--batch-size`) so a crash can land between commits of a file of a manageable size.
const BATCH = 5_000;
const OBJECTS = 8 * BATCH;

let temp: ReturnType<typeof tempDir>;
let schema: string;
let db: string;

beforeEach(async () => {
  temp = tempDir();
  schema = `test_cli_import_${randomBytes(6).toString('hex')}`;
  await ensurePostgresSchema(TEST_POSTGRES_URL, schema);
  db = `${TEST_POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const added = await runCli(['collection', 'add', 'Reports', '--json', '--db', db]);
  expect(added.code, added.stderr).toBe(0);
});

afterEach(async () => {
  temp.remove();
  await dropPostgresSchema(TEST_POSTGRES_URL, schema);
});

async function query<R extends object>(text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    return (await client.query(text)).rows as R[];
  } finally {
    await client.end();
  }
}

const stored = () => storedImport(query);

describeIfPostgres('entente import into PostgreSQL', await postgresProblem(), () => {
  it('keeps whole batches only after a crash, with their claims and audit entries, and the re-run stores each object once', async () => {
    const lines = Array.from({ length: OBJECTS }, (_, i) => JSON.stringify(identity(`Agency ${i}`)));
    const file = join(temp.dir, 'objects.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);

    await killAfterFirstCommit({ file, db, batch: BATCH }, query);
    const afterCrash = await stored();
    // Each batch commits whole with its claims and its audit entry, or not at all.
    expect(afterCrash.objects % BATCH).toBe(0);
    expect(afterCrash.objects).toBeGreaterThan(0);
    expect(afterCrash.objects).toBeLessThan(OBJECTS);
    expect(afterCrash.claims).toBe(afterCrash.objects);
    expect(afterCrash.audited).toHaveLength(afterCrash.objects);

    const rerun = await runCli(['import', file, '--batch-size', String(BATCH), '--json', '--db', db]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ read: OBJECTS, accepted: OBJECTS - afterCrash.objects, duplicate: afterCrash.objects, rejected: 0 });
    const final = await stored();
    expect(final).toMatchObject({ objects: OBJECTS, distinctIds: OBJECTS, claims: OBJECTS });
    expect(new Set(final.audited).size).toBe(OBJECTS);
    expect(final.audited).toHaveLength(OBJECTS);

    const verify = await runCli(['audit', 'verify', '--db', db]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });

  it('stores each object\'s text exactly as written, whatever characters it holds, and reports the refused with reasons', async () => {
    const awkward = [
      JSON.stringify(identity('back\\slash, "quotes", \\N and a tab\there')),
      JSON.stringify(identity('new\nline and carriage\rreturn')),
      JSON.stringify(identity('Ünïcødé 東京 🛰️')),
      // Spaces and a tab between the tokens, kept as written.
      JSON.stringify(identity('spaced'), null, 1).replace(/\n/g, '\t'),
    ];
    const lines = [...awkward, JSON.stringify(nameless())];
    const file = join(temp.dir, 'awkward.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const result = await runCli(['import', file, '--json', '--db', db]);
    expect(result.code, result.stderr).toBe(2);
    const summary = JSON.parse(result.stdout) as { accepted: number; rejected: number; rejections: { reason: string; count: number }[] };
    expect(summary).toMatchObject({ accepted: awkward.length, rejected: 1 });
    expect(summary.rejections[0]?.reason).toMatch(/identity: name/);

    const rows = await query<{ id: string; json: string }>('select id, json from objects');
    const byId = new Map(rows.map((row) => [row.id, row.json]));
    for (const line of awkward) expect(byId.get((JSON.parse(line) as { id: string }).id)).toBe(line);
  });
});
