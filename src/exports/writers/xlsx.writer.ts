import { EventEmitter, once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Style, Worksheet, stream as ExcelStream } from 'exceljs';
import type { ColumnType, FileColumn } from '../query/export-query.provider';
import { ExportFormatWriter } from './export-writer';
import type { ExportRow, ExportWriteContext, ExportWriter } from './export-writer';
import { withoutXmlForbidden, xmlText } from './xml-text';

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

const MS_PER_DAY = 86_400_000;
/** Excel's serial day number of 1970-01-01 (1900 date system). */
const UNIX_EPOCH_SERIAL = 25_569;

/**
 * A cell's XML after `<c r="A2"`, given its style attribute. Text is a string cell (`t="str"`,
 * what exceljs writes without shared strings), never an `<f>` formula, so text needs no formula
 * guard, unlike CSV. Dates are serial numbers of their UTC wall-clock time (no zone shift).
 */
type CellXml = (value: unknown, style: string) => string;

const textCell: CellXml = (value, style) => `${style} t="str"><v>${xmlText(typeof value === 'string' ? value : String(value))}</v></c>`;

const numberCell: CellXml = (value, style) => {
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? `${style}><v>${number}</v></c>` : textCell(value, style);
};

const dateCell: CellXml = (value, style) => {
  const millis = value instanceof Date ? value.getTime() : utcMillis(String(value));
  return Number.isNaN(millis) ? textCell(value, style) : `${style}><v>${UNIX_EPOCH_SERIAL + millis / MS_PER_DAY}</v></c>`;
};

const CELL_XML: Record<ColumnType, CellXml> = {
  text: textCell,
  integer: numberCell,
  decimal: numberCell,
  date: dateCell,
  datetime: dateCell,
};

export function sheetName(title: string, index: number): string {
  const suffix = index === 1 ? '' : ` (${index})`;
  const base =
    withoutXmlForbidden(title)
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

interface XmlSink {
  write(xml: string): unknown;
}

/** The stream exceljs writes a worksheet's XML into; data rows go there directly (see addRows). */
function sheetXmlSink(sheet: Worksheet): XmlSink {
  const stream = property(sheet, 'stream');
  if (typeof property(stream, 'write') !== 'function') throw new Error('Unsupported exceljs version: no worksheet stream');
  return stream as XmlSink;
}

/** The workbook's style registry: the `s` index of each column's style. */
function styleIndex(workbook: ExcelStream.xlsx.WorkbookWriter, style: Partial<Style>): number {
  const styles = property(workbook, 'styles');
  const add = property(styles, 'addStyleModel');
  if (typeof add !== 'function') throw new Error('Unsupported exceljs version: no style registry');
  return (add as (model: Partial<Style>) => number).call(styles, style);
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
  private readonly columns: readonly FileColumn[];
  private readonly cellXml: CellXml[];
  private readonly letters: string[];
  /** ` s="N"` per column: its number format's style index, or nothing for the default style. */
  private readonly styleAttributes: string[];
  private readonly styles: Partial<Style>[];
  private readonly lastColumn: string;
  /** Settles when the output ends: resolves on finish, rejects on an error or an early close. */
  private readonly ended: Promise<void>;
  private sheet: Worksheet;
  private sheetXml: XmlSink;
  private sheetIndex = 1;
  private sheetRows = 0;
  private aborted = false;

  constructor(
    private readonly out: Writable,
    private readonly context: ExportWriteContext,
    private readonly maxRowsPerSheet: number,
  ) {
    this.columns = context.columns;
    this.cellXml = this.columns.map((column) => CELL_XML[column.type]);
    this.letters = this.columns.map((_column, index) => columnLetter(index + 1));
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
    this.styleAttributes = this.styles.map((style) => (style.numFmt ? ` s="${styleIndex(this.workbook, style)}"` : ''));
    this.sheet = this.addSheet();
    this.sheetXml = sheetXmlSink(this.sheet);
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
    const header = sheet.addRow(this.columns.map((column) => withoutXmlForbidden(column.header)));
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

  /**
   * The header goes through exceljs; data rows are rendered here, straight into the sheet's XML
   * stream: exceljs's row and cell objects cost about three quarters of the time of an xlsx export.
   */
  async write(rows: readonly ExportRow[]): Promise<void> {
    if (this.aborted) throw new Error('The xlsx export was aborted');
    let xml = '';
    for (let index = 0; index < rows.length; index++) {
      if (this.sheetRows === this.maxRowsPerSheet) {
        this.sheetXml.write(xml);
        xml = '';
        this.nextSheet();
      }
      xml += this.rowXml(rows[index]);
      if ((index + 1) % ROWS_PER_SLICE === 0) {
        this.sheetXml.write(xml);
        xml = '';
        await this.backpressure();
        await yieldToEventLoop();
      }
    }
    if (xml) this.sheetXml.write(xml);
    await this.backpressure();
  }

  private nextSheet(): void {
    this.closeSheet();
    this.sheetIndex++;
    this.sheetRows = 0;
    this.sheet = this.addSheet();
    this.sheetXml = sheetXmlSink(this.sheet);
  }

  /** Empty (null) cells are left out, as exceljs does for undefined values. */
  private rowXml(row: ExportRow): string {
    const number = ++this.sheetRows + 1;
    let xml = `<row r="${number}">`;
    for (let i = 0; i < this.columns.length; i++) {
      const value = row[i];
      if (value !== null && value !== undefined)
        xml += `<c r="${this.letters[i]}${number}"${this.cellXml[i](value, this.styleAttributes[i])}`;
    }
    return `${xml}</row>`;
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
