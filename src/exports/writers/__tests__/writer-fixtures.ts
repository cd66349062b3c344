import type { FileColumn } from '../../query/export-query.provider';
import type { ExportRow, ExportWriteContext } from '../export-writer';

/** One column of each type, shared by the writer specs. */
export const COLUMNS: FileColumn[] = [
  { key: 'id', header: 'ID', type: 'integer' },
  { key: 'driver_name', header: 'Driver', type: 'text', width: 20 },
  { key: 'transaction_date', header: 'Transaction Date', type: 'datetime', width: 20 },
  { key: 'posting_date', header: 'Posting Date', type: 'date' },
  { key: 'amount', header: 'Amount', type: 'decimal' },
  { key: 'note', header: 'Note', type: 'text' },
];

/** The round-trip edge cases: late evening, negative amount, non-ASCII, formula-like text, nulls. */
export function edgeRows(lastNote: string): ExportRow[] {
  return [
    [1, 'José Núñez', '2024-01-31 23:30:00', '2024-01-31', '-12.50', '=SUM(A1:A2)'],
    [2, null, null, null, null, null],
    [3, 'Ann Lee', '2024-02-01 00:00:01', '2024-02-29', '1234567.89', lastNote],
  ];
}

/** A writer's context over COLUMNS for a fixture type; `overrides` for what a spec varies. */
export function writeContext(overrides: Partial<ExportWriteContext> = {}): ExportWriteContext {
  return {
    exportId: 7,
    exportType: 'TOLLS',
    title: 'Bridge tolls',
    columns: COLUMNS,
    filters: {},
    totalRecords: 0,
    generatedAt: new Date(),
    ...overrides,
  };
}
