import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { dropPostgresSchema, ensurePostgresSchema } from '../src/store/postgres-dialect.js';
import { describeIfPostgres, postgresProblem, TEST_POSTGRES_URL } from '../src/store/test-backends.js';
import { runCli, spawnCli, tempDir } from './cli-harness.js';
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

async function query<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

interface Stored {
  readonly objects: number;
  readonly distinctIds: number;
  readonly claims: number;
  /** `id@version` of every version the audit entries say were added, in order. */
  readonly audited: string[];
}

async function stored(): Promise<Stored> {
  const [counts] = await query<{ objects: number; distinct_ids: number; claims: number }>(
    `select (select count(*)::int from objects) as objects, (select count(distinct id)::int from objects) as distinct_ids,
            (select count(*)::int from object_publishers) as claims`,
  );
  const details = await query<{ details: string }>(`select details from audit_log where action = 'objects.add' order by seq`);
  return {
    objects: counts?.objects ?? 0,
    distinctIds: counts?.distinct_ids ?? 0,
    claims: counts?.claims ?? 0,
    audited: details.flatMap((row) => (JSON.parse(row.details) as { added: string[] }).added),
  };
}

/** Waits until the import has committed its first batch, then kills it as a crash would (no cleanup runs). */
async function killAfterFirstCommit(file: string): Promise<void> {
  const child = spawnCli(['import', file, '--batch-size', String(BATCH), '--json', '--db', db]);
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (gone) throw new Error('the import finished before it could be killed');
    if ((await query<{ n: number }>('select count(*)::int as n from objects'))[0]?.n !== 0) break;
  }
  child.kill('SIGKILL');
  await exited;
}

describeIfPostgres('entente import into PostgreSQL', await postgresProblem(), () => {
  it('keeps whole batches only after a crash, with their claims and audit entries, and the re-run stores each object once', async () => {
    const lines = Array.from({ length: OBJECTS }, (_, i) => JSON.stringify(identity(`Agency ${i}`)));
    const file = join(temp.dir, 'objects.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);

    await killAfterFirstCommit(file);
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
