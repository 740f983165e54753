import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { meta, newId, sdo } from './contract-fixtures.js';
import { storeContract } from './contract-suite.js';
import { openStore } from './open-store.js';
import { openSqliteForTest } from './test-backends.js';

storeContract('SQLite', openSqliteForTest);

describe('SQLite file', () => {
  it('is created with its folder on first start, in WAL mode, and keeps its data across restarts', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'entente-sqlite-'));
    const file = join(folder, 'nested', 'data', 'entente.db');
    try {
      const first = await openStore(file);
      expect(first.dialect).toBe('sqlite');
      await first.store.migrate();
      const collection = await first.store.createCollection({ title: 'kept' });
      const id = newId();
      await first.store.addObjects(collection.id, [sdo(id, '2021-01-01T00:00:00.000Z')], meta);
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(first.db);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
      await first.store.close();
      expect(existsSync(file)).toBe(true);

      const second = await openStore(file);
      await second.store.migrate();
      const page = await second.store.queryManifest(collection.id, { limit: 10 }, { kind: 'all' });
      expect(page.items.map((r) => r.id)).toEqual([id]);
      await second.store.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
