import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { preparedName } from './prepared-statements.js';

/**
 * The data of a `COPY … FROM STDIN` (text format), given to a Kysely query as
 * its only parameter: `trx.executeQuery(CompiledQuery.raw('copy … from stdin',
 * [new CopyRows(chunks)]))` runs the COPY on the connection of `trx`, inside
 * its transaction. The chunks are produced while earlier ones are sent, so the
 * server parses and stores rows while the rest are still being encoded.
 */
export class CopyRows {
  constructor(readonly chunks: Iterable<string>) {}
}

/**
 * `pool` for Kysely's PostgresDialect, its clients able to run a COPY given
 * CopyRows. Kysely hides a transaction's pg client, and node-pg runs COPY only
 * through a stream submitted to that client, so the client Kysely holds is a
 * thin wrapper that recognises the CopyRows parameter and passes every other
 * query through, as a named prepared statement when its text is one of those
 * run on every request (prepared-statements.ts).
 */
export function copyingPool(pool: pg.Pool): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, CopyingClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (wrapper === undefined) {
        // One wrapper per pg client: Kysely keeps one connection object per client it is given.
        wrapper = new CopyingClient(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

class CopyingClient implements PostgresPoolClient {
  constructor(private readonly client: pg.PoolClient) {}

  query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(statement: string | PostgresCursor<R>, parameters?: readonly unknown[]): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof statement !== 'string') {
      // A cursor is a pg Submittable; node-pg's overloads type it apart from Kysely's interface.
      return this.client.query(statement as unknown as pg.Submittable) as unknown as PostgresCursor<R>;
    }
    const data = parameters?.length === 1 ? parameters[0] : undefined;
    if (data instanceof CopyRows) return copyIn<R>(this.client, statement, data);
    const values = parameters === undefined ? [] : [...parameters];
    const name = preparedName(statement);
    // node-pg's result is what Kysely's pool-client interface describes (Kysely takes pg's own clients as they are).
    const result = name === undefined ? this.client.query(statement, values) : this.client.query({ name, text: statement, values });
    return result as unknown as Promise<PostgresQueryResult<R>>;
  }

  release(destroy?: boolean): void {
    this.client.release(destroy);
  }
}

async function copyIn<R>(client: pg.PoolClient, statement: string, data: CopyRows): Promise<PostgresQueryResult<R>> {
  // No buffering in the stream (highWaterMark 0): every write waits for the socket to take its chunk.
  const stream = client.query(copyFrom(statement, { highWaterMark: 0 }));
  let failed = false;
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('error', (error) => {
      failed = true;
      reject(error);
    });
    stream.once('finish', resolve);
  });
  // Observed now: a failure while chunks are still being written is rethrown by the await below.
  finished.catch(() => undefined);
  for (const chunk of data.chunks) {
    if (failed) break;
    // The next chunk is encoded only once the socket has this one (or the COPY failed): one chunk at most is
    // ever queued in pg-copy-streams, which after a server error must not hold chunks to flush to a connection it
    // has let go of; meanwhile the server already stores the rows sent.
    if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), finished]);
  }
  if (!failed) stream.end();
  await finished;
  // COPY FROM inserts rows; reported as an INSERT so that Kysely hands the count back as numAffectedRows.
  return { command: 'INSERT', rowCount: stream.rowCount, rows: [] };
}
