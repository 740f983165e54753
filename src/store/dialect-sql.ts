import type { ColumnDataType, ColumnDefinitionBuilder, Expression, RawBuilder } from 'kysely';

type DataTypeExpression = ColumnDataType | RawBuilder<unknown>;

export type DialectName = 'sqlite' | 'postgres';

/**
 * The few places where SQLite and PostgreSQL SQL differ. Everything else in
 * the store is one Kysely query layer shared by both.
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
  /** Bound parameters one statement may carry. */
  readonly maxParameters: number;
}
