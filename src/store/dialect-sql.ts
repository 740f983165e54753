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
   * Inserts rows inside `trx`, skipping versions already held (ON CONFLICT DO
   * NOTHING); returns the keys of the rows actually inserted. Bulk loading is
   * where the engines differ most: SQLite runs one cached prepared statement
   * per row in-process, PostgreSQL sends whole columns as arrays (unnest), so
   * neither pays per-row round trips nor per-batch SQL compilation.
   */
  insertObjects(trx: Transaction<DatabaseSchema>, rows: readonly InsertRow[]): Promise<VersionKey[]>;
  /**
   * Called after a write commits with the number of rows it inserted: where
   * the planner needs statistics to pick the index walk, keep them fresh.
   */
  afterInsert(db: Kysely<DatabaseSchema>, inserted: number): Promise<void>;
}
