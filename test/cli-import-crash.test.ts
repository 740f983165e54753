import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { killAfterFirstCommit, runCli, storedImport, tempDir } from './cli-harness.js';
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

function query<R extends object>(text: string): Promise<R[]> {
  const sqlite = new Database(db, { readonly: true });
  try {
    return Promise.resolve(sqlite.prepare(text).all() as R[]);
  } finally {
    sqlite.close();
  }
}

const stored = () => storedImport(query);

describe('entente import after a crash', () => {
  it('keeps whole batches only, with their claims and audit entries, and the re-run stores each object once', async () => {
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

    const rerun = await runCli(['import', file, '--json', '--db', db]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ read: OBJECTS, accepted: OBJECTS - afterCrash.objects, duplicate: afterCrash.objects, rejected: 0 });
    const final = await stored();
    expect(final).toMatchObject({ objects: OBJECTS, distinctIds: OBJECTS, claims: OBJECTS });
    expect(new Set(final.audited).size).toBe(OBJECTS);
    expect(final.audited).toHaveLength(OBJECTS);

    const verify = await runCli(['audit', 'verify', '--db', db]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
