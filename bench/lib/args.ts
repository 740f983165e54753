import { parseArgs } from 'node:util';

/**
 * Flags every benchmark understands. Sizes are flags so that a quick run
 * (`--objects 20000`) and the full run (`--objects 1000000`) use one script.
 */
export interface BenchFlags {
  readonly objects: number;
  readonly backends: readonly Backend[];
  readonly postgresUrl: string;
  readonly workDir: string;
  readonly requests: number;
  readonly pageSize: number;
  readonly keep: boolean;
  /** Reuse this database (kept by an earlier `--keep` run) instead of importing. */
  readonly db: string | undefined;
  /** With `--db`: the collection holding the objects. */
  readonly collection: string | undefined;
}

export type Backend = 'sqlite' | 'postgres';

const HELP = `Flags:
  --objects N        objects to import / page through (default 1000000)
  --backend B        sqlite, postgres or both (default both)
  --postgres URL     PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test; a fresh schema is used)
  --work-dir DIR     where generated files and SQLite databases go (default /tmp/entente-bench)
  --requests N       GET-by-id requests (default 2000)
  --page-size N      TAXII limit per page (default 1000)
  --keep             keep the databases and PostgreSQL schemas afterwards
  --db FILE|URL      reuse a database imported earlier (with --keep) instead of importing again
  --collection ID    with --db: the collection to read`;

export function readFlags(argv: readonly string[] = process.argv.slice(2)): BenchFlags {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      objects: { type: 'string', default: '1000000' },
      backend: { type: 'string', default: 'both' },
      postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
      'work-dir': { type: 'string', default: '/tmp/entente-bench' },
      requests: { type: 'string', default: '2000' },
      'page-size': { type: 'string', default: '1000' },
      keep: { type: 'boolean', default: false },
      db: { type: 'string' },
      collection: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const backend = values.backend;
  if (backend !== 'sqlite' && backend !== 'postgres' && backend !== 'both') {
    throw new Error(`--backend must be sqlite, postgres or both, not "${backend}"`);
  }
  if ((values.db === undefined) !== (values.collection === undefined)) {
    throw new Error('--db and --collection go together');
  }
  const reused = values.db === undefined ? undefined : /^postgres(ql)?:\/\//i.test(values.db) ? 'postgres' : 'sqlite';
  return {
    objects: positive('objects', values.objects),
    backends: reused !== undefined ? [reused] : backend === 'both' ? ['sqlite', 'postgres'] : [backend],
    postgresUrl: values.postgres,
    workDir: values['work-dir'],
    requests: positive('requests', values.requests),
    pageSize: positive('page-size', values['page-size']),
    keep: values.keep,
    db: values.db,
    collection: values.collection,
  };
}

function positive(name: string, value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, not "${value}"`);
  return n;
}
