import { getMetadataArgsStorage } from 'typeorm';
import type { ColumnType, ExportColumn, ExportQueryProvider, FilterSpec } from './export-query.provider';

type EntityClass = abstract new (...args: never[]) => object;

export interface ExportDeclaration {
  exportType: string;
  title: string;
  /** The TypeORM entity whose table is exported; column types come from its metadata. */
  entity: EntityClass;
  /** Output columns in order: entity property names. */
  columns: readonly string[];
  /** Columns left out unless requested by `columns`. */
  optional?: readonly string[];
  /** Header labels where the title-cased column name does not read well. */
  headers?: Readonly<Record<string, string>>;
  filters: { date?: readonly string[]; amount?: readonly string[]; values?: readonly string[] };
  /** Filters that apply to a column of another name (CURB `trip_date` → `start_time`). */
  filterColumns?: Readonly<Record<string, string>>;
  orderBy: readonly string[];
  fileDateFilter?: string;
}

const TYPES: Record<string, ColumnType> = {
  varchar: 'text',
  text: 'text',
  integer: 'integer',
  int: 'integer',
  decimal: 'decimal',
  date: 'date',
  datetime: 'datetime',
};
const WIDTHS: Record<ColumnType, number> = { text: 14, integer: 10, decimal: 12, date: 12, datetime: 20 };
const ACRONYMS: Record<string, string> = { id: 'ID', vin: 'VIN', no: 'No.' };

/** `transaction_id` → `Transaction ID`. */
export function titleCase(key: string): string {
  return key
    .split('_')
    .map((word) => ACRONYMS[word] ?? `${word.charAt(0).toUpperCase()}${word.slice(1)}`)
    .join(' ');
}

function entityTable(entity: EntityClass): string {
  const table = getMetadataArgsStorage().tables.find((candidate) => candidate.target === entity);
  if (!table?.name) throw new Error(`${entity.name} is not an @Entity with a table name`);
  return table.name;
}

function entityColumns(entity: EntityClass, declaration: ExportDeclaration): ExportColumn[] {
  const metadata = new Map(
    getMetadataArgsStorage()
      .columns.filter((column) => column.target === entity)
      .map((column) => [column.propertyName, column.options]),
  );
  return declaration.columns.map((key) => {
    const options = metadata.get(key);
    const type = TYPES[String(options?.type)];
    if (!options || !type) throw new Error(`${declaration.exportType}: ${entity.name}.${key} is not a column of an exportable type`);
    const header = declaration.headers?.[key] ?? titleCase(key);
    const length = typeof options.length === 'number' ? options.length : Number(options.length ?? 0);
    const width = Math.min(40, Math.max(WIDTHS[type], header.length + 2, length + 2));
    return { key, header, type, width, ...(declaration.optional?.includes(key) ? { optional: true } : {}) };
  });
}

function filterSpecs(declaration: ExportDeclaration): FilterSpec[] {
  return (['date', 'amount', 'values'] as const).flatMap((kind) =>
    (declaration.filters[kind] ?? []).map((name) => {
      const column = declaration.filterColumns?.[name];
      return column ? { name, kind, column } : { name, kind };
    }),
  );
}

/**
 * An export type declared as data: the entity, its column keys in order, and its filters by kind.
 * Types, widths and headers come from the entity's metadata; domains hold no query code.
 */
export abstract class DeclaredExportQuery implements ExportQueryProvider {
  readonly exportType: string;
  readonly title: string;
  readonly fileStem: string;
  readonly table: string;
  readonly columns: readonly ExportColumn[];
  readonly filters: readonly FilterSpec[];
  readonly orderBy: readonly string[];
  readonly fileDateFilter?: string;

  protected constructor(declaration: ExportDeclaration) {
    this.exportType = declaration.exportType;
    this.title = declaration.title;
    this.fileStem = declaration.exportType.toLowerCase();
    this.table = entityTable(declaration.entity);
    this.columns = entityColumns(declaration.entity, declaration);
    this.filters = filterSpecs(declaration);
    this.orderBy = declaration.orderBy;
    this.fileDateFilter = declaration.fileDateFilter;
  }
}
