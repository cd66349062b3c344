import type { Writable } from 'node:stream';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppConfig, DEFAULT_COMPRESSION_LEVEL } from '../../config/app-config';
import type { ColumnType, FileColumn } from '../query/export-query.provider';
import { drained } from './drained';
import { ExportFormatWriter } from './export-writer';
import type { ExportRow, ExportWriteContext, ExportWriter } from './export-writer';
import { TextChunks } from './text-chunks';
import { XML_TEXT_STOPS, withoutXmlForbidden, xmlText } from './xml-text';
import { columnLetter, packageParts, sheetClosing, sheetOpening, sheetPath, styleOf } from './xlsx-parts';
import type { SheetEntry } from './xlsx-parts';
import { ZipArchive } from './zip-archive';

/** Data rows per worksheet; injectable so tests can force a rollover with a few rows. */
export const XLSX_SHEET_ROWS = Symbol('XLSX_SHEET_ROWS');

/** Excel's 1,048,576 rows per sheet, less the header row. */
export const MAX_SHEET_DATA_ROWS = 1_048_575;

const MAX_SHEET_NAME = 31;
const SHEET_NAME_FORBIDDEN = /[[\]:*?/\\]/g;

const DEFAULT_WIDTH: Record<ColumnType, number> = { text: 18, integer: 10, decimal: 12, date: 12, datetime: 20 };

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
 * Writes a cell's XML after `<c r="A2`, given its column's heads: `"` and the style attribute, then
 * `<v>` for a number, ` t="str"><v>` for text. Text is a string cell (no shared strings: they would
 * cost ~1 GB at 1M rows), never an `<f>` formula, so text needs no formula guard, unlike CSV. Dates
 * are serial numbers of their UTC wall-clock time (no zone shift).
 */
type CellWriter = (value: unknown, heads: CellHeads, text: TextChunks) => void;

interface CellHeads {
  number: string;
  text: string;
}

const CELL_END = '</v></c>';

const textCell: CellWriter = (value, heads, text) => {
  const cell = typeof value === 'string' ? value : String(value);
  text.add(heads.text);
  if (!text.plain(cell, XML_TEXT_STOPS)) text.add(xmlText(cell));
  text.add(CELL_END);
};

function serialCell(value: number, heads: CellHeads, text: TextChunks): void {
  text.add(heads.number);
  text.add(`${value}`);
  text.add(CELL_END);
}

const numberCell: CellWriter = (value, heads, text) => {
  const number = typeof value === 'number' ? value : Number(value);
  if (Number.isFinite(number)) serialCell(number, heads, text);
  else textCell(value, heads, text);
};

const dateCell: CellWriter = (value, heads, text) => {
  const millis = value instanceof Date ? value.getTime() : utcMillis(String(value));
  if (Number.isNaN(millis)) textCell(value, heads, text);
  else serialCell(UNIX_EPOCH_SERIAL + millis / MS_PER_DAY, heads, text);
};

