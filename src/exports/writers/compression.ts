import type { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { ExportCompression } from '../export-job.entity';
import { DEFAULT_COMPRESSION_LEVEL } from '../../config/app-config';
import type { CompressedOutput } from './compressed-output';
import { zipArchive } from './zip-archive';

interface Compression {
  suffix: string;
  contentType: string;
  /** The writer's way into `file`; an archive names its one entry `entryName`. */
  open(file: Writable, entryName: string, level: number): CompressedOutput;
}

/** A compressor piped into the file. */
function compressedBy(compressor: Transform, file: Writable): CompressedOutput {
  const done = pipeline(compressor, file);
  // Failures surface from the writer (the compressor is destroyed with the file) and from `done` once awaited.
  done.catch(() => undefined);
  return { stream: compressor, done };
}

const COMPRESSIONS: Record<ExportCompression, Compression> = {
  gzip: { suffix: 'gz', contentType: 'application/gzip', open: (file, _entryName, level) => compressedBy(createGzip({ level }), file) },
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
