import { EventEmitter, once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { CellValue, Style, Worksheet, stream as ExcelStream } from 'exceljs';
import type { ColumnType, ExportColumn } from '../query/export-query.provider';
import { ExportFormatWriter } from './export-writer';
import type { ExportRow, ExportWriteContext, ExportWriter } from './export-writer';

/** Data rows per worksheet; injectable so tests can force a rollover with a few rows. */
export const XLSX_SHEET_ROWS = Symbol('XLSX_SHEET_ROWS');

/** Excel's 1,048,576 rows per sheet, less the header row. */
export const MAX_SHEET_DATA_ROWS = 1_048_575;

const MAX_SHEET_NAME = 31;
const SHEET_NAME_FORBIDDEN = /[[\]:*?/\\]/g;

const DEFAULT_WIDTH: Record<ColumnType, number> = { text: 18, integer: 10, decimal: 12, date: 12, datetime: 20 };

const NUM_FMT: Record<ColumnType, string | undefined> = {
  text: undefined,
  integer: undefined,
  decimal: '#,##0.00;-#,##0.00',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm:ss',
};

// A cell's font replaces the default font rather than adding to it, so it names the face and size too.
const HEADER_STYLE: Partial<Style> = { font: { name: 'Calibri', family: 2, size: 11, bold: true } };

type ToCell = (value: unknown) => CellValue;

function digits(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS' as UTC milliseconds; NaN if it is neither. */
function utcMillis(text: string): number {
  const time = text.length === 19;
  if (!time && text.length !== 10) return Number.NaN;
  return Date.UTC(
    digits(text, 0, 4),
    digits(text, 5, 7) - 1,
    digits(text, 8, 10),
    time ? digits(text, 11, 13) : 0,
    time ? digits(text, 14, 16) : 0,
    time ? digits(text, 17, 19) : 0,
  );
}

/** Read as UTC, because exceljs turns a Date into a serial through its UTC time (no zone shift). */
function utcDate(value: unknown): CellValue {
  if (value instanceof Date) return value;
  const text = String(value);
  const millis = utcMillis(text);
  if (Number.isNaN(millis)) return text;
  return new Date(millis);
}

function toNumber(value: unknown): CellValue {
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : String(value);
}

// Cells are typed in xlsx: exceljs writes every string as a text cell (never an <f> formula), so
// text needs no formula guard here, unlike CSV.
const TO_CELL: Record<ColumnType, ToCell> = {
  text: (value) => (typeof value === 'string' ? value : String(value)),
  integer: toNumber,
  decimal: toNumber,
  date: utcDate,
  datetime: utcDate,
};

export function sheetName(title: string, index: number): string {
  const suffix = index === 1 ? '' : ` (${index})`;
  const base =
    title
      .replace(SHEET_NAME_FORBIDDEN, ' ')
      .replace(/^'+|'+$/g, '')
      .trim() || 'Export';
  return `${base.slice(0, MAX_SHEET_NAME - suffix.length).trimEnd()}${suffix}`;
}

function columnLetter(index: number): string {
  let letters = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/**
 * Rows between event-loop turns within a batch (~100 KB of sheet XML): the deflater is fed from
 * event-loop callbacks, and job-lock renewal needs turns too.
 */
const ROWS_PER_SLICE = 100;

/** Uncompressed sheet XML allowed to queue before the deflater until write() holds the caller back. */
const MAX_PENDING_SHEET_BYTES = 1024 * 1024;

function property(target: unknown, key: string): unknown {
  return typeof target === 'object' && target !== null ? (target as Record<string, unknown>)[key] : undefined;
}

function isEmitter(value: unknown): value is EventEmitter {
  return value instanceof EventEmitter;
}

/**
 * The PassThrough exceljs pipes a worksheet's XML into (archiver-utils wraps exceljs's own stream
 * in one), or undefined if exceljs internals change shape; readable-stream 2 has no writableLength.
 */
function sheetEntry(sheet: Worksheet): { stream: EventEmitter; pendingBytes: number } | undefined {
  const pipes = property(property(sheet, 'stream'), 'pipes');
  const entry: unknown = Array.isArray(pipes) ? pipes[0] : undefined;
  const pending = property(property(entry, '_writableState'), 'length');
  return isEmitter(entry) && typeof pending === 'number' ? { stream: entry, pendingBytes: pending } : undefined;
}

/** exceljs costs ~16 MB of RSS once loaded: only workers that write Excel pay for it. */
function loadExcelStream(): typeof ExcelStream {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('exceljs') as { stream: typeof ExcelStream }).stream;
}

class XlsxRowWriter implements ExportWriter {
  private readonly workbook: ExcelStream.xlsx.WorkbookWriter;
  private readonly columns: readonly ExportColumn[];
  private readonly toCell: ToCell[];
  /**
   * One style object per column, assigned to every cell of the column. exceljs copies the column
   * style into a fresh object per cell, which misses its style cache (keyed by object identity).
   */
  private readonly styles: Partial<Style>[];
  private readonly lastColumn: string;
  /** Settles when the output ends: resolves on finish, rejects on an error or an early close. */
  private readonly ended: Promise<void>;
  private sheet: Worksheet;
  private sheetIndex = 1;
  private sheetRows = 0;
  private aborted = false;

  constructor(
    private readonly out: Writable,
    private readonly context: ExportWriteContext,
    private readonly maxRowsPerSheet: number,
  ) {
    this.columns = context.columns;
    this.toCell = this.columns.map((column) => TO_CELL[column.type]);
    this.styles = this.columns.map((column) => {
      const numFmt = NUM_FMT[column.type];
      return numFmt === undefined ? {} : { numFmt };
    });
    this.lastColumn = columnLetter(Math.max(this.columns.length, 1));

    // Shared strings cost ~1 GB at 1M rows; styles are needed for date-times, amounts and the header.
    this.workbook = new (loadExcelStream().xlsx.WorkbookWriter)({ stream: out, useStyles: true, useSharedStrings: false });
    const outcomes = [finished(out)];
    // exceljs listens to the archiver's errors only once commit() runs; an earlier one would crash the process.
    const zip = property(this.workbook, 'zip');
    if (isEmitter(zip)) {
      outcomes.push(
        once(zip, 'error').then(([error]: unknown[]) => Promise.reject(error instanceof Error ? error : new Error(String(error)))),
      );
    }
    this.ended = Promise.race(outcomes);
    // Failures surface from write()/finish(); this keeps an early one from being "unhandled".
    this.ended.catch(() => undefined);
    this.sheet = this.addSheet();
  }

  private addSheet(): Worksheet {
    const sheet = this.workbook.addWorksheet(sheetName(this.context.title, this.sheetIndex), {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    sheet.columns = this.columns.map((column, index) => ({
      key: column.key,
      width: column.width ?? DEFAULT_WIDTH[column.type],
      style: this.styles[index],
    }));
    const header = sheet.addRow(this.columns.map((column) => column.header));
    header.eachCell((cell) => {
      cell.style = HEADER_STYLE;
    });
    header.commit();
    return sheet;
  }

  private closeSheet(): void {
    this.sheet.autoFilter = `A1:${this.lastColumn}${this.sheetRows + 1}`;
    this.sheet.commit();
  }

  async write(rows: readonly ExportRow[]): Promise<void> {
    if (this.aborted) throw new Error('The xlsx export was aborted');
    for (let start = 0; start < rows.length; start += ROWS_PER_SLICE) {
      if (start > 0) await yieldToEventLoop();
      const end = Math.min(rows.length, start + ROWS_PER_SLICE);
      for (let index = start; index < end; index++) this.addRow(rows[index]);
      await this.backpressure();
    }
  }

  private addRow(row: ExportRow): void {
    if (this.sheetRows === this.maxRowsPerSheet) {
      this.closeSheet();
      this.sheetIndex++;
      this.sheetRows = 0;
      this.sheet = this.addSheet();
    }
    const count = this.columns.length;
    // undefined, not null: exceljs then skips the cell instead of writing an empty styled one.
    const values: CellValue[] = new Array<CellValue>(count);
    for (let i = 0; i < count; i++) {
      const value = row[i];
      values[i] = value === null || value === undefined ? undefined : this.toCell[i](value);
    }
    const added = this.sheet.addRow(values);
    added.eachCell((cell, column) => {
      cell.style = this.styles[column - 1];
    });
    added.commit();
    this.sheetRows++;
  }

  /**
   * exceljs ignores backpressure (exceljs#734): its sheet stream pushes XML into the zip entry's
   * PassThrough regardless of what it returns, so a fast source piles the uncompressed XML up in
   * memory. Wait on that PassThrough (it also feels a slow output through the zip's pipes), and on
   * the output itself in case exceljs internals ever change shape.
   */
  private async backpressure(): Promise<void> {
    const entry = sheetEntry(this.sheet);
    if (entry && entry.pendingBytes > MAX_PENDING_SHEET_BYTES) {
      await Promise.race([once(entry.stream, 'drain'), this.ended]);
    }
    if (this.out.writableNeedDrain) await Promise.race([once(this.out, 'drain'), this.ended]);
  }

  async finish(): Promise<void> {
    if (this.aborted) throw new Error('The xlsx export was aborted');
    this.closeSheet();
    // commit() resolves on the output's 'finish': exceljs ends the stream it was given.
    await Promise.all([this.workbook.commit(), this.ended]);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.out.destroy();
  }
}

@Injectable()
export class XlsxWriter extends ExportFormatWriter {
  readonly format = 'excel' as const;
  readonly extension = 'xlsx';
  readonly contentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

  constructor(@Optional() @Inject(XLSX_SHEET_ROWS) private readonly maxRowsPerSheet: number = MAX_SHEET_DATA_ROWS) {
    super();
    if (!Number.isInteger(maxRowsPerSheet) || maxRowsPerSheet < 1 || maxRowsPerSheet > MAX_SHEET_DATA_ROWS) {
      throw new Error(`maxRowsPerSheet must be an integer from 1 to ${MAX_SHEET_DATA_ROWS}`);
    }
  }

  open(out: Writable, context: ExportWriteContext): ExportWriter {
    return new XlsxRowWriter(out, context, this.maxRowsPerSheet);
  }
}
