import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { EntenteError } from '../errors.js';
import type { DialectName } from './dialect-sql.js';

/**
 * Full-text search over report text, the one place the two engines differ in
 * the read model: SQLite keeps an FTS5 table whose rowid is the
 * `intel_reports` row's rowid; PostgreSQL a `tsvector` column with a GIN
 * index. Both tokenise without stemming ('simple' / unicode61), so a query
 * matches the same words on either.
 */

/** Most words a search may hold; more are refused rather than silently dropped. */
export const MAX_SEARCH_WORDS = 16;

/** Writes the text of the report row (collection_id, date_added) into the full-text index. */
export async function indexReportText<DB>(db: Kysely<DB>, dialect: DialectName, collectionId: string, dateAdded: number, text: string): Promise<void> {
  if (dialect === 'sqlite') {
    await sql`insert into intel_report_fts(rowid, text)
      select rowid, ${text} from intel_reports where collection_id = ${collectionId} and date_added = ${dateAdded}`.execute(db);
  } else {
    await sql`update intel_reports set tsv = to_tsvector('simple', ${text})
      where collection_id = ${collectionId} and date_added = ${dateAdded}`.execute(db);
  }
}

/**
 * The words of a search, as the full-text engines will match them (all must
 * appear). Punctuation and operators are dropped, so hostile input cannot
 * reach FTS5's query syntax.
 */
export function searchWords(q: string): string[] {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) throw new EntenteError('invalid_input', 'q must contain at least one word or number to search for', { field: 'q' });
  if (words.length > MAX_SEARCH_WORDS) {
    throw new EntenteError('invalid_input', `q has ${words.length} words; search with at most ${MAX_SEARCH_WORDS}`, { field: 'q' });
  }
  return words;
}

/** True for a row of `intel_reports` named `alias` whose text holds every word. */
export function reportTextMatches(dialect: DialectName, alias: string, words: readonly string[]): Expression<SqlBool> {
  if (dialect === 'sqlite') {
    const query = words.map((w) => `"${w}"`).join(' ');
    return sql<SqlBool>`${sql.ref(`${alias}.rowid`)} in (select rowid from intel_report_fts where intel_report_fts match ${query})`;
  }
  return sql<SqlBool>`${sql.ref(`${alias}.tsv`)} @@ to_tsquery('simple', ${words.map((w) => `'${w}'`).join(' & ')})`;
}

/**
 * The same test as `reportTextMatches`, written as a probe of the one row
 * (SQLite: the full-text index sought at that rowid), so a query walking
 * rows in another order never lists every report holding a common word.
 */
export function reportTextProbe(dialect: DialectName, alias: string, words: readonly string[]): Expression<SqlBool> {
  if (dialect === 'sqlite') {
    const query = words.map((w) => `"${w}"`).join(' ');
    return sql<SqlBool>`exists (select 1 from intel_report_fts where intel_report_fts.rowid = ${sql.ref(`${alias}.rowid`)} and intel_report_fts match ${query})`;
  }
  return reportTextMatches(dialect, alias, words);
}

/** How many reports (any collection, any version) hold every word, counted up to `cap`. */
export async function countTextMatches<DB>(db: Kysely<DB>, dialect: DialectName, words: readonly string[], cap: number): Promise<number> {
  const matches = dialect === 'sqlite'
    ? sql<{ n: number }>`select count(*) as n from (select rowid from intel_report_fts where intel_report_fts match ${words.map((w) => `"${w}"`).join(' ')} limit ${cap})`
    : sql<{ n: number }>`select count(*) as n from (select 1 from intel_reports where tsv @@ to_tsquery('simple', ${words.map((w) => `'${w}'`).join(' & ')}) limit ${cap})`;
  return Number((await matches.execute(db)).rows[0]?.n ?? 0);
}
