import type { Writable } from 'node:stream';

/**
 * Bytes gathered before they go to the output. Text is encoded into a buffer of this size as it is
 * added, rather than joined into a string: a batch's text as one string is a rope of thousands of
 * pieces that every young-generation GC copies until it is written, and then flattened and encoded
 * again by the output (measured: 0.6-1.0 s less worker CPU for a 1M-row csv export).
 */
export const CHUNK_BYTES = 1 << 16;

/** The most UTF-8 bytes a string of this many UTF-16 code units can need. */
const utf8Bound = (length: number): number => length * 3;

/** Marks no ASCII character: `plain` copies any ASCII text. */
export const NO_STOPS = new Uint8Array(128);

/** ASCII codes that `plain` must not copy as they are (1 at each such code). */
export function asciiStops(characters: string): Uint8Array {
  const stops = new Uint8Array(128);
  for (let i = 0; i < characters.length; i++) stops[characters.charCodeAt(i)] = 1;
  return stops;
}

/**
 * Text written to `out` as UTF-8 in buffers of about CHUNK_BYTES. `end()` writes the rest and says
 * whether `out` asked to wait (`write` returned false) for any chunk: backpressure is honoured once
 * per batch, so at most a batch more is buffered than the output's high-water mark. A text never
 * spans two chunks; one longer than a chunk is written on its own, in order.
 */
export class TextChunks {
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private full = false;

  constructor(private readonly out: Writable) {}

  /** Any text, UTF-8 encoded on its own (a lone surrogate becomes U+FFFD, as Buffer.from makes it). */
  add(text: string): void {
    if (this.plain(text, NO_STOPS)) return;
    if (this.used + utf8Bound(text.length) > this.chunk.length) {
      this.flush();
      if (utf8Bound(text.length) > CHUNK_BYTES) {
        this.send(text);
        return;
      }
    }
    this.used += this.chunk.write(text, this.used, 'utf8');
  }

  /** One ASCII character, by its code. */
  ascii(code: number): void {
    if (this.used === this.chunk.length) this.flush();
    this.chunk[this.used++] = code;
  }

  /**
   * Adds `text` byte by byte, making no string, when every character of it is ASCII and none is
   * marked in `stops`; otherwise adds nothing and returns false, for the caller to encode it.
   */
  plain(text: string, stops: Uint8Array): boolean {
    const length = text.length;
    if (this.used + length > this.chunk.length) {
      if (length > CHUNK_BYTES) return false;
      this.flush();
    }
    const chunk = this.chunk;
    let at = this.used;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code > 127 || stops[code] === 1) return false;
      chunk[at++] = code;
    }
    this.used = at;
    return true;
  }

  /** Writes what is left; true when the output is over its high-water mark. */
  end(): boolean {
    this.flush();
    const full = this.full;
    this.full = false;
    return full;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.send(this.chunk.subarray(0, this.used));
    // The output may hold on to the written chunk until it is on disk: the next one is new.
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
  }

  private send(data: Buffer | string): void {
    if (!this.out.write(data)) this.full = true;
  }
}
