import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { ExportFormatWriter } from './export-writer';
import type { ExportRow, ExportWriteContext, ExportWriter } from './export-writer';
import { JsonObjectFormat } from './json-object';
import { TextBatchWriter } from './text-batch-writer';
import type { TextChunks } from './text-chunks';

/** Newline-delimited JSON: one object per line, each line ended by LF, nothing around them. */
class NdjsonRowWriter extends TextBatchWriter {
  private readonly objects: JsonObjectFormat;

  constructor(out: Writable, context: ExportWriteContext) {
    super(out);
    this.objects = new JsonObjectFormat(context.columns);
  }

  protected writeRow(row: ExportRow, _index: number, text: TextChunks): void {
    this.objects.write(row, text);
    text.add('\n');
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
