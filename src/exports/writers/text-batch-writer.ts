import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ExportRow, ExportWriter } from './export-writer';

/**
 * Shared mechanics of the streamed text formats: each batch of rows becomes one string written to
 * the output (a file, a compressor, an upload), with backpressure honoured after every batch. A
 * batch is ~100-400 KB of text, so nothing downstream sees per-row chunks, and there are no
 * per-row stream events or buffers to collect.
 */
export abstract class TextBatchWriter implements ExportWriter {
  /** Settles when the output ends: resolves once finished, rejects on an error or an early close. */
  private readonly ended: Promise<void>;
  private written = 0;

  /** `opening` starts the file before any row (a BOM, a header), so even a file without rows has it. */
  protected constructor(
    private readonly out: Writable,
    opening = '',
  ) {
    this.ended = finished(out);
    // Failures surface from write()/finish(); this keeps an early one from being "unhandled".
    this.ended.catch(() => undefined);
    if (opening) out.write(opening);
  }

  /** One row's text; `index` counts rows from 0 across batches. */
  protected abstract formatRow(row: ExportRow, index: number): string;

  protected get rowCount(): number {
    return this.written;
  }

  async write(rows: readonly ExportRow[]): Promise<void> {
    let text = '';
    for (const row of rows) text += this.formatRow(row, this.written++);
    if (!this.out.write(text)) await Promise.race([once(this.out, 'drain'), this.ended]);
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
