/** Portable table definitions (TypeORM's Table API) for migrations that run on MySQL/MariaDB and SQLite alike. */
import { Table, TableIndex } from 'typeorm';
import type { TableColumnOptions } from 'typeorm';

export type ColumnSpec = [name: string, type: string, options?: Partial<TableColumnOptions>];

export const id: ColumnSpec = ['id', 'integer', { isPrimary: true, isGenerated: true, generationStrategy: 'increment' }];

export const varchar = (name: string, length: number, nullable = false): ColumnSpec => [
  name,
  'varchar',
  { length: String(length), isNullable: nullable },
];

export const money = (name: string, precision = 10): ColumnSpec => [name, 'decimal', { precision, scale: 2 }];

/** The driver, medallion and cab a fleet record refers to; each may be unknown. */
export const fleetRefs: ColumnSpec[] = [varchar('driver_id', 16, true), varchar('medallion_no', 8, true), varchar('vin', 17, true)];

export interface IndexSpec {
  columns: string[];
  unique?: boolean;
}

/** One single-column index per name. */
export const single = (...names: string[]): IndexSpec[] => names.map((name) => ({ columns: [name] }));

export function indexName(table: string, columns: readonly string[]): string {
  return `IDX_${table}_${columns.join('_')}`;
}

export function table(name: string, columns: ColumnSpec[], indices: IndexSpec[] = []): Table {
  return new Table({
    name,
    columns: columns.map(([column, type, options]) => ({ name: column, type, ...options })),
    indices: indices.map(
      (index) => new TableIndex({ name: indexName(name, index.columns), columnNames: index.columns, isUnique: index.unique }),
    ),
  });
}
