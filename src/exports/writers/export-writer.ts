import type { Writable } from 'node:stream';
import type { CsvOptions } from '../csv-options';
import type { ExportFormat } from '../export-job.entity';
import type { NormalizedFilters } from '../query/export-filters';
import type { FileColumn } from '../query/export-query.provider';

/**
 * Rows reach writers as arrays in column order with canonical values: text as string, integer as
 * number, decimal as a fixed-scale string ('12.50'), date as 'YYYY-MM-DD', datetime as
 * 'YYYY-MM-DD HH:MM:SS' (UTC), and null for NULL.
 */
export type ExportRow = unknown[];

export interface ExportWriteContext {
  exportId: number;
  exportType: string;
  title: string;
  columns: readonly FileColumn[];
  filters: NormalizedFilters;
  totalRecords: number;
  generatedAt: Date;
  /** How a csv file is written; the defaults when absent. */
  csv?: CsvOptions;
}

/** One file being written. `write` resolves when it is fine to send more (backpressure). */
export interface ExportWriter {
  write(rows: readonly ExportRow[]): Promise<void>;
  /** Writes the trailer and ends the output stream. */
  finish(): Promise<void>;
  /** Stops early and releases resources (child processes, timers); the caller discards the file. */
  abort(): void;
}

/** A format: how to name, label and write it. One injectable class per format. */
export abstract class ExportFormatWriter {
  abstract readonly format: ExportFormat;
  abstract readonly extension: string;
  abstract readonly contentType: string;
  /** Most records the format accepts, checked before queueing; undefined means no limit. */
  readonly maxRecords?: number;
  abstract open(out: Writable, context: ExportWriteContext): ExportWriter;
}

/**
 * Cells a spreadsheet app would run as a formula (CSV injection, OWASP): those starting with
 * = + - @, tab or CR. A plain negative number (`-12.50`, `-7`) is read as a number, never
 * evaluated, so it stays as it is; anything else after a minus (`-1+2`, `-A1`) is guarded.
 */
const FORMULA_START = /^(?:[=+@\t\r]|-(?!\d+(?:\.\d+)?$))/;

/** The cell with a leading `'` if it could run as a formula, so that it shows as the text it is. */
export function guardFormula(value: string): string {
  // The first character decides for nearly every value; the pattern runs only for the few it may concern.
  const first = value.charCodeAt(0);
  const suspect = first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13;
  return suspect && FORMULA_START.test(value) ? `'${value}` : value;
}
