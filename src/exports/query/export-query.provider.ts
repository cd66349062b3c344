/** How a column's values are typed in every output format. */
export type ColumnType = 'text' | 'integer' | 'decimal' | 'date' | 'datetime';

export interface ExportColumn {
  /** The database column, and the key users pass in `columns`. */
  key: string;
  /** Header label in files. */
  header: string;
  type: ColumnType;
  /** Excel column width in characters. */
  width?: number;
  /** Left out of the default column set (still selectable through `columns`). */
  optional?: boolean;
}

/**
 * A filter as a domain declares it. The engine turns the declarations into request validation,
 * bound where-clauses and API docs.
 * - `date`: `from_<name>` / `to_<name>` (YYYY-MM-DD, inclusive; `to_` takes the whole day).
 * - `amount`: `from_<name>` / `to_<name>` (decimals, inclusive).
 * - `values`: `<name>` as a comma-separated string or an array; matches any of the values.
 */
export interface FilterSpec {
  name: string;
  kind: 'date' | 'amount' | 'values';
  /** The column it applies to, when it differs from `name` (CURB `trip_date` → `start_time`). */
  column?: string;
  description?: string;
}

/**
 * The plug-in contract: one class per export type, decorated with `@ExportQuery()`.
 * Everything the engine needs to validate, query and write the export is declared here.
 */
export interface ExportQueryProvider {
  /** `EZPASS`, `PVB`, ... */
  readonly exportType: string;
  /** Human title for file titles and the types listing. */
  readonly title: string;
  /** File-name stem: `ezpass` → `ezpass_2024-01-01_2024-01-31_123.csv`. */
  readonly fileStem: string;
  readonly table: string;
  readonly columns: readonly ExportColumn[];
  readonly filters: readonly FilterSpec[];
  /** Columns that give a total, deterministic order; the last one must be unique. */
  readonly orderBy: readonly string[];
  /** The date filter whose range names the file, if any. */
  readonly fileDateFilter?: string;
}
