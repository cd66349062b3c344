import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { DEFAULT_CSV_OPTIONS } from '../csv-options';
import type { CsvOptions } from '../csv-options';
import { ExportFormatWriter, FORMULA_FIRST, guardFormula } from './export-writer';
import type { ExportRow, ExportWriteContext, ExportWriter } from './export-writer';
import { TextBatchWriter } from './text-batch-writer';
import { asciiStops } from './text-chunks';
import type { TextChunks } from './text-chunks';
import { WireCursor } from './wire-rows';
import type { WireRows } from './wire-rows';

const LINE_ENDINGS = { crlf: '\r\n', lf: '\n' } as const;
const BOM = '\ufeff';
const QUOTES = /"/g;

/** RFC 4180 fields: quoted only when they hold the delimiter, a quote, CR or LF; quotes doubled. */
function fieldEncoder(delimiter: string): (text: string) => string {
  const special = new RegExp(`[${delimiter === '\t' ? '\\t' : `\\${delimiter}`}"\\r\\n]`);
  return (text) => (special.test(text) ? `"${text.replace(QUOTES, '""')}"` : text);
}

/**
 * CSV written by hand rather than through fast-csv's formatter stream: on the hot path of every
 * csv export its per-row objects, stream events and buffers cost more than reading the rows
 * (measured in docs/benchmarks.md); the output is the same RFC 4180, read back with fast-csv's
 * parser and Python's csv module in the tests.
 */
class CsvRowWriter extends TextBatchWriter {
  private readonly delimiter: number;
  private readonly newline: string;
  private readonly encode: (text: string) => string;
  private readonly columns: number;
  /** What makes a field quoted: such fields, and any with a non-ASCII character, take `field`. */
  private readonly quoted: Uint8Array;

  constructor(out: Writable, context: ExportWriteContext) {
    const options = context.csv ?? DEFAULT_CSV_OPTIONS;
    super(out, CsvRowWriter.opening(options, context));
    this.delimiter = options.delimiter.charCodeAt(0);
    this.newline = LINE_ENDINGS[options.line_ending];
    this.encode = fieldEncoder(options.delimiter);
    this.columns = context.columns.length;
    this.quoted = asciiStops(`${options.delimiter}"\r\n`);
  }

  /** The BOM and the header row, as asked (the BOM also in a file without rows). */
  private static opening(options: CsvOptions, context: ExportWriteContext): string {
    const field = fieldEncoder(options.delimiter);
    const header = options.header
      ? context.columns.map((column) => field(column.header)).join(options.delimiter) + LINE_ENDINGS[options.line_ending]
      : '';
    return (options.bom ? BOM : '') + header;
  }

  /**
   * Every text cell is guarded whatever its column's type (SQLite keeps any text in a date column,
   * for one); numbers cannot hold a formula. NULL is an empty field.
   */
  protected writeRow(row: ExportRow, _index: number, text: TextChunks): void {
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (i > 0) text.ascii(this.delimiter);
      if (value === null || value === undefined) continue;
      if (typeof value === 'string') this.text(value, text);
      else this.field(`${value as number}`, text);
    }
    text.add(this.newline);
  }

  /**
   * The same fields from the server's bytes: a cell is copied as it is unless it needs quotes, may
   * start a formula or is not UTF-8, and only such a cell is decoded to be written as above.
   */
  async writeWire(rows: WireRows): Promise<void> {
    const own = new WireCursor();
    const lookedUp = new WireCursor();
    const { columns } = rows.lookedUp;
    const text = this.chunks;
    own.bytes = rows.bytes;
    for (let row = 0; row < rows.length; row++) {
      own.at = rows.start(row);
      let nth = 0;
      let next = columns.length > 0 ? columns[0] : -1;
      for (let i = 0; i < this.columns; i++) {
        if (i > 0) text.ascii(this.delimiter);
        let cell = own;
        let present = own.next();
        if (i === next) {
          lookedUp.bytes = rows.lookedUpCell(row, nth);
          lookedUp.at = 0;
          present = lookedUp.next();
          cell = lookedUp;
          next = ++nth < columns.length ? columns[nth] : -1;
        }
        if (present) this.wireCell(cell, text);
      }
      text.add(this.newline);
    }
    await this.batchWritten(rows.length);
  }

  private wireCell({ bytes, start, end }: WireCursor, text: TextChunks): void {
    if (start === end) return;
    if (FORMULA_FIRST[bytes[start]] === 1 || !text.raw(bytes, start, end, this.quoted)) this.text(bytes.toString('utf8', start, end), text);
  }

  private text(value: string, text: TextChunks): void {
    this.field(guardFormula(value), text);
  }

  private field(cell: string, text: TextChunks): void {
    if (!text.plain(cell, this.quoted)) text.add(this.encode(cell));
  }
}

@Injectable()
export class CsvWriter extends ExportFormatWriter {
  readonly format = 'csv' as const;
  readonly extension = 'csv';
  readonly contentType = 'text/csv; charset=utf-8';

  open(out: Writable, context: ExportWriteContext): ExportWriter {
    return new CsvRowWriter(out, context);
  }
}
