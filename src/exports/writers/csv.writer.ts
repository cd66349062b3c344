import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { DEFAULT_CSV_OPTIONS } from '../csv-options';
import type { CsvOptions } from '../csv-options';
import { ExportFormatWriter, guardFormula } from './export-writer';
import type { ExportRow, ExportWriteContext, ExportWriter } from './export-writer';
import { TextBatchWriter } from './text-batch-writer';
import { asciiStops } from './text-chunks';
import type { TextChunks } from './text-chunks';

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
  private readonly field: (text: string) => string;
  /** What makes a field quoted: such fields, and any with a non-ASCII character, take `field`. */
  private readonly quoted: Uint8Array;

  constructor(out: Writable, context: ExportWriteContext) {
    const options = context.csv ?? DEFAULT_CSV_OPTIONS;
    super(out, CsvRowWriter.opening(options, context));
    this.delimiter = options.delimiter.charCodeAt(0);
    this.newline = LINE_ENDINGS[options.line_ending];
    this.field = fieldEncoder(options.delimiter);
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
      const cell = typeof value === 'string' ? guardFormula(value) : `${value as number}`;
      if (!text.plain(cell, this.quoted)) text.add(this.field(cell));
    }
    text.add(this.newline);
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
