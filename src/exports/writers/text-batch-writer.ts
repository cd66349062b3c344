import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { drained } from './drained';
import type { ExportRow, ExportWriter } from './export-writer';
import { TextChunks } from './text-chunks';

/**
 * Shared mechanics of the streamed text formats: a batch of rows becomes text written to the
 * output (a file, a compressor, an upload) in chunks of ~64 KB (TextChunks), with backpressure
 * honoured after every batch, so nothing downstream sees per-row chunks, and there are no per-row
 * stream events or buffers to collect.
 */
export abstract class TextBatchWriter implements ExportWriter {
  /** Settles when the output ends: resolves once finished, rejects on an error or an early close. */
  private readonly ended: Promise<void>;
  private readonly chunks: TextChunks;
  private written = 0;

  /** `opening` starts the file before any row (a BOM, a header), so even a file without rows has it. */
  protected constructor(
    private readonly out: Writable,
    opening = '',
  ) {
    this.ended = finished(out);
    // Failures surface from write()/finish(); this keeps an early one from being "unhandled".
    this.ended.catch(() => undefined);
    this.chunks = new TextChunks(out);
    if (opening) out.write(opening);
  }

  /** Adds one row's text; `index` counts rows from 0 across batches. */
  protected abstract writeRow(row: ExportRow, index: number, text: TextChunks): void;

  protected get rowCount(): number {
    return this.written;
  }

  async write(rows: readonly ExportRow[]): Promise<void> {
    for (const row of rows) this.writeRow(row, this.written++, this.chunks);
    if (this.chunks.end()) await drained(this.out);
  }

  /** Written after the last row, before the output ends. */
  protected closing(): string {
    return '';
  }

  async finish(): Promise<void> {
    this.out.end(this.closing());
    await this.ended;
  }

  abort(): void {
    this.out.destroy();
  }
}
