import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ExportCompression } from '../export-job.entity';
import { DEFAULT_COMPRESSION_LEVEL } from '../../config/app-config';
import type { CompressedOutput } from './compressed-output';
import { ParallelDeflate } from './parallel-deflate';
import { zipArchive } from './zip-archive';

interface Compression {
  suffix: string;
  contentType: string;
  /** The writer's way into `file`; an archive names its one entry `entryName`. */
  open(file: Writable, entryName: string, level: number): CompressedOutput;
}

/** RFC 1952's header: deflate, no name or time, the extra flag for zlib's fastest or best level, made on Unix. */
function gzipHeader(level: number): Buffer {
  const extraFlags = level === 1 ? 4 : level === 9 ? 2 : 0;
  return Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extraFlags, 3]);
}

async function* gzipMember(deflate: ParallelDeflate, level: number): AsyncGenerator<Buffer> {
  yield gzipHeader(level);
  for await (const chunk of deflate.iterator({ destroyOnReturn: false })) yield chunk as Buffer;
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(deflate.crc >>> 0, 0);
  trailer.writeUInt32LE(deflate.size % 2 ** 32, 4);
  yield trailer;
}

/** A gzip file deflated by ParallelDeflate (zlib's own gzip stream deflates on one core). */
function gzip(file: Writable, level: number): CompressedOutput {
  const deflate = new ParallelDeflate(level);
  // Its failures reach the writer (write, drain, finish) and `done`; none may go unhandled.
  deflate.on('error', () => undefined);
  const done = pipeline(gzipMember(deflate, level), file);
  // Failures surface from the writer (the compressor is destroyed with the file) and from `done` once awaited.
  done.catch((error: unknown) => deflate.destroy(error instanceof Error ? error : new Error(String(error))));
  return { stream: deflate, done };
}

const COMPRESSIONS: Record<ExportCompression, Compression> = {
  gzip: { suffix: 'gz', contentType: 'application/gzip', open: (file, _entryName, level) => gzip(file, level) },
  // `.csv.zip`, not `.zip`: the name still says what is inside, as `.csv.gz` does.
  zip: { suffix: 'zip', contentType: 'application/zip', open: zipArchive },
};

/** The file's extension: the format's own (`csv`), or with the compression's suffix (`csv.gz`, `csv.zip`). */
export function compressedExtension(extension: string, compression: ExportCompression | null): string {
  return compression ? `${extension}.${COMPRESSIONS[compression].suffix}` : extension;
}

/** The download's Content-Type: the format's own, or the compression's. */
export function compressedContentType(contentType: string, compression: ExportCompression | null): string {
  return compression ? COMPRESSIONS[compression].contentType : contentType;
}

/**
 * The writer's output on its way to the file: the file stream itself, or a compressor piped into
 * it. `entryName` is the uncompressed file's name, the one entry of a zip archive; `level` is
 * zlib's (0-9). Only the text formats are compressed, and their writers write whole batches of
 * rows (TextBatchWriter), so the compressor never sees per-row chunks.
 */
export function compressedOutput(
  file: Writable,
  compression: ExportCompression | null,
  entryName: string,
  level = DEFAULT_COMPRESSION_LEVEL,
): CompressedOutput {
  if (!compression) return { stream: file, done: Promise.resolve() };
  return COMPRESSIONS[compression].open(file, entryName, level);
}
