import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** How a column's values are typed in every output format. */
export type ColumnType = 'text' | 'integer' | 'decimal' | 'date' | 'datetime';

/** What a file needs to know of a column. */
export interface FileColumn {
  /** The key users pass in `columns`, and the field name in json files. */
  key: string;
  /** Header label in files. */
  header: string;
  type: ColumnType;
  /** Excel column width in characters. */
  width?: number;
}

export interface ExportColumn extends FileColumn {
  /** The SQL expression the value is read from, over the aliases of the provider's query (`t.amount`, `SUM(...)`). */
  expression: string;
  /** Left out of the default column set (still selectable through `columns`). */
  optional?: boolean;
}

/**
 * A filter as a provider declares it. The engine turns the declarations into request validation,
 * bound where- or having-clauses and API docs.
 * - `date`: `from_<name>` / `to_<name>` (YYYY-MM-DD, inclusive; `to_` takes the whole day).
 * - `amount`: `from_<name>` / `to_<name>` (decimals, inclusive).
 * - `values`: `<name>` as a comma-separated string or an array; matches any of the values.
 */
export interface FilterSpec {
  name: string;
  kind: 'date' | 'amount' | 'values';
  /** The SQL expression compared with the filter's bound values. */
  expression: string;
  /** `having` for an expression over grouped rows (an aggregate), `where` for one over source rows. */
  stage: 'where' | 'having';
  /** The output column the filter narrows, when it narrows one (documentation and tests). */
  column?: string;
  description?: string;
}

/** The part of a request a provider's query has to serve: chosen columns and the filters in use. */
export interface ExportQueryScope {
  columns: readonly ExportColumn[];
  filters: readonly FilterSpec[];
  /** Leave out the joins `lookups` names: the reader fills their columns from the looked-up table. */
  lookups?: boolean;
}

/**
 * A left join on a unique key that only adds columns, which a reader may replace by reading the
 * joined table once and looking each row's key up (when the server compares the keys as exactly
 * as a JavaScript Map does). Without the join, each of `values`' columns selects the row's key.
 */
export interface ExportLookup {
  alias: string;
  /** The joined table and its unique key column. */
  table: string;
  key: string;
  /** The exported table and its column holding the key. */
  sourceTable: string;
  references: string;
  /** The row's key as selected in place of a looked-up column: `t.\`maker_no\``. */
  keyExpression: string;
  /** Column key → its SQL expression over `alias`. */
  values: Readonly<Record<string, string>>;
}

/**
 * The plug-in contract: one class per export type, decorated with `@ExportQuery()`.
 * The provider owns its query; the engine owns everything every export shares: validation,
 * column choice, the deterministic order, the count, the snapshot read, progress and formats.
 */
export interface ExportQueryProvider {
  /** The type's id in requests, upper case with underscores. */
  readonly exportType: string;
  /** Human title for file titles and the types listing. */
  readonly title: string;
  /** File-name stem: `tolls` → `tolls_2024-01-01_2024-01-31_123.csv`. */
  readonly fileStem: string;
  /** The role a caller needs to export this type (admins have every role); none: any signed-in user. */
  readonly requiredRole?: string;
  readonly columns: readonly ExportColumn[];
  readonly filters: readonly FilterSpec[];
  /** Expressions that give a total, deterministic order; the last one must be unique. */
  readonly orderBy: readonly string[];
  /** The date filter whose range names the file, if any. */
  readonly fileDateFilter?: string;
  /**
   * The query's FROM, joins and GROUP BY on a fresh builder. The engine adds the select list (each
   * chosen column's expression, aliased by its key), the filters as bound clauses, and the order;
   * `scope` says which columns and filters this export uses, so unused joins can be left out.
   */
  query(qb: SelectQueryBuilder<ObjectLiteral>, scope: ExportQueryScope): SelectQueryBuilder<ObjectLiteral>;
  /** Joins of `query` that `scope.lookups` leaves out; none: every join stays in the query. */
  lookups?(scope: ExportQueryScope): readonly ExportLookup[];
}
