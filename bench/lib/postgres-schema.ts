import { dropPostgresSchema, ensurePostgresSchema } from '../../src/store/postgres-dialect.js';

/**
 * A fresh schema on the benchmark PostgreSQL server, and a connection URL
 * whose every connection works inside it (`options=-c search_path=…`), so the
 * `entente` command, which only takes a URL, uses it too.
 */
export async function freshPostgresSchema(url: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  await dropPostgresSchema(url, name);
  await ensurePostgresSchema(url, name);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${name}`);
  return { url: scoped.toString(), drop: () => dropPostgresSchema(url, name) };
}
