import type { Writable } from 'node:stream';
import { format } from '@fast-csv/format';
import { Injectable } from '@nestjs/common';
import { DEFAULT_CSV_OPTIONS } from '../csv-options';
import { ExportFormatWriter, guardFormula } from './export-writer';
import type { ExportRow, ExportWriteContext, ExportWriter } from './export-writer';
import { RowStreamWriter } from './row-stream-writer';

const LINE_ENDINGS = { crlf: '\r\n', lf: '\n' } as const;
const BOM = '\ufeff';

class CsvRowWriter extends RowStreamWriter {
  constructor(out: Writable, context: ExportWriteContext) {
    const { delimiter, bom, line_ending, header } = context.csv ?? DEFAULT_CSV_OPTIONS;
    // Quotes only where needed: fast-csv quotes a field holding the delimiter, a quote, CR or LF.
    // The BOM goes first even in a file without rows (fast-csv writes its own only before a row).
    super(
      out,
      format({
        headers: context.columns.map((column) => column.header),
        writeHeaders: header,
        alwaysWriteHeaders: header,
        delimiter,
        rowDelimiter: LINE_ENDINGS[line_ending],
        // A file of no rows and no header stays empty rather than one blank line.
        includeEndRowDelimiter: header || context.totalRecords > 0,
      }),
      bom ? BOM : undefined,
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
