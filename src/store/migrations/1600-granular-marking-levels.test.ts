import { randomBytes } from 'node:crypto';
import { Kysely, Migrator, sql, type Dialect, type MigrationProvider } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { INCIDENT_EXTENSION_ID } from '../../stix/extensions.js';
import { TLP2_MARKING_IDS } from '../../stix/tlp.js';
import { meta, newId, sdo } from '../contract-fixtures.js';
import type { DialectSql } from '../dialect-sql.js';
import { IncidentIndex } from '../incident-index.js';
import { withIncidentIndex } from '../incident-index-schema.js';
import { KyselyObjectStore } from '../kysely-object-store.js';
import { createPostgres, dropPostgresSchema } from '../postgres-dialect.js';
import type { DatabaseSchema, TlpLevel } from '../schema.js';
import { createSqlite } from '../sqlite-dialect.js';
import { describeIfPostgres, postgresProblem, TEST_POSTGRES_URL } from '../test-backends.js';
import { granularLevel, granularMarkingLevelsMigration, granularRefs } from './1600-granular-marking-levels.js';
import { storeMigrations } from './index.js';

/** The store's migrations up to, not including, `name`. */
function migrationsBefore(dialect: DialectSql, name: string): MigrationProvider {
  return {
    async getMigrations() {
      const all = await storeMigrations(dialect).getMigrations();
      return Object.fromEntries(Object.entries(all).filter(([key]) => key < name));
    },
  };
}

interface Backend {
  readonly db: Kysely<DatabaseSchema>;
  readonly store: KyselyObjectStore;
  readonly dispose: () => Promise<void>;
}

async function before1600(open: () => Promise<{ dialect: Dialect; sql: DialectSql; schema?: string }>): Promise<Backend> {
  const opened = await open();
  const db = new Kysely<DatabaseSchema>({ dialect: opened.dialect });
  const migrator = new Migrator({
    db,
    provider: migrationsBefore(opened.sql, '1600'),
    ...(opened.schema === undefined ? {} : { migrationTableSchema: opened.schema }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
  return {
    db,
    store: new KyselyObjectStore(db, opened.sql),
    dispose: async () => {
      await db.destroy();
      if (opened.schema !== undefined) await dropPostgresSchema(TEST_POSTGRES_URL, opened.schema);
    },
  };
}

const granular = (level: TlpLevel) => [{ marking_ref: TLP2_MARKING_IDS[level as keyof typeof TLP2_MARKING_IDS], selectors: ['description'] }];
const marked = (level: TlpLevel, extra: Record<string, unknown> = {}) => ({ object_marking_refs: [TLP2_MARKING_IDS[level as keyof typeof TLP2_MARKING_IDS]], description: 'd', ...extra });

function incident(id: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    ...extra,
    extensions: {
      [INCIDENT_EXTENSION_ID]: {
        extension_type: 'property-extension', event_date: '2025-01-05', date_precision: 'day', news_status: 'news', attack_types: ['Bombing/Explosion'],
        target_types: ['Police'], victims_killed: { low: 3, high: 3, qualifier: 'exact', text: '3' },
      },
    },
    name: `incident ${id}`,
  };
}

async function levels(db: Kysely<DatabaseSchema>): Promise<Record<string, string>> {
  const rows = await db.selectFrom('objects').select(['id', 'tlp']).execute();
  return Object.fromEntries(rows.map((r) => [r.id, r.tlp]));
}

/** Incidents counted per level in the unfiltered day counts, and the level each indexed incident row holds. */
async function indexed(db: Kysely<DatabaseSchema>): Promise<{ counts: Record<string, number>; rows: Record<string, string | null> }> {
  const index = withIncidentIndex(db);
  const counts = await index.selectFrom('intel_day_counts').select(['tlp', sql<number>`sum(incidents)`.as('n')]).groupBy('tlp').execute();
  const rows = await index.selectFrom('intel_incidents').select(['id', 'tlp']).execute();
  return {
    counts: Object.fromEntries(counts.filter((c) => Number(c.n) !== 0).map((c) => [c.tlp, Number(c.n)])),
    rows: Object.fromEntries(rows.map((r) => [r.id, r.tlp])),
  };
}

function suite(open: () => Promise<{ dialect: Dialect; sql: DialectSql; schema?: string }>): void {
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.dispose();
    backend = undefined;
  });

  it('tightens stored levels by granular markings, moves the incident index with them, and changes nothing when run again', async () => {
    backend = await before1600(open);
    const { db, store } = backend;
    const collection = await store.createCollection({ title: 'c' });
    const greenWithRed = newId();
    const greenOnly = newId();
    const amberWithClear = newId();
    const redIncident = newId('incident');
    const greenIncident = newId('incident');
    const write = (id: string, extra: Record<string, unknown>, tlp: TlpLevel) => ({ ...sdo(id, '2021-01-01T00:00:00.000Z', extra), tlp });
    await store.addObjects(collection.id, [
      write(greenWithRed, marked('green', { granular_markings: granular('red') }), 'green'),
      // Names the property in its text only: a candidate of the pattern, not re-levelled.
      write(greenOnly, marked('green', { description: 'no "granular_markings" here' }), 'green'),
      write(amberWithClear, marked('amber', { granular_markings: granular('clear') }), 'amber'),
      write(redIncident, incident(redIncident, marked('green', { granular_markings: granular('red') })), 'green'),
      write(greenIncident, incident(greenIncident, marked('green')), 'green'),
    ], meta);
    await new IncidentIndex(db).catchUp();
    expect(await indexed(db)).toEqual({ counts: { green: 2 }, rows: { [redIncident]: 'green', [greenIncident]: 'green' } });

    await store.migrate();

    const after = await levels(db);
    expect(after).toEqual({ [greenWithRed]: 'red', [greenOnly]: 'green', [amberWithClear]: 'amber', [redIncident]: 'red', [greenIncident]: 'green' });
    const index = await indexed(db);
    expect(index).toEqual({ counts: { green: 1, red: 1 }, rows: { [redIncident]: 'red', [greenIncident]: 'green' } });

    await store.migrate();
    await granularMarkingLevelsMigration.up(db);
    expect(await levels(db)).toEqual(after);
    expect(await indexed(db)).toEqual(index);
  });

  it('passes over a granular statement stored by the row’s own organisation only, as the write path does, and fails closed on any other', async () => {
    backend = await before1600(open);
    const { db, store } = backend;
    const collection = await store.createCollection({ title: 'c' });
    const elsewhere = await store.createCollection({ title: 'elsewhere' });
    const ours = statement();
    const theirs = statement();
    const squatted = statement();
    const by = (authorOrg: string | null) => ({ ...meta, authorOrg });
    await store.addObjects(collection.id, [{ ...ours, tlp: 'clear' }, { ...squatted, tlp: 'clear' }], by('org-a'));
    await store.addObjects(collection.id, [{ ...theirs, tlp: 'clear' }], by('org-b'));
    // The same id defined as something else than a statement, by anybody: it restricts, whoever stored the statement.
    const squatting = sdo(squatted.object.id, undefined, { definition_type: 'handling', definition: { handling: 'eyes only' } });
    await store.addObjects(elsewhere.id, [{ ...squatting, tlp: 'clear' }], by('org-b'));
    const on = (ref: string, extra: Record<string, unknown> = {}) => marked('green', { granular_markings: [{ marking_ref: ref, selectors: ['description'] }], ...extra });
    const write = (extra: Record<string, unknown>) => ({ ...sdo(newId(), '2021-01-01T00:00:00.000Z', extra), tlp: 'green' as const });
    const ourStatement = write(on(ours.object.id));
    const ourStatementAndRed = write(marked('green', { granular_markings: [{ marking_ref: ours.object.id, selectors: ['description'] }, ...granular('red')] }));
    const theirStatement = write(on(theirs.object.id));
    const squattedStatement = write(on(squatted.object.id));
    const nobodysStatement = write(on(ours.object.id));
    const theirOwn = write(on(theirs.object.id));
    await store.addObjects(collection.id, [ourStatement, ourStatementAndRed, theirStatement, squattedStatement], by('org-a'));
    await store.addObjects(collection.id, [nobodysStatement], by(null));
    await store.addObjects(collection.id, [theirOwn], by('org-b'));

    await store.migrate();

    expect(await levels(db)).toMatchObject({
      [ourStatement.object.id]: 'green',
      [ourStatementAndRed.object.id]: 'red',
      [theirStatement.object.id]: 'unknown',
      [squattedStatement.object.id]: 'unknown',
      [nobodysStatement.object.id]: 'unknown',
      [theirOwn.object.id]: 'green',
    });
  });
}

