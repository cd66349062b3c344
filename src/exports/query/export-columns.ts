import type { ColumnType, ExportColumn } from './export-query.provider';

/** A column as a provider writes it; header and width are derived when left out. */
export interface ColumnDeclaration {
  key: string;
  type: ColumnType;
  expression: string;
  header?: string;
  optional?: boolean;
  /** Longest value expected, in characters (a varchar's length), for the Excel width. */
  length?: number;
}

const WIDTHS: Record<ColumnType, number> = { text: 14, integer: 10, decimal: 12, date: 12, datetime: 20 };
const ACRONYMS: Record<string, string> = { id: 'ID', vin: 'VIN', no: 'No.' };
const MAX_WIDTH = 40;

/** `transaction_id` → `Transaction ID`. */
export function titleCase(key: string): string {
  return key
    .split('_')
    .map((word) => ACRONYMS[word] ?? `${word.charAt(0).toUpperCase()}${word.slice(1)}`)
    .join(' ');
}

export function exportColumn(declaration: ColumnDeclaration): ExportColumn {
  const { key, type, expression, optional, length = 0 } = declaration;
  const header = declaration.header ?? titleCase(key);
  const width = Math.min(MAX_WIDTH, Math.max(WIDTHS[type], header.length + 2, length + 2));
  return { key, header, type, expression, width, ...(optional ? { optional: true } : {}) };
}
