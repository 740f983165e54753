import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli, spawnCli, tempDir } from './cli-harness.js';
import { identity } from './cli-fixtures.js';

// Two imports of several batches each, spawned through tsx, on a loaded 2-core machine.
vi.setConfig({ testTimeout: 600_000 });

// Small batches (`--batch-size`) so a crash can land between commits of a file of a manageable size.
const BATCH = 10_000;
const OBJECTS = 10 * BATCH;

let temp: ReturnType<typeof tempDir>;
let db: string;

beforeEach(async () => {
  temp = tempDir();
  db = join(temp.dir, 'entente.db');
  const added = await runCli(['collection', 'add', 'Reports', '--json', '--db', db]);
  expect(added.code, added.stderr).toBe(0);
});

afterEach(() => temp.remove());

interface Stored {
  readonly objects: number;
  readonly distinctIds: number;
  readonly claims: number;
  /** `id@version` of every version the audit entries say were added, in order. */
  readonly audited: string[];
}

function stored(): Stored {
  const sqlite = new Database(db, { readonly: true });
  try {
    const count = (text: string) => (sqlite.prepare(text).get() as { n: number }).n;
    const details = sqlite.prepare(`select details from audit_log where action = 'objects.add' order by seq`).all() as { details: string }[];
    return {
      objects: count('select count(*) as n from objects'),
      distinctIds: count('select count(distinct id) as n from objects'),
      claims: count('select count(*) as n from object_publishers'),
      audited: details.flatMap((row) => (JSON.parse(row.details) as { added: string[] }).added),
    };
  } finally {
    sqlite.close();
  }
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
    if (stored().objects > 0) break;
  }
  child.kill('SIGKILL');
  await exited;
}

describe('entente import after a crash', () => {
  it('keeps whole batches only, with their claims and audit entries, and the re-run stores each object once', async () => {
    const lines = Array.from({ length: OBJECTS }, (_, i) => JSON.stringify(identity(`Agency ${i}`)));
    const file = join(temp.dir, 'objects.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);

    await killAfterFirstCommit(file);
    const afterCrash = stored();
    // Each batch commits whole with its claims and its audit entry, or not at all.
    expect(afterCrash.objects % BATCH).toBe(0);
    expect(afterCrash.objects).toBeGreaterThan(0);
    expect(afterCrash.objects).toBeLessThan(OBJECTS);
    expect(afterCrash.claims).toBe(afterCrash.objects);
    expect(afterCrash.audited).toHaveLength(afterCrash.objects);

    const rerun = await runCli(['import', file, '--json', '--db', db]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ read: OBJECTS, accepted: OBJECTS - afterCrash.objects, duplicate: afterCrash.objects, rejected: 0 });
    const final = stored();
    expect(final).toMatchObject({ objects: OBJECTS, distinctIds: OBJECTS, claims: OBJECTS });
    expect(new Set(final.audited).size).toBe(OBJECTS);
    expect(final.audited).toHaveLength(OBJECTS);

    const verify = await runCli(['audit', 'verify', '--db', db]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
