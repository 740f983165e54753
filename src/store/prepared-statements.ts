import { createHash } from 'node:crypto';

/**
 * SQL texts that run on every request (the compiled page and GET shapes, the
 * read-audit append), sent to PostgreSQL as named prepared
 * statements: each connection parses such a text once and then only binds
 * values. After five executions PostgreSQL keeps a generic plan when it costs
 * no more than planning each time: a GET by id then skips its 0.3-0.5 ms of
 * planning (against 0.06-0.14 ms of execution, 1,000,000 objects); a page
 * after a cursor keeps being planned for its values (its generic plan is
 * costed for a third of the collection), and saves the parsing only. The
 * PostgreSQL pool's clients (postgres-copy.ts) look every query's text up
 * here; other texts go unnamed. Only texts with a fixed list of result
 * columns belong here: a prepared statement whose result columns change (a
 * migration adding a column under `table.*`) fails until its connection closes.
 *
 * Bounded: each name lives on every pooled connection until it closes, so
 * texts past the limit (shapes seldom used, after many distinct ones) simply
 * go unnamed, as before.
 */
const MAX_NAMED_TEXTS = 256;
const names = new Map<string, string>();

/** Marks `text` as one to run as a named prepared statement on PostgreSQL; harmless elsewhere. */
export function runPrepared(text: string): void {
  if (names.has(text) || names.size >= MAX_NAMED_TEXTS) return;
  // The name is derived from the text: node-pg refuses one name for two texts on a connection.
  names.set(text, `entente_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`);
}

/** The statement name for `text`, or undefined when it runs unnamed. */
export function preparedName(text: string): string | undefined {
  return names.get(text);
}
