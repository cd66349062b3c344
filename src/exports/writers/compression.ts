import type { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { ExportCompression } from '../export-job.entity';

interface Compression {
  suffix: string;
  contentType: string;
  createStream(): Transform;
}

const COMPRESSIONS: Record<ExportCompression, Compression> = {
  gzip: { suffix: 'gz', contentType: 'application/gzip', createStream: () => createGzip() },
};

/** The file's extension: the format's own (`csv`), or with the compression's suffix (`csv.gz`). */
export function compressedExtension(extension: string, compression: ExportCompression | null): string {
  return compression ? `${extension}.${COMPRESSIONS[compression].suffix}` : extension;
}

/** The download's Content-Type: the format's own, or the compression's. */
export function compressedContentType(contentType: string, compression: ExportCompression | null): string {
  return compression ? COMPRESSIONS[compression].contentType : contentType;
}

export interface CompressedOutput {
  /** Where the writer writes. */
  readonly stream: Writable;
  /** Settles once everything written to `stream` has reached the file, or with the first error. */
  readonly done: Promise<void>;
}

/**
 * The writer's output on its way to the file: the file stream itself, or a compressor piped into it.
 * Only csv and json are compressed, and their writers already coalesce rows into ~64 KiB chunks
 * (RowStreamWriter), so the compressor never sees per-row chunks.
 */
export function compressedOutput(file: Writable, compression: ExportCompression | null): CompressedOutput {
  if (!compression) return { stream: file, done: Promise.resolve() };
  const compressor = COMPRESSIONS[compression].createStream();
  const done = pipeline(compressor, file);
  // Failures surface from the writer (the compressor is destroyed with the file) and from `done` once awaited.
  done.catch(() => undefined);
  return { stream: compressor, done };
}