function statement(): ReturnType<typeof sdo> {
  const id = newId('marking-definition');
  const text = `Copyright ${id}`;
  const { json, object } = sdo(id, undefined, { name: text, definition_type: 'statement', definition: { statement: text } });
  return { json, object };
}

describe('granularLevel', () => {
  it('only tightens, fails closed on a ref it cannot read, and keeps author-only levels', () => {
    const level = (stored: TlpLevel, json: string, statements: ReadonlySet<string> = new Set()) => granularLevel(stored, granularRefs(json), statements);
    const json = (granularMarkings: unknown) => JSON.stringify({ type: 'indicator', granular_markings: granularMarkings });
    const custom = 'marking-definition--00000000-0000-4000-8000-000000000000';
    expect(level('green', json(granular('red')))).toBe('red');
    expect(level('amber', json(granular('clear')))).toBe('amber');
    expect(level('amber+strict', json(granular('red')))).toBe('red');
    expect(level('clear', json([{ marking_ref: custom, selectors: ['name'] }]))).toBe('unknown');
    expect(level('clear', json([{ marking_ref: custom, selectors: ['name'] }]), new Set([custom]))).toBe('clear');
    expect(level('green', json([{ marking_ref: custom, selectors: ['name'] }, ...granular('amber')]), new Set([custom]))).toBe('amber');
    expect(level('green', json([{ lang: 'fr', selectors: ['name'] }]))).toBe('green');
    expect(level('none', json(granular('red')))).toBe('none');
    expect(level('unknown', json(granular('clear')))).toBe('unknown');
    expect(level('green', '{"granular_markings"')).toBe('unknown');
  });
});

describe('migration 1600 (SQLite)', () => {
  suite(async () => createSqlite(':memory:'));
});

describeIfPostgres('migration 1600 (PostgreSQL)', await postgresProblem(), () => {
  suite(async () => {
    const schema = `test_m1600_${randomBytes(6).toString('hex')}`;
    return { ...(await createPostgres(TEST_POSTGRES_URL, schema)), schema };
  });
});
