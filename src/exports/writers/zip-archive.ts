import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import type { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { ZipFile } from 'yazl';
import { DEFAULT_COMPRESSION_LEVEL } from '../../config/app-config';
import type { CompressedOutput } from './compressed-output';

/** The CRC-32 of zip entries: zlib's, in native code. */
export const entryCrc32 = (data: Buffer | string, previous = 0): number => crc32(data, previous);

/**
 * yazl checksums every entry through its own copy of buffer-crc32, a byte-at-a-time table in
 * JavaScript: 3.5 ms per MB on the export's thread, about 2.5 s of a 1M-row xlsx (700 MB of sheet
 * XML). zlib's crc32 gives the same values 13 times faster, so that copy is handed it (resolved
 * from yazl, the module instance yazl itself loaded; pinned in zip-archive.int.spec).
 */
const yazlCrc32 = createRequire(require.resolve('yazl'))('buffer-crc32') as { unsigned: typeof entryCrc32 };
yazlCrc32.unsigned = entryCrc32;

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * A zip archive streamed to `file` while its entries are written: no copy of any entry anywhere,
 * and backpressure from `file` reaches the entry writers through yazl's pipes. Entries are written
 * in the order they are added. Their sizes and CRCs are unknown until their end, so yazl puts them
 * in a data descriptor after the data (with the signature macOS Archive Utility needs) and in the
 * central directory, switching an entry to ZIP64 only if it passes 4 GiB.
 */
export class ZipArchive {
  /** Settles once the whole archive has reached the file, or with the first error. */
  readonly done: Promise<void>;
  private readonly zip = new ZipFile();
  private readonly archive: PassThrough;
  private readonly entries: PassThrough[] = [];

  constructor(
    file: Writable,
    private readonly level = DEFAULT_COMPRESSION_LEVEL,
  ) {
    this.archive = this.zip.outputStream as PassThrough;
    this.zip.on('error', (error: Error) => this.archive.destroy(error));
    this.done = pipeline(this.archive, file);
    // yazl does not pass failures along its pipes: a failed file fails the entry writers, and an
    // aborted entry (destroyed before its end) fails the file.
    this.done.catch((error: unknown) => {
      for (const entry of this.entries) entry.destroy(asError(error));
    });
  }

  /** An entry whose content is written to the returned stream (and ended there). */
  entry(name: string): Writable {
    const entry = new PassThrough();
    this.entries.push(entry);
    this.zip.addReadStream(entry, name, { compressionLevel: this.level });
    finished(entry).catch((error: unknown) => this.archive.destroy(asError(error)));
    return entry;
  }

  /** An entry whose whole content is at hand. */
  file(name: string, content: string): void {
    this.zip.addBuffer(Buffer.from(content), name, { compressionLevel: this.level });
  }

  /** No more entries: the archive ends once those added are written. */
  end(): void {
    this.zip.end();
  }
}

/** A zip archive of one entry, `entryName`: the writer writes the entry. */
export function zipArchive(file: Writable, entryName: string, level?: number): CompressedOutput {
  const archive = new ZipArchive(file, level);
  const stream = archive.entry(entryName);
  archive.end();
  return { stream, done: archive.done };
}
