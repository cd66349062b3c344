import type { Writable } from 'node:stream';
import { format } from '@fast-csv/format';
import { Injectable } from '@nestjs/common';
import { ExportFormatWriter, guardFormula } from './export-writer';
import type { ExportRow, ExportWriteContext, ExportWriter } from './export-writer';
import { RowStreamWriter } from './row-stream-writer';

class CsvRowWriter extends RowStreamWriter {
  constructor(out: Writable, context: ExportWriteContext) {
    // RFC 4180: CRLF line ends, quotes only where needed; a BOM so Excel reads UTF-8.
    super(
      out,
      format({
        headers: context.columns.map((column) => column.header),
        alwaysWriteHeaders: true,
        rowDelimiter: '\r\n',
        includeEndRowDelimiter: true,
        writeBOM: true,
      }),
    );
  }

  /**
   * Every text cell whatever its column's type (SQLite keeps any text in a date column, for one);
   * numbers cannot hold a formula.
   */
  protected toChunk(row: ExportRow): ExportRow {
    for (let index = 0; index < row.length; index++) {
      const value = row[index];
      if (typeof value === 'string') row[index] = guardFormula(value);
    }
    return row;
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
