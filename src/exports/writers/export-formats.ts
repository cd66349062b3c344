import { Inject, Injectable } from '@nestjs/common';
import { EXPORT_FORMATS } from '../export-job.entity';
import type { ExportFormat } from '../export-job.entity';
import type { ExportFormatWriter } from './export-writer';

export const FORMAT_WRITERS = Symbol('FORMAT_WRITERS');

/**
 * The writer of each format, collected from the providers registered under FORMAT_WRITERS. Refuses
 * to start when a format that requests may name has no writer, or has two.
 */
@Injectable()
export class ExportFormats {
  private readonly byFormat = new Map<ExportFormat, ExportFormatWriter>();

  constructor(@Inject(FORMAT_WRITERS) writers: ExportFormatWriter[]) {
    for (const writer of writers) {
      if (this.byFormat.has(writer.format)) throw new Error(`Two writers for format ${writer.format}`);
      this.byFormat.set(writer.format, writer);
    }
    const missing = EXPORT_FORMATS.filter((format) => !this.byFormat.has(format));
    if (missing.length > 0) throw new Error(`No writer for format ${missing.join(', ')}`);
  }

  get(format: ExportFormat): ExportFormatWriter {
    const writer = this.byFormat.get(format);
    if (!writer) throw new Error(`No writer for format ${format}`);
    return writer;
  }
}
