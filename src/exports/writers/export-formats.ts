import { Inject, Injectable } from '@nestjs/common';
import type { ExportFormat } from '../export-job.entity';
import type { ExportFormatWriter } from './export-writer';

export const FORMAT_WRITERS = Symbol('FORMAT_WRITERS');

/** The writer of each format, collected from the providers registered under FORMAT_WRITERS. */
@Injectable()
export class ExportFormats {
  private readonly byFormat: Map<ExportFormat, ExportFormatWriter>;

  constructor(@Inject(FORMAT_WRITERS) writers: ExportFormatWriter[]) {
    this.byFormat = new Map(writers.map((writer) => [writer.format, writer]));
  }

  get(format: ExportFormat): ExportFormatWriter {
    const writer = this.byFormat.get(format);
    if (!writer) throw new Error(`No writer for format ${format}`);
    return writer;
  }
}
