import type { ColumnDataType, ColumnDefinitionBuilder, Expression, Kysely, RawBuilder, Transaction } from 'kysely';
import type { InsertRow, VersionKey } from './object-columns.js';
import type { DatabaseSchema } from './schema.js';

type DataTypeExpression = ColumnDataType | RawBuilder<unknown>;

export type DialectName = 'sqlite' | 'postgres';

/**
 * The few places where SQLite and PostgreSQL differ. Everything else in the
 * store is one Kysely query layer shared by both.
 */
export interface DialectSql {
  readonly name: DialectName;
  /** The larger of two integers (`MAX(a, b)` in SQLite, `GREATEST(a, b)` in PostgreSQL). */
  greatest(a: Expression<number>, b: Expression<number>): RawBuilder<number>;
  /** Text compared byte by byte, whatever the database's locale: ids, types, versions. */
  readonly keyText: DataTypeExpression;
  /** The auto-assigned integer primary key of `objects`. */
  readonly seqType: DataTypeExpression;
  seqColumn(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /**
   * Inserts rows inside `trx`, which the caller holds the collection's lock in
   * and has left every version already held out of; returns the keys of the
   * rows inserted. Bulk loading is where the engines differ most: SQLite runs
   * one cached prepared statement per row in-process (ON CONFLICT DO NOTHING),
   * PostgreSQL sends all rows in one COPY FROM STDIN, where a version held
   * anyway fails the write as a conflict; neither pays per-row round trips nor
   * per-batch SQL compilation.
   */
  insertObjects(trx: Transaction<DatabaseSchema>, rows: readonly InsertRow[]): Promise<VersionKey[]>;
  /**
   * Called after a write commits with the number of rows it inserted: where
   * the planner needs statistics to pick the index walk, keep them fresh.
   */
  afterInsert(db: Kysely<DatabaseSchema>, inserted: number): Promise<void>;
}
