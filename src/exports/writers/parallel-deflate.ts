import { availableParallelism } from 'node:os';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { constants, crc32, deflateRaw } from 'node:zlib';

/** Input per block: large enough that a block's own cost (a zlib stream, a 5-byte sync flush) is lost in its deflate. */
export const DEFLATE_BLOCK_BYTES = 1 << 20;

/** deflate's window: how far back a block may refer into the one before it. */
const WINDOW_BYTES = 1 << 15;

/** libuv's thread pool runs 4 jobs at once unless UV_THREADPOOL_SIZE says otherwise. */
const DEFAULT_PARALLELISM = Math.min(availableParallelism(), 4);

/** The input's CRC-32 and length, final once the stream has ended. */
export interface Checksummed {
  readonly crc: number;
  readonly size: number;
}

interface Block {
  readonly input: Buffer;
  output?: Buffer;
}

/**
 * A raw deflate stream (RFC 1951) compressed the way pigz does it: the input is cut into blocks of
 * DEFLATE_BLOCK_BYTES, each deflated on libuv's thread pool, several at once, with the previous
 * block's last 32 KiB as its dictionary (so it compresses about as well as one stream) and a sync
 * flush at its end (byte-aligned, not final). Joined in order, the blocks are one stream that any
 * inflater reads; the last one ends it. One zlib stream uses one core: a 1M-row xlsx export has
 * 663 MB of sheet XML, 4.3 s of level-1 deflate, which was most of its time. Output leaves in order;
 * writes wait while `parallelism` blocks are in flight, and the readable side's backpressure holds
 * them as a Transform's does.
 */
export class ParallelDeflate extends Transform implements Checksummed {
  crc = 0;
  size = 0;
  private block: Buffer = Buffer.allocUnsafe(DEFLATE_BLOCK_BYTES);
  private used = 0;
  private dictionary?: Buffer;
  private readonly spare: Buffer[] = [];
  private readonly inFlight: Block[] = [];
  private waiting?: TransformCallback;
  private flushed?: TransformCallback;

  constructor(
    private readonly level: number,
    private readonly parallelism = DEFAULT_PARALLELISM,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    this.size += chunk.length;
    let at = 0;
    while (at < chunk.length) {
      const copied = chunk.copy(this.block, this.used, at);
      this.used += copied;
      at += copied;
      if (this.used === this.block.length) this.deflateBlock(constants.Z_SYNC_FLUSH);
    }
    if (this.inFlight.length < this.parallelism) callback();
    else this.waiting = callback;
  }

  override _flush(callback: TransformCallback): void {
    this.deflateBlock(constants.Z_FINISH);
    this.flushed = callback;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.waiting = undefined;
    this.flushed = undefined;
    callback(error);
  }

  private deflateBlock(finishFlush: number): void {
    const input = this.block.subarray(0, this.used);
    const block: Block = { input: this.block };
    this.inFlight.push(block);
    const options = { level: this.level, finishFlush, ...(this.dictionary && { dictionary: this.dictionary }) };
    deflateRaw(input, options, (error, output) => {
      if (this.destroyed) return;
      if (error) {
        this.destroy(error);
        return;
      }
      block.output = output;
      this.pushDone();
    });
    // zlib copies the dictionary when the stream is made, above, so the next block's may be taken now.
    this.dictionary = Buffer.from(input.subarray(Math.max(0, input.length - WINDOW_BYTES)));
    this.block = this.spare.pop() ?? Buffer.allocUnsafe(DEFLATE_BLOCK_BYTES);
    this.used = 0;
  }

  /** Pushes the finished blocks at the head, in order, and lets the writer or the end go on. */
  private pushDone(): void {
    while (this.inFlight[0]?.output) {
      const block = this.inFlight.shift() as Block;
      this.push(block.output);
      this.spare.push(block.input);
    }
    if (this.waiting && this.inFlight.length < this.parallelism) {
      const callback = this.waiting;
      this.waiting = undefined;
      callback();
    }
    if (this.flushed && this.inFlight.length === 0) this.flushed();
  }
}

/** An entry stored as it is (zip method 0), checksummed on its way through. */
export class Stored extends Transform implements Checksummed {
  crc = 0;
  size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    this.size += chunk.length;
    callback(null, chunk);
  }
}
