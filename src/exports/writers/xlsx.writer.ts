import { EventEmitter, once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { stream as excelStream } from 'exceljs';
import type { CellValue, Style, Worksheet } from 'exceljs';
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

const HEADER_STYLE: Partial<Style> = { font: { bold: true } };

type ToCell = (value: unknown) => CellValue;

/** 'YYYY-MM-DD[ HH:MM:SS]' read as UTC, because exceljs turns a Date into a serial through its UTC time. */
function utcDate(value: unknown): CellValue {
  if (value instanceof Date) return value;
  const text = String(value);
  const date = new Date(
    Date.UTC(
      Number(text.slice(0, 4)),
      Number(text.slice(5, 7)) - 1,
      Number(text.slice(8, 10)),
      Number(text.slice(11, 13)),
      Number(text.slice(14, 16)),
      Number(text.slice(17, 19)),
    ),
  );
  return Number.isNaN(date.getTime()) ? text : date;
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
  const base = title.replace(SHEET_NAME_FORBIDDEN, ' ').replace(/^'+|'+$/g, '').trim() || 'Export';
  return `${base.slice(0, MAX_SHEET_NAME - suffix.length).trimEnd()}${suffix}`;
}

function columnLetter(index: number): string {
  let letters = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** Uncompressed sheet XML allowed to wait for the deflater before write() holds the caller back. */
const MAX_PENDING_SHEET_BYTES = Number(process.env.XB_PENDING ?? 4 * 1024 * 1024);

interface BufferedStream {
  stream: EventEmitter;
  bufferedBytes(): number;
}

function stateLength(stream: object, key: '_writableState' | '_readableState'): number {
  const state: unknown = (stream as Record<string, unknown>)[key];
  if (typeof state !== 'object' || state === null) return 0;
  const length: unknown = (state as Record<string, unknown>).length;
  return typeof length === 'number' ? length : 0;
}

/** The stream exceljs pipes a worksheet's XML into (archiver's PassThrough), or undefined. */
function sheetEntryStream(sheet: Worksheet): BufferedStream | undefined {
  const source: unknown = (sheet as unknown as Record<string, unknown>).stream;
  if (typeof source !== 'object' || source === null) return undefined;
  const pipes: unknown = (source as Record<string, unknown>).pipes;
  const entry: unknown = Array.isArray(pipes) ? pipes[0] : undefined;
  if (!(entry instanceof EventEmitter)) return undefined;
  return { stream: entry, bufferedBytes: () => stateLength(entry, '_writableState') };
}

class XlsxRowWriter implements ExportWriter {
  private readonly workbook: excelStream.xlsx.WorkbookWriter;
  private readonly columns: readonly ExportColumn[];
  private readonly toCell: ToCell[];
  /**
   * One style object per column, assigned to every cell of the column. exceljs copies the column
   * style into a fresh object per cell, which misses its style cache (keyed by object identity).
   */
  private readonly styles: Partial<Style>[];
  private readonly rowStyle: Partial<Style> = {};
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

    this.workbook = new excelStream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    this.ended = finished(out);
    const zip = (this.workbook as unknown as { zip?: unknown }).zip;
    const zipFailed =
      zip instanceof EventEmitter
        ? new Promise<never>((_resolve, reject) => zip.once('error', reject))
        : new Promise<never>(() => undefined);
    // Failures surface from write()/finish(); this keeps an early one from being "unhandled".
    this.ended = Promise.race([this.ended, zipFailed]);
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
    const count = this.columns.length;
    for (const row of rows) {
      if (this.sheetRows === this.maxRowsPerSheet) {
        this.closeSheet();
        this.sheetIndex++;
        this.sheetRows = 0;
        this.sheet = this.addSheet();
      }
      // undefined, not null: exceljs skips the cell entirely instead of writing an empty styled one.
      const values: CellValue[] = new Array<CellValue>(count);
      for (let i = 0; i < count; i++) {
        const value = row[i];
        values[i] = value === null || value === undefined ? undefined : this.toCell[i](value);
      }
      const added = this.sheet.addRow(values);
      added.style = this.rowStyle;
      added.eachCell((cell, column) => {
        cell.style = this.styles[column - 1];
      });
      added.commit();
      this.sheetRows++;
    }
    await this.backpressure();
  }

  /**
   * exceljs ignores backpressure (exceljs#734): its sheet stream pushes XML into the zip entry's
   * PassThrough regardless of what it returns, so a fast source piles the uncompressed XML up in
   * memory. Wait on that PassThrough (it also feels a slow output through the zip's pipes), and on
   * the output itself in case exceljs internals ever change shape.
   */
  private async backpressure(): Promise<void> {
    const entry = sheetEntryStream(this.sheet);
    if (entry && entry.bufferedBytes() > MAX_PENDING_SHEET_BYTES) {
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
