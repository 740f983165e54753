import { CompiledQuery, type Transaction } from 'kysely';
import { EntenteError } from '../errors.js';
import { OBJECT_COLUMNS, type InsertRow, type VersionKey } from './object-columns.js';
import { CopyRows } from './postgres-copy.js';
import type { DatabaseSchema } from './schema.js';
import { isUniqueViolation } from './unique-violation.js';

/** Rows per chunk sent: about 1 MB, so the server parses one chunk while the next is encoded. */
const ROWS_PER_CHUNK = 1500;

const COPY_OBJECTS = `copy objects (${OBJECT_COLUMNS.join(', ')}) from stdin`;

/**
 * Writes new versions to `objects` with one COPY FROM STDIN (text format), inside `trx`.
 *
 * The caller has left out every version already held: it read them under the
 * collection's lock, which every writer of the collection takes first. So
 * unlike an INSERT … ON CONFLICT DO NOTHING, nothing is probed for conflicts
 * before each row, and no row is parsed twice (once as the JSON of a record
 * set, then as its text): the server reads each field once, and the unique
 * key still refuses a version stored twice. Such a refusal (impossible while
 * the lock is held) fails the whole write, as a conflict to retry.
 */
export async function copyObjects(trx: Transaction<DatabaseSchema>, rows: readonly InsertRow[]): Promise<VersionKey[]> {
  if (rows.length === 0) return [];
  const collectionId = rows[0]?.collection_id;
  const changed = () =>
    new EntenteError('conflict', `Collection ${collectionId ?? ''} changed during the write; retry it`, { collectionId });
  let copied: bigint | undefined;
  try {
    ({ numAffectedRows: copied } = await trx.executeQuery(CompiledQuery.raw(COPY_OBJECTS, [new CopyRows(copyChunks(rows))])));
  } catch (error) {
    if (isUniqueViolation(error)) throw changed();
    throw error;
  }
  if (copied !== BigInt(rows.length)) throw changed();
  return rows.map(({ id, version }) => ({ id, version }));
}

function* copyChunks(rows: readonly InsertRow[]): Generator<string> {
  for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) {
    const end = Math.min(rows.length, start + ROWS_PER_CHUNK);
    let chunk = '';
    for (let i = start; i < end; i += 1) chunk += copyLine(rows[i] as InsertRow);
    yield chunk;
  }
}

/** One row in COPY's text format: fields in OBJECT_COLUMNS order, tab-separated, \N for null. */
export function copyLine(row: InsertRow): string {
  let line = '';
  OBJECT_COLUMNS.forEach((column, i) => {
    const value = row[column];
    if (i > 0) line += '\t';
    // undefined (a row built from an incomplete object) must reach the server as NULL, to be refused there by the
    // column's NOT NULL, never as the text "undefined".
    line += value === null || value === undefined ? '\\N' : typeof value === 'number' ? String(value) : copyText(value);
  });
  return `${line}\n`;
}

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A text field: backslash, tab, newline and carriage return escaped, everything else as it is. */
function copyText(value: string): string {
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c] as string) : value;
}
