import { once } from 'node:events';
import type { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CoalescingStream } from './coalescing.stream';
import type { ExportRow, ExportWriter } from './export-writer';

/**
 * Shared mechanics of the streamed text formats: each row becomes one chunk written to the input
 * (a formatter such as fast-csv's, or the coalescer itself), merged into large chunks and piped to
 * the file, with backpressure honoured after every batch.
 */
export abstract class RowStreamWriter implements ExportWriter {
  private readonly input: Writable;
  private readonly done: Promise<void>;

  /** `preamble` opens the file before any row, so that even a file without rows starts with it (a BOM). */
  protected constructor(out: Writable, formatter?: Transform, preamble?: string) {
    const coalescer = new CoalescingStream();
    if (preamble) coalescer.write(preamble);
    this.input = formatter ?? coalescer;
    this.done = formatter ? pipeline(formatter, coalescer, out) : pipeline(coalescer, out);
    // Failures surface from write()/finish(); this keeps an early one from being "unhandled".
    this.done.catch(() => undefined);
  }

  protected abstract toChunk(row: ExportRow, index: number): unknown;

  private written = 0;

  protected get rowCount(): number {
    return this.written;
  }

  async write(rows: readonly ExportRow[]): Promise<void> {
    for (const row of rows) this.input.write(this.toChunk(row, this.written++));
    if (this.input.writableNeedDrain) await Promise.race([once(this.input, 'drain'), this.done]);
  }

  /** Written after the last row, before the stream ends. */
  protected trailer(): unknown {
    return undefined;
  }

  async finish(): Promise<void> {
    const trailer = this.trailer();
    if (trailer !== undefined) this.input.write(trailer);
    this.input.end();
    await this.done;
  }

  abort(): void {
    this.input.destroy();
  }
}
