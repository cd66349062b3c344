import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

const CHUNK_BYTES = 64 * 1024;

/**
 * Merges many small writes (one per row) into ~64 KiB chunks before they reach the file or a
 * compressor; per-row chunks cost far more downstream than the formatting itself.
 */
export class CoalescingStream extends Transform {
  private parts: Buffer[] = [];
  private size = 0;

  constructor() {
    super({ writableHighWaterMark: CHUNK_BYTES, readableHighWaterMark: CHUNK_BYTES * 4 });
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.parts.push(buffer);
    this.size += buffer.length;
    if (this.size >= CHUNK_BYTES) this.pushParts();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.pushParts();
    callback();
  }

  private pushParts(): void {
    if (this.size === 0) return;
    this.push(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size));
    this.parts = [];
    this.size = 0;
  }
}
