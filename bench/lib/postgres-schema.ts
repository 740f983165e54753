import pg from 'pg';

/**
 * A fresh schema on the benchmark PostgreSQL server, and a connection URL
 * whose every connection works inside it (`options=-c search_path=…`), so the
 * `entente` command, which only takes a URL, uses it too.
 */
export async function freshPostgresSchema(url: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${name}" cascade`);
    await client.query(`create schema "${name}"`);
  } finally {
    await client.end();
  }
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${name}`);
  return {
    url: scoped.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`drop schema if exists "${name}" cascade`);
      } finally {
        await c.end();
      }
    },
  };
}
