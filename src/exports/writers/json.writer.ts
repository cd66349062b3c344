import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { ExportFormatWriter } from './export-writer';
import type { ExportRow, ExportWriteContext, ExportWriter } from './export-writer';
import { JsonObjectFormat } from './json-object';
import { TextBatchWriter } from './text-batch-writer';
import type { TextChunks } from './text-chunks';

/** One JSON array of objects, one object a line. */
class JsonRowWriter extends TextBatchWriter {
  private readonly objects: JsonObjectFormat;

  constructor(out: Writable, context: ExportWriteContext) {
    super(out);
    this.objects = new JsonObjectFormat(context.columns);
  }

  protected writeRow(row: ExportRow, index: number, text: TextChunks): void {
    text.add(index === 0 ? '[\n' : ',\n');
    this.objects.write(row, text);
  }

  protected override closing(): string {
    return this.rowCount === 0 ? '[]\n' : '\n]\n';
  }
}

@Injectable()
export class JsonWriter extends ExportFormatWriter {
  readonly format = 'json' as const;
  readonly extension = 'json';
  readonly contentType = 'application/json; charset=utf-8';

  open(out: Writable, context: ExportWriteContext): ExportWriter {
    return new JsonRowWriter(out, context);
  }
}