const CELL_WRITERS: Record<ColumnType, CellWriter> = {
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

/**
 * An .xlsx package written here on a zip streamer (yazl), every part through public APIs: the
 * static parts come from xlsx-parts, and the rows of each sheet are rendered to SpreadsheetML as
 * they stream, straight into the sheet's zip entry with its backpressure. (Through exceljs's
 * streaming writer, its per-row and per-cell objects were three quarters of an export's time, and
 * it ignores backpressure: exceljs#734.) Past `maxRowsPerSheet` rows a new sheet begins, with its
 * own header. The files are read back by exceljs, openpyxl and LibreOffice in the tests.
 */
class XlsxRowWriter implements ExportWriter {
  private readonly zip: ZipArchive;
  private readonly cellWriters: CellWriter[];
  /** `<c r="B` per column. */
  private readonly cellOpenings: string[];
  private readonly heads: CellHeads[];
  private readonly sheets: SheetEntry[] = [];
  private sheet: Writable;
  private chunks: TextChunks;
  private sheetRows = 0;
  private aborted = false;

  constructor(
    private readonly out: Writable,
    private readonly context: ExportWriteContext,
    private readonly maxRowsPerSheet: number,
    level: number,
  ) {
    const { columns } = context;
    this.cellWriters = columns.map((column) => CELL_WRITERS[column.type]);
    this.cellOpenings = columns.map((_column, index) => `<c r="${columnLetter(index + 1)}`);
    this.heads = columns.map((column) => {
      // the column's number format's style index, or nothing for the default style
      const style = styleOf(column.type) === 0 ? '' : ` s="${styleOf(column.type)}"`;
      return { number: `"${style}><v>`, text: `"${style} t="str"><v>` };
    });
    this.zip = new ZipArchive(out, level);
    // Failures surface from write()/finish(); this keeps an early one from being "unhandled".
    this.zip.done.catch(() => undefined);
    this.sheet = this.openSheet();
    this.chunks = new TextChunks(this.sheet);
  }

  private openSheet(): Writable {
    const sheet = this.zip.entry(sheetPath(this.sheets.length + 1));
    this.sheets.push({ name: sheetName(this.context.title, this.sheets.length + 1), rows: 1 });
    const columns = this.context.columns.map((column: FileColumn) => ({
      header: column.header,
      type: column.type,
      width: column.width ?? DEFAULT_WIDTH[column.type],
    }));
    sheet.write(sheetOpening(columns));
    this.sheetRows = 0;
    return sheet;
  }

  private closeSheet(): void {
    const rows = this.sheetRows + 1;
    this.sheets[this.sheets.length - 1].rows = rows;
    this.sheet.end(sheetClosing(this.context.columns.length, rows));
  }

  async write(rows: readonly ExportRow[]): Promise<void> {
    if (this.aborted) throw new Error('The xlsx export was aborted');
    for (const row of rows) {
      if (this.sheetRows === this.maxRowsPerSheet) {
        this.chunks.end();
        this.closeSheet();
        this.sheet = this.openSheet();
        this.chunks = new TextChunks(this.sheet);
      }
      this.writeRow(row, this.chunks);
    }
    if (this.chunks.end()) await drained(this.sheet);
  }

  /** The row's XML, straight into the chunks (no string of it is made); empty (null) cells are left out. */
  private writeRow(row: ExportRow, text: TextChunks): void {
    const number = `${++this.sheetRows + 1}`;
    text.add('<row r="');
    text.add(number);
    text.add('">');
    for (let i = 0; i < this.cellWriters.length; i++) {
      const value = row[i];
      if (value === null || value === undefined) continue;
      text.add(this.cellOpenings[i]);
      text.add(number);
      this.cellWriters[i](value, this.heads[i], text);
    }
    text.add('</row>');
  }

  async finish(): Promise<void> {
    if (this.aborted) throw new Error('The xlsx export was aborted');
    this.closeSheet();
    for (const [path, content] of packageParts(this.sheets, this.context.columns.length, this.context.title, this.context.generatedAt)) {
      this.zip.file(path, content);
    }
    this.zip.end();
    await this.zip.done;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.sheet.destroy();
    this.out.destroy();
  }
}

@Injectable()
export class XlsxWriter extends ExportFormatWriter {
  readonly format = 'excel' as const;
  readonly extension = 'xlsx';
  readonly contentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  private readonly level: number;

  constructor(
    @Optional() @Inject(XLSX_SHEET_ROWS) private readonly maxRowsPerSheet: number = MAX_SHEET_DATA_ROWS,
    @Optional() config?: AppConfig,
  ) {
    super();
    if (!Number.isInteger(maxRowsPerSheet) || maxRowsPerSheet < 1 || maxRowsPerSheet > MAX_SHEET_DATA_ROWS) {
      throw new Error(`maxRowsPerSheet must be an integer from 1 to ${MAX_SHEET_DATA_ROWS}`);
    }
    this.level = config?.exportCompressionLevel ?? DEFAULT_COMPRESSION_LEVEL;
  }

  open(out: Writable, context: ExportWriteContext): ExportWriter {
    return new XlsxRowWriter(out, context, this.maxRowsPerSheet, this.level);
  }
}
