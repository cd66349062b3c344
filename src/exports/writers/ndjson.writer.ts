import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { ExportFormatWriter } from './export-writer';
import type { ExportRow, ExportWriteContext, ExportWriter } from './export-writer';
import { JsonObjectFormat } from './json-object';
import { TextBatchWriter } from './text-batch-writer';

/** Newline-delimited JSON: one object per line, each line ended by LF, nothing around them. */
class NdjsonRowWriter extends TextBatchWriter {
  private readonly objects: JsonObjectFormat;

  constructor(out: Writable, context: ExportWriteContext) {
    super(out);
    this.objects = new JsonObjectFormat(context.columns);
  }

  protected formatRow(row: ExportRow): string {
    return `${this.objects.format(row)}\n`;
  }
}

@Injectable()
export class NdjsonWriter extends ExportFormatWriter {
  readonly format = 'ndjson' as const;
  readonly extension = 'ndjson';
  readonly contentType = 'application/x-ndjson';

  open(out: Writable, context: ExportWriteContext): ExportWriter {
    return new NdjsonRowWriter(out, context);
  }
}
